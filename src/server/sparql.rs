//! `/sparql`: the SPARQL 1.1 Protocol (query by GET, form POST and direct POST; update by POST
//! with the token; a service description on a bare GET).

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use oxigraph::model::NamedNode;

use super::error::AppError;
use super::params::{self, all, single};
use super::{describe, negotiate, AppState};
use crate::engine::{self, QueryJob, QueryOptions, UpdateJob};
use crate::query::result_kind;

/// One protocol operation, gathered from the URL and the body.
#[derive(Default)]
struct Operation {
    query: Option<String>,
    update: Option<String>,
    params: Vec<(String, String)>,
}

pub async fn handle(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let url_params = params::parse_form(uri.query().unwrap_or("").as_bytes())?;
    let op = match method {
        Method::GET | Method::HEAD => Operation {
            query: single(&url_params, "query")?,
            update: single(&url_params, "update")?,
            params: url_params,
        },
        Method::POST => read_post(&state, &headers, url_params, body).await?,
        other => {
            return Err(AppError::MethodNotAllowed {
                allow: "GET, POST",
                message: format!("{other} is not allowed on /sparql; use GET or POST"),
            })
        }
    };
    let base = base_iri(&headers);
    match (op.query, op.update) {
        (Some(_), Some(_)) => Err(AppError::BadRequest(
            "a request carries either `query` or `update`, not both".into(),
        )),
        (None, Some(update)) => {
            // The method first: an update by GET is wrong whoever sends it (405, as
            // docs/endpoint.md says), the token only decides whether a POST may write.
            if method != Method::POST {
                return Err(AppError::MethodNotAllowed {
                    allow: "POST",
                    message: "updates must be sent by POST".into(),
                });
            }
            if state.remote().is_some() {
                return Err(super::remote::no_updates(&state));
            }
            params::require_token(&state, &headers, "SPARQL Update")?;
            run_update(&state, &update, &op.params, &base).await
        }
        (Some(query), None) => run_query(&state, &headers, &query, &op.params, &base).await,
        (None, None) if method != Method::POST => {
            describe::service_description(&state, &headers, &op.params, &base)
        }
        (None, None) => Err(AppError::BadRequest(
            "no query: send `query=` form-encoded, or the query itself as \
             application/sparql-query"
                .into(),
        )),
    }
}

async fn read_post(
    state: &AppState,
    headers: &HeaderMap,
    url_params: Vec<(String, String)>,
    body: Body,
) -> Result<Operation, AppError> {
    let Some((essence, charset)) = params::content_type(headers) else {
        return Err(AppError::UnsupportedMediaType(
            "a POST to /sparql needs a Content-Type: application/sparql-query, \
             application/sparql-update or application/x-www-form-urlencoded"
                .into(),
        ));
    };
    let known = matches!(
        essence.as_str(),
        "application/sparql-query"
            | "application/sparql-update"
            | "application/x-www-form-urlencoded"
    );
    if !known {
        return Err(AppError::UnsupportedMediaType(format!(
            "Content-Type {essence} is not supported; use application/sparql-query, \
             application/sparql-update or application/x-www-form-urlencoded"
        )));
    }
    let bytes = params::read_body(state, body).await?;
    let in_url = |name: &str| url_params.iter().any(|(k, _)| k == name);
    match essence.as_str() {
        "application/x-www-form-urlencoded" => {
            if let Some(cs) = &charset {
                if cs != "utf-8" && cs != "utf8" {
                    return Err(AppError::BadRequest(format!(
                        "the form is declared as charset={cs}; this endpoint accepts UTF-8 only"
                    )));
                }
            }
            let mut all_params = params::parse_form(&bytes)?;
            all_params.extend(url_params);
            Ok(Operation {
                query: single(&all_params, "query")?,
                update: single(&all_params, "update")?,
                params: all_params,
            })
        }
        "application/sparql-query" => {
            if in_url("query") {
                return Err(AppError::BadRequest(
                    "the query is in the body; do not also send `query=` in the URL".into(),
                ));
            }
            Ok(Operation {
                query: Some(params::utf8_body(bytes, charset.as_deref())?),
                update: None,
                params: url_params,
            })
        }
        _ => {
            if in_url("update") {
                return Err(AppError::BadRequest(
                    "the update is in the body; do not also send `update=` in the URL".into(),
                ));
            }
            Ok(Operation {
                query: None,
                update: Some(params::utf8_body(bytes, charset.as_deref())?),
                params: url_params,
            })
        }
    }
}

/// The request's `Host` if it is a plain host name (or address) with an optional port,
/// else `localhost`.
pub fn host(headers: &HeaderMap) -> &str {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .unwrap_or("localhost")
}

/// The endpoint's own IRI, used as the base for relative IRIs.
pub fn base_iri(headers: &HeaderMap) -> String {
    format!("http://{}/sparql", host(headers))
}

fn graph_iris(params: &[(String, String)], name: &str) -> Result<Vec<NamedNode>, AppError> {
    all(params, name)
        .into_iter()
        .map(|g| {
            NamedNode::new(g.clone())
                .map_err(|e| AppError::BadRequest(format!("{name}={g:?} is not an IRI: {e}")))
        })
        .collect()
}

