//! `GET /api/search?q=…&lang=zh|en&kind=…&limit=N`: the text index ([`crate::search`]) as JSON,
//! for the UI's search box and anyone else: `{"query", "results": [{"iri", "label",
//! "label_en", "label_zh", "kind", "score", "snippet", "marks", "field", "lang", "part_of"}]}`,
//! best first; `marks` are the matched spans of `snippet` as `[start, end)` character offsets.
//! Runs as an engine job like every store read.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::AppError;
use super::{params, AppState};
use crate::search::{Request, MAX_QUERY_CHARS};

/// Most results one request may ask for.
pub const MAX_LIMIT: usize = 100;

pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let p = params::parse_form(raw.unwrap_or_default().as_bytes())?;
    let known = ["q", "lang", "kind", "limit"];
    if let Some((k, _)) = p.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        return Err(AppError::BadRequest(format!(
            "unknown parameter {k:?}; /api/search takes q, lang, kind and limit"
        )));
    }
    let q = params::single(&p, "q")?.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(AppError::BadRequest(
            "q is empty: give the text to look for, e.g. /api/search?q=明斯克".into(),
        ));
    }
    let chars = q.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(AppError::BadRequest(format!(
            "q is {chars} characters long; at most {MAX_QUERY_CHARS} are read"
        )));
    }
    let lang = params::single(&p, "lang")?.filter(|l| !l.is_empty());
    if let Some(l) = &lang {
        if !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || l.len() > 16 {
            return Err(AppError::BadRequest(format!(
                "lang={l:?} is not a language tag; use zh or en"
            )));
        }
    }
    let kind = params::single(&p, "kind")?.filter(|k| !k.is_empty());
    if let Some(k) = &kind {
        if !k.chars().all(|c| c.is_ascii_alphanumeric()) || k.len() > 64 {
            return Err(AppError::BadRequest(format!(
                "kind={k:?} is not a type name; use e.g. Place, Event, Passage, Agreement"
            )));
        }
    }
    let limit = match params::single(&p, "limit")? {
        None => 10,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(format!("limit={l:?}: expected 1..={MAX_LIMIT}"))
            })?,
    };
    let request = Request {
        text: q.clone(),
        lang,
        kind,
        limit,
    };
    let results = state
        .engine()
        .run(move |cx| Ok::<_, AppError>(cx.text_index()?.search(&request)))
        .await?;
    Ok(Json(serde_json::json!({ "query": q, "results": results })).into_response())
}
