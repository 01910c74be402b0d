//! `/store`: the SPARQL 1.1 Graph Store Protocol.
//!
//! A graph is named indirectly (`/store?graph=IRI`, `/store?default`) or directly (a request to
//! `/store/any/path` names the graph `http://HOST/store/any/path`). GET and HEAD read it in any
//! RDF format amity writes; PUT replaces it, POST adds to it (a POST to `/store` itself creates
//! a new graph and answers 201 with its IRI in `Location`), DELETE drops it. Writes need the
//! update token (403 otherwise), read their body within the body cap, pass the same nesting
//! scan as queries before a parser sees them, are parsed whole before the store is touched,
//! and apply in one transaction: a PUT either replaces the graph or changes nothing.
//!
//! `?default` is the store's own default graph (amity keeps its data in named graphs, so it is
//! usually empty), not the union that SPARQL queries here see as their default graph.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, Triple};

use super::error::AppError;
use super::params::{self, all};
use super::{negotiate, AppState};
use crate::limits::Syntax;
use crate::query::{Format, ResultKind};
use crate::store::GraphWrite;

const ALLOW: &str = "GET, HEAD, PUT, POST, DELETE";

/// Which graph a request is about.
#[derive(Clone, Debug)]
enum Target {
    Default,
    Named(NamedNode),
    /// A POST to the graph store itself: a new graph, named by the server.
    New,
}

impl Target {
    fn graph_name(&self) -> Option<GraphName> {
        match self {
            Target::Default => Some(GraphName::DefaultGraph),
            Target::Named(n) => Some(n.clone().into()),
            Target::New => None,
        }
    }
}

/// `/store?graph=IRI`, `/store?default`, `/store`.
pub async fn indirect(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let params = params::parse_form(uri.query().unwrap_or("").as_bytes())?;
    let graphs = all(&params, "graph");
    let default = params.iter().any(|(k, _)| k == "default");
    let target = match (graphs.as_slice(), default) {
        ([], false) if method == Method::POST => Target::New,
        ([], false) => {
            return Err(AppError::BadRequest(
                "name the graph: /store?graph=IRI (URL-encoded) or /store?default".into(),
            ))
        }
        ([g], false) => Target::Named(NamedNode::new(g.clone()).map_err(|e| {
            AppError::BadRequest(format!("graph={g:?} is not an absolute IRI: {e}"))
        })?),
        ([], true) => Target::Default,
        ([_], true) => {
            return Err(AppError::BadRequest(
                "send either ?graph=IRI or ?default, not both".into(),
            ))
        }
        _ => {
            return Err(AppError::BadRequest(format!(
                "{} `graph` parameters were sent; send exactly one",
                graphs.len()
            )))
        }
    };
    handle(&state, method, &headers, &params, target, body).await
}

/// `/store/{path}`: the graph whose IRI is this request's own URL.
pub async fn direct(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let params = params::parse_form(uri.query().unwrap_or("").as_bytes())?;
    let iri = format!("http://{}{}", super::sparql::host(&headers), uri.path());
    let graph = NamedNode::new(iri.clone())
        .map_err(|e| AppError::BadRequest(format!("<{iri}> is not an IRI: {e}")))?;
    handle(
        &state,
        method,
        &headers,
        &params,
        Target::Named(graph),
        body,
    )
    .await
}

async fn handle(
    state: &AppState,
    method: Method,
    headers: &HeaderMap,
    params: &[(String, String)],
    target: Target,
    body: Body,
) -> Result<Response, AppError> {
    match method {
        Method::GET | Method::HEAD => read(state, headers, params, target).await,
        Method::PUT | Method::POST | Method::DELETE => {
            params::require_token(state, headers, "a Graph Store Protocol write")?;
            let write = match method {
                Method::PUT => GraphWrite::Replace,
                Method::POST => GraphWrite::Add,
                _ => GraphWrite::Drop,
            };
            write_graph(state, headers, target, write, body).await
        }
        other => Err(AppError::MethodNotAllowed {
            allow: ALLOW,
            message: format!("{other} is not part of the Graph Store Protocol; use {ALLOW}"),
        }),
    }
}

