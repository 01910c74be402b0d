//! The browser UI for analysts, served by `amity serve` at `/`.
//!
//! Plain HTML, CSS and JavaScript modules from `ui/` (no framework, no build step), embedded in
//! the binary with `include_bytes!`, so the UI works with no internet at all: no CDN, no web
//! fonts, the base map (Natural Earth, public domain) ships as `ui/data/world-110m.geojson`.
//!
//! Routes ([`router`]):
//! - `/`, `/query`, `/network`, `/map`, `/timeline`, `/report/{id}`, `/wd/{qid}` (a Wikidata
//!   place of the twin network): the app shell; the page's
//!   own router (`ui/app.js`) draws the page, fetching data by SPARQL from `/sparql` and from
//!   the JSON below.
//! - `/ui/{file}`: the embedded assets, with their content type, an `ETag` and
//!   `Cache-Control: no-cache` (revalidated, answered `304` when unchanged).
//! - `/id/{kind}/{id}`: a resource of the graph (`https://w3id.org/amity/id/{kind}/{id}`), by
//!   content negotiation: HTML (the app shell, which draws the resource page), Turtle, JSON-LD,
//!   N-Triples or RDF/XML of the resource's description; `404` for a resource the graph does
//!   not have. `?format=ttl|jsonld|nt|rdf|html` overrides `Accept`.
//! - `/api/gallery`: the stored questions with their text (for the query page's editor).
//! - `/api/layout?seed=N`: the merged report + Wikidata network with metrics and a
//!   deterministic force-directed layout ([`layout`]), computed once per store and seed (the
//!   default seed's in the background as soon as a page of the UI is asked for).
//!
//! The router has its own state and no fallback, so the server merges it into its app.

pub mod layout;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::sparql::QueryResults;
use oxigraph::store::Store;

use crate::store::AmityStore;
use crate::vocab;

/// One embedded file.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

macro_rules! assets {
    ($($path:literal => $ct:literal),* $(,)?) => {
        &[$(Asset { path: $path, content_type: $ct, body: include_bytes!(concat!("../ui/", $path)) }),*]
    };
}

static ASSETS: &[Asset] = assets! {
    "index.html" => "text/html; charset=utf-8",
    "style.css" => "text/css; charset=utf-8",
    "icon.svg" => "image/svg+xml",
    "app.js" => "text/javascript; charset=utf-8",
    "i18n.js" => "text/javascript; charset=utf-8",
    "sparql.js" => "text/javascript; charset=utf-8",
    "netdata.js" => "text/javascript; charset=utf-8",
    "pages/home.js" => "text/javascript; charset=utf-8",
    "pages/query.js" => "text/javascript; charset=utf-8",
    "pages/network.js" => "text/javascript; charset=utf-8",
    "pages/map.js" => "text/javascript; charset=utf-8",
    "pages/timeline.js" => "text/javascript; charset=utf-8",
    "pages/resource.js" => "text/javascript; charset=utf-8",
    "pages/report.js" => "text/javascript; charset=utf-8",
    "data/world-110m.geojson" => "application/geo+json",
};

/// The media types of the assets; checked by a test so JavaScript is never served as text.
pub fn asset_types() -> Vec<(&'static str, &'static str)> {
    ASSETS.iter().map(|a| (a.path, a.content_type)).collect()
}

/// FNV-1a, for ETags of the embedded files.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn etags() -> &'static Vec<String> {
    static ETAGS: OnceLock<Vec<String>> = OnceLock::new();
    ETAGS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| format!("\"{:016x}\"", fnv1a(a.body)))
            .collect()
    })
}

type LayoutCell = Arc<OnceLock<Result<Arc<Vec<u8>>, String>>>;
/// Cached layouts: `(store, seed, layout)`.
type LayoutCache = Arc<Mutex<Vec<(Arc<Store>, u64, LayoutCell)>>>;

/// State of the UI router.
#[derive(Clone)]
struct Ui {
    store: Arc<AmityStore>,
    /// `(store, seed)` → the layout JSON; entries of a replaced store are dropped.
    layouts: LayoutCache,
}