async fn run_query(
    state: &AppState,
    headers: &HeaderMap,
    text: &str,
    params: &[(String, String)],
    base: &str,
) -> Result<Response, AppError> {
    let limits = state.config().limits;
    // The linear nesting scan runs here, so text too deep for the parser never takes an
    // evaluation slot; parsing and everything after it run on a worker with a deep stack.
    crate::limits::scan_sparql(text, &limits).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let default_graphs = graph_iris(params, "default-graph-uri")?;
    let named_graphs = graph_iris(params, "named-graph-uri")?;
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if state.remote().is_some() {
        return run_remote(
            state,
            headers,
            text,
            params,
            base,
            default_graphs,
            named_graphs,
        )
        .await;
    }
    let (text, params, base) = (text.to_string(), params.to_vec(), base.to_string());
    let out = state
        .engine()
        .run(move |cx| {
            let query = cx.parse(&text, Some(&base))?;
            let format =
                negotiate::choose_with_params(result_kind(&query), &params, accept.as_deref())?;
            let services = engine::check_services(
                engine::query_pattern(&query),
                &cx.bounds().service_allowlist,
            )?;
            let job = QueryJob {
                query,
                options: QueryOptions {
                    default_graphs,
                    named_graphs,
                    bindings: Vec::new(),
                    services,
                },
                format,
            };
            Ok::<_, AppError>(cx.query(job)?)
        })
        .await?;
    Ok(respond_with(
        out.body.into(),
        out.content_type,
        out.truncated,
    ))
}

/// A query on the remote store (`serve --endpoint`): parsed here within the limits (so only a
/// query, and one amity can read, is ever sent), refused if it names a SERVICE, sent with its
/// protocol dataset and this endpoint's base IRI, and written as an embedded answer is.
async fn run_remote(
    state: &AppState,
    headers: &HeaderMap,
    text: &str,
    params: &[(String, String)],
    base: &str,
    default_graphs: Vec<NamedNode>,
    named_graphs: Vec<NamedNode>,
) -> Result<Response, AppError> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut protocol: Vec<(&'static str, String)> = Vec::new();
    protocol.extend(
        default_graphs
            .into_iter()
            .map(|g| ("default-graph-uri", g.into_string())),
    );
    protocol.extend(
        named_graphs
            .into_iter()
            .map(|g| ("named-graph-uri", g.into_string())),
    );
    let remote = state.remote().cloned().expect("a remote store");
    let (text, params, base) = (text.to_string(), params.to_vec(), base.to_string());
    let out = state
        .engine()
        .run(move |cx| {
            let query = cx.parse(&text, Some(&base))?;
            super::remote::refuse_services(&query)?;
            let kind = result_kind(&query);
            let format = negotiate::choose_with_params(kind, &params, accept.as_deref())?;
            // Relative IRIs resolve against this endpoint, as they do on the embedded store;
            // a BASE of the query's own, coming after, still wins.
            let sent = format!("BASE <{base}>\n{text}");
            let protocol: Vec<(&str, &str)> =
                protocol.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let results = remote.run(&sent, kind, &protocol)?;
            Ok::<_, AppError>(engine::write_output(results, format, cx.bounds().max_rows)?)
        })
        .await?;
    Ok(respond_with(
        out.body.into(),
        out.content_type,
        out.truncated,
    ))
}

/// Runs a query job and returns its output before it becomes a response.
pub async fn evaluate_output(state: &AppState, job: QueryJob) -> Result<engine::Output, AppError> {
    state
        .engine()
        .run(move |cx| Ok::<_, AppError>(cx.query(job)?))
        .await
}

/// An evaluation's output as a response, with the truncation header when rows were cut.
pub fn respond_with(
    body: axum::body::Bytes,
    content_type: &'static str,
    truncated: Option<usize>,
) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(cap) = truncated {
        h.insert(
            super::TRUNCATED_HEADER,
            HeaderValue::from_str(&format!("true; limit={cap}")).expect("ASCII header"),
        );
    }
    response
}

async fn run_update(
    state: &AppState,
    text: &str,
    params: &[(String, String)],
    base: &str,
) -> Result<Response, AppError> {
    let limits = state.config().limits;
    crate::limits::scan_sparql(text, &limits).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let using_graphs = graph_iris(params, "using-graph-uri")?;
    let using_named_graphs = graph_iris(params, "using-named-graph-uri")?;
    let (text, base) = (text.to_string(), base.to_string());
    state
        .engine()
        .run(move |cx| {
            let mut update = cx.parse_update(&text, &base)?;
            // Graphs exist implicitly in a quad store, so CLEAR of an empty graph is not an
            // error.
            for op in &mut update.operations {
                if let spargebra::GraphUpdateOperation::Clear { silent, .. } = op {
                    *silent = true;
                }
            }
            let services = engine::check_update(&update, &cx.bounds().service_allowlist)?;
            let job = UpdateJob {
                update,
                using_graphs,
                using_named_graphs,
                services,
            };
            Ok::<_, AppError>(cx.update(job)?)
        })
        .await?;
    state.refresh_stats();
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
