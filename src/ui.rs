//! The browser UI for analysts: the embedded assets and the page data the server's routes
//! hand out (src/server/ui.rs holds the routes, their errors and their negotiation).
//!
//! Plain HTML, CSS and JavaScript modules from `ui/` (no framework, no build step), embedded in
//! the binary with `include_bytes!`, so the UI works with no internet at all: no CDN, no web
//! fonts, the base map (Natural Earth, public domain) ships as `ui/data/world-110m.geojson`.
//!
//! - [`asset`]: an embedded file by path, with its content type and ETag.
//! - [`resource_rdf`]: the description of a resource of the graph, serialized, for
//!   `/id/{kind}/{id}`.
//! - [`Layouts`]: the merged report + Wikidata network laid out ([`layout`]), computed once per
//!   store version and seed.
//!
//! Everything here that reads the store is called inside an engine job by the server, so it
//! is bounded like any query.

pub mod layout;

use std::sync::{Arc, Mutex, OnceLock};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::sparql::QueryResults;
use oxigraph::store::Store;

use crate::vocab;

/// One embedded file.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
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
    "dom.js" => "text/javascript; charset=utf-8",
    "i18n.js" => "text/javascript; charset=utf-8",
    "sparql.js" => "text/javascript; charset=utf-8",
    "netdata.js" => "text/javascript; charset=utf-8",
    "panzoom.js" => "text/javascript; charset=utf-8",
    "searchbox.js" => "text/javascript; charset=utf-8",
    "table.js" => "text/javascript; charset=utf-8",
    "complete.js" => "text/javascript; charset=utf-8",
    "pages/home.js" => "text/javascript; charset=utf-8",
    "pages/query.js" => "text/javascript; charset=utf-8",
    "pages/network.js" => "text/javascript; charset=utf-8",
    "pages/map.js" => "text/javascript; charset=utf-8",
    "pages/timeline.js" => "text/javascript; charset=utf-8",
    "pages/resource.js" => "text/javascript; charset=utf-8",
    "pages/report.js" => "text/javascript; charset=utf-8",
    "pages/reports.js" => "text/javascript; charset=utf-8",
    "pages/search.js" => "text/javascript; charset=utf-8",
    "review.html" => "text/html; charset=utf-8",
    "review.js" => "text/javascript; charset=utf-8",
    "data/world-110m.geojson" => "application/geo+json",
};

/// The media types of the assets; checked by a test so JavaScript is never served as text.
pub fn asset_types() -> Vec<(&'static str, &'static str)> {
    ASSETS.iter().map(|a| (a.path, a.content_type)).collect()
}

/// The embedded file at `path` (relative to `ui/`) and its ETag.
pub fn asset(path: &str) -> Option<(&'static Asset, &'static str)> {
    let i = ASSETS.iter().position(|a| a.path == path)?;
    Some((&ASSETS[i], etags()[i].as_str()))
}