impl Ui {
    /// The layout JSON for the live store and `seed`, computed once (concurrent callers wait).
    fn layout(&self, seed: u64) -> Result<Arc<Vec<u8>>, String> {
        let store = self.store.store();
        let cell = {
            let mut cache = self.layouts.lock().expect("layout cache lock");
            cache.retain(|(s, _, _)| Arc::ptr_eq(s, &store));
            match cache.iter().find(|(_, s, _)| *s == seed) {
                Some((_, _, c)) => c.clone(),
                None => {
                    let c: LayoutCell = Arc::new(OnceLock::new());
                    cache.push((store.clone(), seed, c.clone()));
                    c
                }
            }
        };
        cell.get_or_init(|| {
            let started = std::time::Instant::now();
            let json = layout::build(&store, seed)
                .map_err(|e| e.to_string())
                .and_then(|l| serde_json::to_vec(&l).map_err(|e| e.to_string()))?;
            tracing::info!(
                seed,
                ms = started.elapsed().as_millis() as u64,
                "network layout computed"
            );
            Ok(Arc::new(json))
        })
        .clone()
    }
}

/// The seed the network page asks for first. Its layout is computed in the background as soon
/// as a browser asks for a page of the UI, so the network page seldom waits for it; servers that
/// only answer SPARQL never compute it.
pub const DEFAULT_SEED: u64 = 1;

impl Ui {
    /// Starts computing the default layout in the background unless it is cached or underway.
    fn warm(&self) {
        let store = self.store.store();
        let known = self
            .layouts
            .lock()
            .expect("layout cache lock")
            .iter()
            .any(|(s, seed, _)| Arc::ptr_eq(s, &store) && *seed == DEFAULT_SEED);
        if known {
            return;
        }
        let ui = self.clone();
        let spawned = std::thread::Builder::new()
            .name("amity-layout".into())
            .spawn(move || {
                if let Err(e) = ui.layout(DEFAULT_SEED) {
                    tracing::error!("network layout failed: {e}");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("could not start the layout thread: {e}");
        }
    }
}

/// The UI's routes, with their own state; merge into the server's app.
pub fn router(store: Arc<AmityStore>) -> Router {
    let ui = Ui {
        store,
        layouts: Arc::new(Mutex::new(Vec::new())),
    };
    Router::new()
        .route("/", get(shell))
        .route("/query", get(shell))
        .route("/network", get(shell))
        .route("/map", get(shell))
        .route("/timeline", get(shell))
        .route("/report/{id}", get(shell))
        .route("/wd/{qid}", get(shell))
        .route("/ui/{*path}", get(asset))
        .route("/id/{kind}/{id}", get(resource))
        .route("/api/gallery", get(gallery))
        .route("/api/layout", get(layout_json))
        .with_state(ui)
}

fn asset_response(index: usize, headers: &HeaderMap) -> Response {
    let a = &ASSETS[index];
    let etag = &etags()[index];
    let mut builder = Response::builder()
        .header(header::ETAG, etag.as_str())
        .header(header::CACHE_CONTROL, "no-cache");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        builder = builder.status(StatusCode::NOT_MODIFIED);
        return builder.body(Body::empty()).expect("valid response");
    }
    builder
        .header(header::CONTENT_TYPE, a.content_type)
        .body(Body::from(a.body))
        .expect("valid response")
}

fn index_of(path: &str) -> Option<usize> {
    ASSETS.iter().position(|a| a.path == path)
}

/// The app shell: every page of the UI starts from it.
async fn shell(State(ui): State<Ui>, headers: HeaderMap) -> Response {
    ui.warm();
    asset_response(
        index_of("index.html").expect("index.html embedded"),
        &headers,
    )
}

async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match index_of(&path) {
        Some(i) => asset_response(i, &headers),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("no UI file {path:?}\n"),
        )
            .into_response(),
    }
}

fn text_error(status: StatusCode, message: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message + "\n",
    )
        .into_response()
}