/// The media type sent for a graph format (text formats say they are UTF-8).
fn content_type(format: RdfFormat) -> HeaderValue {
    HeaderValue::from_str(&format!("{}; charset=utf-8", format.media_type()))
        .expect("ASCII media type")
}

async fn read(
    state: &AppState,
    headers: &HeaderMap,
    params: &[(String, String)],
    target: Target,
) -> Result<Response, AppError> {
    let Format::Graph(format) = negotiate::choose_with_params(
        ResultKind::Graph,
        params,
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()),
    )?
    else {
        return Err(AppError::internal(
            "negotiation gave a results format for RDF",
        ));
    };
    let Some(graph) = target.graph_name() else {
        return Err(AppError::BadRequest(
            "name the graph: /store?graph=IRI or /store?default".into(),
        ));
    };
    let body = state
        .engine()
        .run(move |cx| {
            let (store, token) = (cx.store(), cx.token());
            if let GraphName::NamedNode(n) = &graph {
                if !store.contains_named_graph(n).map_err(storage)? {
                    return Err(AppError::NotFound(format!(
                        "the store has no graph <{}>",
                        n.as_str()
                    )));
                }
            }
            let budget = crate::alloc::Budget::start(cx.bounds().max_query_memory);
            let mut writer = RdfSerializer::from_format(format).for_writer(Vec::new());
            for (i, quad) in store
                .quads_for_pattern(None, None, None, Some(graph.as_ref()))
                .enumerate()
            {
                let quad = quad.map_err(storage)?;
                if i % 1024 == 0 {
                    if token.is_cancelled() {
                        return Err(AppError::Deadline(cx.bounds().timeout));
                    }
                    if let Some(budget) = budget.exceeded() {
                        return Err(AppError::OverMemory(budget));
                    }
                }
                writer
                    .serialize_triple(quad.as_ref())
                    .map_err(|e| AppError::internal(e.to_string()))?;
            }
            writer
                .finish()
                .map_err(|e| AppError::internal(e.to_string()))
        })
        .await?;
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, content_type(format));
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

fn storage(e: oxigraph::store::StorageError) -> AppError {
    AppError::internal(format!("storage: {e}"))
}

/// The RDF format of a write's body, from its Content-Type.
fn body_format(essence: &str) -> Result<RdfFormat, AppError> {
    match RdfFormat::from_media_type(essence) {
        Some(f @ (RdfFormat::NQuads | RdfFormat::TriG)) => {
            Err(AppError::UnsupportedMediaType(format!(
                "{} carries quads; a graph's body is triples: send text/turtle, \
                 application/n-triples, application/ld+json or application/rdf+xml",
                f.media_type()
            )))
        }
        Some(f) => Ok(f),
        None => Err(AppError::UnsupportedMediaType(format!(
            "Content-Type {essence} is not an RDF format amity reads; send text/turtle, \
             application/n-triples, application/ld+json or application/rdf+xml"
        ))),
    }
}

fn syntax(format: RdfFormat) -> Syntax {
    match format {
        RdfFormat::JsonLd { .. } => Syntax::Json,
        RdfFormat::RdfXml => Syntax::Xml,
        _ => Syntax::Turtle,
    }
}

/// One RDF document of a write: its format and its text.
struct Part {
    format: RdfFormat,
    text: String,
}