/// FNV-1a, for ETags of the embedded files and layouts.
pub fn fnv1a(bytes: &[u8]) -> u64 {
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

/// The seed the network page asks for first; the server computes its layout in the background
/// as soon as a browser asks for a page of the UI.
pub const DEFAULT_SEED: u64 = 1;

type LayoutCell = Arc<OnceLock<Result<Arc<Vec<u8>>, String>>>;

/// Layout JSON by `(store version, seed)`, computed once (concurrent callers wait); entries of
/// an older version are dropped.
#[derive(Clone, Default)]
pub struct Layouts {
    cells: Arc<Mutex<Vec<(u64, u64, LayoutCell)>>>,
}

impl Layouts {
    /// Whether the layout for `version` and `seed` is computed or being computed.
    pub fn known(&self, version: u64, seed: u64) -> bool {
        self.cells
            .lock()
            .expect("layout cache lock")
            .iter()
            .any(|(v, s, _)| *v == version && *s == seed)
    }

    /// The layout for `version` and `seed` if it is computed; `Err(true)` while another
    /// caller computes it, `Err(false)` when nobody has started it.
    pub fn peek(&self, version: u64, seed: u64) -> Result<Result<Arc<Vec<u8>>, String>, bool> {
        let cache = self.cells.lock().expect("layout cache lock");
        match cache.iter().find(|(v, s, _)| *v == version && *s == seed) {
            Some((_, _, c)) => c.get().cloned().ok_or(true),
            None => Err(false),
        }
    }

    /// The layout JSON of `store` (at `version`) for `seed`.
    pub fn get(&self, store: &Store, version: u64, seed: u64) -> Result<Arc<Vec<u8>>, String> {
        let cell = {
            let mut cache = self.cells.lock().expect("layout cache lock");
            cache.retain(|(v, _, _)| *v == version);
            match cache.iter().find(|(_, s, _)| *s == seed) {
                Some((_, _, c)) => c.clone(),
                None => {
                    let c: LayoutCell = Arc::new(OnceLock::new());
                    cache.push((version, seed, c.clone()));
                    c
                }
            }
        };
        cell.get_or_init(|| {
            let started = std::time::Instant::now();
            let json = layout::build(store, seed)
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

/// Whether `s` may be a path segment of a resource IRI (`/id/{kind}/{id}`).
pub fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The description of a resource: its own triples, the triples pointing to it, and the labels
/// of everything they name, from every graph.
pub fn describe(store: &Store, iri: &str) -> crate::Result<Vec<oxigraph::model::Triple>> {
    let query = crate::query::parse(&describe_query(iri), None)?;
    let mut out = Vec::new();
    if let QueryResults::Graph(triples) =
        crate::engine::evaluate(store, query, &Default::default())?
    {
        for t in triples {
            out.push(t?);
        }
    }
    Ok(out)
}

/// The query [`describe`] runs (also sent to a remote store by `serve --endpoint`).
pub fn describe_query(iri: &str) -> String {
    format!(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
         CONSTRUCT {{ <{iri}> ?p ?o . ?o rdfs:label ?ol . ?s ?q <{iri}> . ?s rdfs:label ?sl . }}
         WHERE {{
           {{ <{iri}> ?p ?o . OPTIONAL {{ ?o rdfs:label ?ol }} }}
           UNION
           {{ ?s ?q <{iri}> . OPTIONAL {{ ?s rdfs:label ?sl }} }}
         }}"
    )
}

/// The query [`exists`] runs.
pub fn exists_query(iri: &str) -> String {
    format!("ASK {{ <{iri}> ?p ?o }}")
}

/// Whether the graph has any triple about `iri` as subject.
pub fn exists(store: &Store, iri: &str) -> crate::Result<bool> {
    let query = crate::query::parse(&exists_query(iri), None)?;
    match crate::engine::evaluate(store, query, &Default::default())? {
        QueryResults::Boolean(b) => Ok(b),
        _ => Ok(false),
    }
}

/// The description of `https://w3id.org/amity/id/{kind}/{id}` in `format` (sorted, with the
/// usual prefixes), or `None` when the graph has nothing about it.
pub fn resource_rdf(
    store: &Store,
    kind: &str,
    id: &str,
    format: RdfFormat,
) -> crate::Result<Option<Vec<u8>>> {
    if !valid_segment(kind) || !valid_segment(id) {
        return Ok(None);
    }
    let iri = vocab::resource(kind, id);
    if !exists(store, &iri)? {
        return Ok(None);
    }
    Ok(Some(write_resource(kind, describe(store, &iri)?, format)?))
}

/// A resource's description (the triples [`describe_query`] gives) in `format`, sorted, with
/// the usual prefixes.
pub fn write_resource(
    kind: &str,
    mut triples: Vec<oxigraph::model::Triple>,
    format: RdfFormat,
) -> crate::Result<Vec<u8>> {
    triples.sort_by(|a, b| {
        (a.subject.to_string(), a.predicate.as_str())
            .cmp(&(b.subject.to_string(), b.predicate.as_str()))
    });
    let kind_ns = vocab::resource(kind, "");
    let place_ns = vocab::resource("place", "");
    let mut prefixes = vec![("am", vocab::AM_NS), (kind, kind_ns.as_str())];
    if kind != "place" {
        prefixes.push(("place", place_ns.as_str()));
    }
    let mut ser = RdfSerializer::from_format(format);
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