/// `GET /api/gallery`: the stored questions, with their SPARQL text.
async fn gallery() -> Response {
    let dir = crate::default_queries_dir();
    match crate::gallery::load(&dir) {
        Ok(list) => {
            let items: Vec<serde_json::Value> = list
                .iter()
                .map(|q| {
                    let mut v = serde_json::to_value(q).unwrap_or_default();
                    v["text"] = q.text.clone().into();
                    v
                })
                .collect();
            axum::Json(serde_json::json!({ "queries": items })).into_response()
        }
        Err(e) => text_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// `GET /api/layout?seed=N`: see [`layout`].
async fn layout_json(
    State(ui): State<Ui>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let seed = match q.get("seed").map(|s| s.parse::<u64>()) {
        None => DEFAULT_SEED,
        Some(Ok(s)) => s,
        Some(Err(_)) => {
            return text_error(
                StatusCode::BAD_REQUEST,
                "seed must be a non-negative integer".into(),
            )
        }
    };
    let result = tokio::task::spawn_blocking(move || ui.layout(seed)).await;
    match result {
        Ok(Ok(body)) => {
            let etag = format!("\"{:016x}-{seed}\"", fnv1a(&body));
            if headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                == Some(etag.as_str())
            {
                return Response::builder()
                    .status(StatusCode::NOT_MODIFIED)
                    .header(header::ETAG, etag)
                    .body(Body::empty())
                    .expect("valid response");
            }
            Response::builder()
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CACHE_CONTROL, "no-cache")
                .header(header::ETAG, etag)
                .body(Body::from(body.as_ref().clone()))
                .expect("valid response")
        }
        Ok(Err(e)) => text_error(StatusCode::INTERNAL_SERVER_ERROR, e),
        Err(e) => text_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// What a resource request asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Representation {
    Html,
    Rdf(RdfFormat),
}

/// The representations a resource has, in order of preference on a tie.
fn offers() -> [(&'static str, Representation); 6] {
    [
        ("text/html", Representation::Html),
        ("text/turtle", Representation::Rdf(RdfFormat::Turtle)),
        (
            "application/ld+json",
            Representation::Rdf(RdfFormat::JsonLd {
                profile: Default::default(),
            }),
        ),
        (
            "application/n-triples",
            Representation::Rdf(RdfFormat::NTriples),
        ),
        (
            "application/rdf+xml",
            Representation::Rdf(RdfFormat::RdfXml),
        ),
        ("application/xhtml+xml", Representation::Html),
    ]
}

/// Picks a representation from an `Accept` header: highest quality first, an exact type over
/// `type/*` over `*/*`. No header, or only `*/*`, gives Turtle (what linked-data clients expect);
/// browsers name `text/html` and get the page. `None` when nothing offered is acceptable.
pub fn negotiate(accept: Option<&str>) -> Option<Representation> {
    let turtle = Representation::Rdf(RdfFormat::Turtle);
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(turtle);
    };
    // (quality, specificity, offer order) of the best match for each offer.
    let mut best: Option<(f32, u8, usize, Representation)> = None;
    for (order, (media, rep)) in offers().into_iter().enumerate() {
        let (main, _) = media.split_once('/').expect("media type");
        let mut matched: Option<(f32, u8)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let r = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").map(str::to_string))
                .next()
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let spec = if r == media {
                3
            } else if r == format!("{main}/*") {
                2
            } else if r == "*/*" {
                1
            } else {
                continue;
            };
            if matched.is_none_or(|(_, s)| spec > s) {
                matched = Some((q, spec));
            }
        }
        let Some((q, spec)) = matched else { continue };
        if q <= 0.0 {
            continue;
        }
        // `*/*` alone prefers Turtle over HTML.
        let order = if spec == 1 && rep == turtle {
            0
        } else {
            order + 1
        };
        let better = match best {
            None => true,
            Some((bq, bs, bo, _)) => (q, spec) > (bq, bs) || ((q, spec) == (bq, bs) && order < bo),
        };
        if better {
            best = Some((q, spec, order, rep));
        }
    }
    best.map(|(_, _, _, r)| r)
}

fn format_param(name: &str) -> Option<Representation> {
    Some(match name {
        "html" => Representation::Html,
        "ttl" | "turtle" => Representation::Rdf(RdfFormat::Turtle),
        "jsonld" | "json-ld" | "json" => Representation::Rdf(RdfFormat::JsonLd {
            profile: Default::default(),
        }),
        "nt" | "ntriples" => Representation::Rdf(RdfFormat::NTriples),
        "rdf" | "xml" | "rdfxml" => Representation::Rdf(RdfFormat::RdfXml),
        _ => return None,
    })
}

fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The description of a resource: its own triples, the triples pointing to it, and the labels
/// of everything they name, from every graph.
pub fn describe(store: &Store, iri: &str) -> crate::Result<Vec<oxigraph::model::Triple>> {
    let text = format!(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
         CONSTRUCT {{ <{iri}> ?p ?o . ?o rdfs:label ?ol . ?s ?q <{iri}> . ?s rdfs:label ?sl . }}
         WHERE {{
           {{ <{iri}> ?p ?o . OPTIONAL {{ ?o rdfs:label ?ol }} }}
           UNION
           {{ ?s ?q <{iri}> . OPTIONAL {{ ?s rdfs:label ?sl }} }}
         }}"
    );
    let query = crate::query::parse(&text, None)?;
    let mut out = Vec::new();
    if let QueryResults::Graph(triples) =
        crate::query::evaluate(store, query, &crate::query::QueryOptions::default())?
    {
        for t in triples {
            out.push(t?);
        }
    }
    Ok(out)
}

/// Whether the graph has any triple about `iri` as subject.
fn exists(store: &Store, iri: &str) -> crate::Result<bool> {
    let query = crate::query::parse(&format!("ASK {{ <{iri}> ?p ?o }}"), None)?;
    match crate::query::evaluate(store, query, &crate::query::QueryOptions::default())? {
        QueryResults::Boolean(b) => Ok(b),
        _ => Ok(false),
    }
}

/// `GET /id/{kind}/{id}`: see the module documentation.
async fn resource(
    State(ui): State<Ui>,
    Path((kind, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let rep = match q.get("format") {
        Some(f) => match format_param(f) {
            Some(r) => Some(r),
            None => {
                return text_error(
                    StatusCode::BAD_REQUEST,
                    format!("unknown format {f:?}; use html, ttl, jsonld, nt or rdf"),
                )
            }
        },
        None => negotiate(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok())),
    };
    let Some(rep) = rep else {
        return text_error(
            StatusCode::NOT_ACCEPTABLE,
            "a resource is available as text/html, text/turtle, application/ld+json, \
             application/n-triples or application/rdf+xml"
                .into(),
        );
    };
    let iri = vocab::resource(&kind, &id);
    let store = ui.store.store();
    let found = valid_segment(&kind) && valid_segment(&id) && {
        let (store, iri) = (store.clone(), iri.clone());
        matches!(
            tokio::task::spawn_blocking(move || exists(&store, &iri)).await,
            Ok(Ok(true))
        )
    };
    let vary = (header::VARY, HeaderValue::from_static("Accept"));
    match rep {
        Representation::Html => {
            let mut r = shell(State(ui), headers).await;
            if !found {
                *r.status_mut() = StatusCode::NOT_FOUND;
            }
            r.headers_mut().insert(vary.0, vary.1);
            r
        }
        Representation::Rdf(format) => {
            if !found {
                return text_error(
                    StatusCode::NOT_FOUND,
                    format!("the graph has nothing about <{iri}>"),
                );
            }
            let body = tokio::task::spawn_blocking(move || -> crate::Result<Vec<u8>> {
                let triples = describe(&store, &iri)?;
                let mut ser = RdfSerializer::from_format(format);
                let mut triples = triples;
                triples.sort_by(|a, b| {
                    (a.subject.to_string(), a.predicate.as_str())
                        .cmp(&(b.subject.to_string(), b.predicate.as_str()))
                });
                let kind_ns = vocab::resource(&kind, "");
                let place_ns = vocab::resource("place", "");
                let mut prefixes = vec![("am", vocab::AM_NS), (kind.as_str(), kind_ns.as_str())];
                if kind != "place" {
                    prefixes.push(("place", place_ns.as_str()));
                }
                for (p, ns) in prefixes.into_iter().chain([
                    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
                    ("prov", "http://www.w3.org/ns/prov#"),
                    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
                ]) {
                    ser = ser.with_prefix(p, ns).expect("valid prefix");
                }
                let mut w = ser.for_writer(Vec::new());
                for t in &triples {
                    w.serialize_triple(t)?;
                }
                Ok(w.finish()?)
            })
            .await;
            match body {
                Ok(Ok(body)) => (
                    [
                        (
                            header::CONTENT_TYPE,
                            HeaderValue::from_static(format.media_type()),
                        ),
                        vary,
                    ],
                    body,
                )
                    .into_response(),
                Ok(Err(e)) => text_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
                Err(e) => text_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        let ttl = Some(Representation::Rdf(RdfFormat::Turtle));
        assert_eq!(negotiate(None), ttl);
        assert_eq!(negotiate(Some("*/*")), ttl);
        assert_eq!(
            negotiate(Some(
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            )),
            Some(Representation::Html)
        );
        assert_eq!(negotiate(Some("text/turtle")), ttl);
        assert!(matches!(
            negotiate(Some("application/ld+json")),
            Some(Representation::Rdf(RdfFormat::JsonLd { .. }))
        ));
        assert_eq!(
            negotiate(Some("text/html;q=0.5, text/turtle")),
            ttl,
            "quality wins"
        );
        assert_eq!(negotiate(Some("image/png")), None);
        assert_eq!(negotiate(Some("text/turtle;q=0, */*;q=0")), None);
    }

    #[test]
    fn every_asset_has_a_fitting_type() {
        for (path, ct) in asset_types() {
            let ext = path.rsplit('.').next().unwrap_or("");
            let expected = match ext {
                "html" => "text/html",
                "css" => "text/css",
                "js" => "text/javascript",
                "svg" => "image/svg+xml",
                "geojson" => "application/geo+json",
                _ => panic!("unexpected asset {path}"),
            };
            assert!(ct.starts_with(expected), "{path} served as {ct}");
        }
    }
}