/// The documents of a write's body: the body itself, or each part of a multipart/form-data
/// body (the protocol lets a POST carry several files).
fn parts(headers: &HeaderMap, bytes: Vec<u8>) -> Result<Vec<Part>, AppError> {
    let Some((essence, charset)) = params::content_type(headers) else {
        return Err(AppError::UnsupportedMediaType(
            "a Graph Store Protocol write needs a Content-Type (text/turtle, \
             application/n-triples, application/ld+json, application/rdf+xml)"
                .into(),
        ));
    };
    if essence != "multipart/form-data" {
        let format = body_format(&essence)?;
        let text = params::utf8_body(bytes, charset.as_deref())?;
        return Ok(vec![Part { format, text }]);
    }
    let raw = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = raw
        .split(';')
        .find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::BadRequest("multipart/form-data without a boundary".into()))?;
    let text = params::utf8_body(bytes, None)?;
    let delimiter = format!("--{boundary}");
    let mut out = Vec::new();
    for chunk in text.split(&delimiter).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk
            .strip_prefix("\r\n")
            .or_else(|| chunk.strip_prefix('\n'));
        let chunk = chunk.unwrap_or_default();
        let (head, body) = chunk
            .split_once("\r\n\r\n")
            .or_else(|| chunk.split_once("\n\n"))
            .ok_or_else(|| {
                AppError::BadRequest("a multipart part has no blank line after its headers".into())
            })?;
        let body = body
            .strip_suffix("\r\n")
            .or_else(|| body.strip_suffix('\n'))
            .unwrap_or(body);
        let part_type = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case("content-type").then(|| {
                    v.split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase()
                })
            })
            .ok_or_else(|| {
                AppError::UnsupportedMediaType(
                    "each multipart part needs its own Content-Type".into(),
                )
            })?;
        out.push(Part {
            format: body_format(&part_type)?,
            text: body.to_string(),
        });
    }
    if out.is_empty() {
        return Err(AppError::BadRequest(
            "the multipart body has no parts".into(),
        ));
    }
    Ok(out)
}

/// A name for a graph created by a POST to the graph store.
fn new_graph_iri(headers: &HeaderMap) -> NamedNode {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    NamedNode::new_unchecked(format!(
        "http://{}/store/graphs/{stamp:x}-{}",
        super::sparql::host(headers),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

async fn write_graph(
    state: &AppState,
    headers: &HeaderMap,
    target: Target,
    write: GraphWrite,
    body: Body,
) -> Result<Response, AppError> {
    let documents = if matches!(write, GraphWrite::Drop) {
        Vec::new()
    } else {
        let bytes = params::read_body(state, body).await?;
        let documents = parts(headers, bytes)?;
        let nesting = state.config().limits.nesting;
        for d in &documents {
            crate::limits::scan(&d.text, syntax(d.format), nesting)
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
        }
        documents
    };
    let (graph, created_iri) = match &target {
        Target::New => {
            let iri = new_graph_iri(headers);
            (GraphName::from(iri.clone()), Some(iri))
        }
        t => (t.graph_name().expect("a named target"), None),
    };
    let outcome = state
        .engine()
        .run(move |cx| {
            let base = match &graph {
                GraphName::NamedNode(n) => Some(n.as_str().to_string()),
                _ => None,
            };
            let mut triples: Vec<Triple> = Vec::new();
            for d in documents {
                let mut parser = RdfParser::from_format(d.format);
                if let Some(b) = &base {
                    parser = parser
                        .with_base_iri(b.as_str())
                        .map_err(|e| AppError::BadRequest(format!("base IRI <{b}>: {e}")))?;
                }
                for quad in parser.for_slice(d.text.as_bytes()) {
                    let quad = quad.map_err(|e| {
                        AppError::BadRequest(format!(
                            "the {} body does not parse: {e}",
                            d.format.name()
                        ))
                    })?;
                    triples.push(quad.into());
                }
            }
            cx.amity()
                .write_graph(&graph, triples, write)
                .map_err(|e| AppError::internal(format!("storage: {e}")))
        })
        .await?;
    state.refresh_stats();
    use crate::store::GraphWritten as W;
    Ok(match (outcome, created_iri) {
        (W::Missing, _) => {
            return Err(AppError::NotFound(match target {
                Target::Named(n) => format!("the store has no graph <{}>", n.as_str()),
                _ => "the store has no such graph".into(),
            }))
        }
        (_, Some(iri)) => {
            let mut r = StatusCode::CREATED.into_response();
            if let Ok(v) = HeaderValue::from_str(iri.as_str()) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        (W::Created, None) => StatusCode::CREATED.into_response(),
        (W::Changed, None) => StatusCode::NO_CONTENT.into_response(),
    })
}
