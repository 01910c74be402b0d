//! `/queries`: the gallery of stored questions, listed and run with typed parameters.
//!
//! The gallery is read and parsed once (at start and on `/reload`), not per request. Parameter
//! values become typed RDF terms bound to variables ([`StoredQuery::bind`]); they never touch
//! the query text.

use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::AppError;
use super::params;
use super::{negotiate, sparql, AppState};
use crate::engine::{self, QueryJob, QueryOptions};
use crate::query::result_kind;

/// Parameter names the endpoint itself uses, never bound into a query.
const RESERVED: &[&str] = &negotiate::FORMAT_PARAMS;

/// Each stored query's header as JSON, with what `extra` adds (`/queries` adds its URL,
/// `/api/gallery` its text).
pub fn listing(
    state: &AppState,
    extra: impl Fn(&crate::gallery::Entry, &mut serde_json::Value),
) -> Vec<serde_json::Value> {
    state
        .gallery()
        .entries
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(&e.meta).unwrap_or_default();
            extra(e, &mut v);
            v
        })
        .collect()
}

/// `GET /queries`: name, titles (English and Chinese), questions and parameters of each.
pub async fn list(State(state): State<AppState>) -> Response {
    let items = listing(&state, |e, v| {
        v["url"] = format!("/queries/{}", e.meta.name).into();
    });
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
    if state.remote().is_some() {
        // The parameters written into the text (the remote store takes only text); no cache:
        // the remote store changes without this server knowing.
        super::remote::refuse_services(&entry.query)?;
        let text = crate::gallery::bind_text(&entry.meta.text, &bindings)?;
        let kind = result_kind(&entry.query);
        drop(gallery);
        let out = super::remote::answer(&state, text, kind, format, Vec::new()).await?;
        return Ok(sparql::respond_with(
            out.body.into(),
            out.content_type,
            out.truncated,
        ));
    }
    // The cache key: parameters by name (the same question asked in another order is the
    // same question), with the response's media type.
    let mut canonical = values.clone();
    canonical.sort();
    let key = super::cache::ResultCache::key(&name, &canonical, format.media_type());
    let version = state.store().version();
    if let Some(hit) = state.results().get(version, &key) {
        return Ok(sparql::respond_with(
            hit.body,
            hit.content_type,
            hit.truncated,
        ));
    }
    let services = engine::check_services(
        engine::query_pattern(&entry.query),
        &state.config().service_allowlist,
    )?;
    let job = QueryJob {
        query: entry.query.clone(),
        options: QueryOptions {
            bindings,
            services,
            ..Default::default()
        },
        format,
    };
    drop(gallery);
    let out = sparql::evaluate_output(&state, job).await?;
    let body = axum::body::Bytes::from(out.body);
    state.results().put(
        version,
        key,
        super::cache::Answer {
            body: body.clone(),
            content_type: out.content_type,
            truncated: out.truncated,
        },
    );
    Ok(sparql::respond_with(body, out.content_type, out.truncated))
}
