//! `/queries`: the gallery of stored questions, listed and run with typed parameters.
//!
//! The gallery is read and parsed once (at start and on `/reload`), not per request. Parameter
//! values become typed RDF terms bound to variables ([`StoredQuery::bind`]); they never touch
//! the query text.

use std::path::Path;

use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use spargebra::Query;

use super::error::AppError;
use super::exec::{self, QueryJob};
use super::params;
use super::{negotiate, sparql, AppState};
use crate::gallery::StoredQuery;
use crate::query::result_kind;

/// Parameter names the endpoint itself uses, never bound into a query.
const RESERVED: &[&str] = &negotiate::FORMAT_PARAMS;

pub struct Entry {
    pub meta: StoredQuery,
    pub query: Query,
}

#[derive(Default)]
pub struct Gallery {
    pub entries: Vec<Entry>,
}

impl Gallery {
    /// Reads `dir/*.rq`; a file that does not parse is logged and left out.
    pub fn load(dir: &Path) -> Gallery {
        let Ok(read) = std::fs::read_dir(dir) else {
            tracing::warn!("no gallery: cannot read {}", dir.display());
            return Gallery::default();
        };
        let mut paths: Vec<_> = read
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("rq"))
            .collect();
        paths.sort();
        let mut entries = Vec::new();
        for path in paths {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    let meta = StoredQuery::parse(&name, &text).map_err(|e| e.to_string())?;
                    let query = crate::query::parse(&text, None).map_err(|e| e.to_string())?;
                    Ok(Entry { meta, query })
                });
            match parsed {
                Ok(entry) => entries.push(entry),
                Err(e) => tracing::error!("gallery: skipping {}: {e}", path.display()),
            }
        }
        Gallery { entries }
    }

    fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.meta.name == name)
    }
}

/// `GET /queries`: name, titles (English and Chinese), questions and parameters of each.
pub async fn list(State(state): State<AppState>) -> Response {
    let gallery = state.gallery();
    let items: Vec<serde_json::Value> = gallery
        .entries
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(&e.meta).unwrap_or_default();
            v["url"] = format!("/queries/{}", e.meta.name).into();
            v
        })
        .collect();
    Json(serde_json::json!({ "queries": items })).into_response()
}

/// `GET /queries/{name}?param=value`: runs one stored query with bound parameters.
pub async fn run(
    State(state): State<AppState>,
    UrlPath(name): UrlPath<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let gallery = state.gallery();
    let entry = gallery.get(&name).ok_or_else(|| {
        AppError::NotFound(format!(
            "no stored query named {name:?}; GET /queries lists them"
        ))
    })?;
    let all = params::parse_form(raw.unwrap_or_default().as_bytes())?;
    let mut values = Vec::new();
    for (k, v) in &all {
        if RESERVED.contains(&k.as_str()) {
            continue;
        }
        if values.iter().any(|(seen, _): &(String, String)| seen == k) {
            return Err(AppError::BadRequest(format!(
                "parameter {k} was given more than once; give it once"
            )));
        }
        values.push((k.clone(), v.clone()));
    }
    let bindings = entry.meta.bind(&values)?;
    let format = negotiate::choose_with_params(
        result_kind(&entry.query),
        &all,
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()),
    )?;
    let services = exec::check_services(
        exec::query_pattern(&entry.query),
        &state.config().service_allowlist,
    )?;
    let job = QueryJob {
        query: entry.query.clone(),
        default_graphs: Vec::new(),
        named_graphs: Vec::new(),
        bindings,
        services,
        format,
        max_rows: state.config().max_rows,
        max_memory: state.config().max_query_memory,
    };
    drop(gallery);
    sparql::evaluate(&state, job).await
}
