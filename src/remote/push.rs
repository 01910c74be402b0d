//! `amity push`'s work: every graph of a store written to a remote one, in bounded pieces,
//! each graph counted there afterwards.

use md5::{Digest, Md5};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Term};
use oxigraph::store::Store;
use reqwest::Url;

use super::auth::hex;
use super::Client;
use crate::error::{Error, Result};

/// A Graph Store Protocol endpoint and the name of its graph parameter (`graph` in the
/// standard; Virtuoso also reads `graph-uri`).
#[derive(Clone, Debug)]
pub struct GspTarget {
    pub url: Url,
    pub param: String,
}

impl GspTarget {
    pub(crate) fn url_for(&self, graph: &GraphName) -> Url {
        let mut url = self.url.clone();
        match graph {
            GraphName::NamedNode(g) => {
                url.query_pairs_mut().append_pair(&self.param, g.as_str());
            }
            _ => {
                url.query_pairs_mut().append_key_only("default");
            }
        }
        url
    }
}

/// Where the remote store's triple counts are read.
pub enum Counter {
    Query(Url),
    Gsp(GspTarget),
}

/// How `push` writes each graph.
pub enum Via {
    /// The Graph Store Protocol: PUT the first chunk, POST the rest.
    Gsp(GspTarget),
    /// SPARQL Update: a graph that fits one chunk is dropped and inserted in one request;
    /// a larger one is built in a staging graph and moved over it at the end.
    Update(Url),
}

/// The most one request carries: bytes of N-Triples and triples (Virtuoso turns an
/// `INSERT DATA` into SQL and refuses one of more than about a thousand triples).
#[derive(Clone, Copy, Debug)]
pub struct Chunk {
    pub bytes: usize,
    pub triples: u64,
}

/// What `push` did with one graph.
#[derive(Debug)]
pub struct Pushed {
    pub graph: GraphName,
    pub triples: u64,
    pub requests: usize,
    pub remote_count: u64,
}

/// Writes every graph of `store` (named graphs, and the default graph if it holds triples) to
/// the remote store, graph by graph, in requests of at most `chunk` (triples that share a
/// blank node go in one request, so each blank node stays one node), then
/// checks each graph's count on the remote side. `progress(graph, done, total)` is told
/// after each request. The first graph that fails stops the push; the error names it, and the
/// graphs before it are written and counted, the ones after it untouched.
pub fn push(
    client: &Client,
    store: &Store,
    via: &Via,
    counter: &Counter,
    chunk: Chunk,
    progress: &mut dyn FnMut(&GraphName, u64, u64),
) -> Result<Vec<Pushed>> {
    let mut graphs = Vec::new();
    for g in store.named_graphs() {
        match g? {
            NamedOrBlankNode::NamedNode(n) => graphs.push(GraphName::NamedNode(n)),
            NamedOrBlankNode::BlankNode(b) => {
                return Err(Error::Remote(format!(
                    "graph {b} is named by a blank node, which a remote store cannot be told"
                )))
            }
        }
    }
    graphs.sort_by_key(|g| g.to_string());
    if crate::store::count_quads(store, Some(GraphNameRef::DefaultGraph))? > 0 {
        graphs.insert(0, GraphName::DefaultGraph);
    }
    let mut done = Vec::new();
    for graph in graphs {
        let pushed = push_graph(client, store, via, counter, &graph, chunk, progress)
            .map_err(|e| {
                let written: Vec<String> = done.iter().map(|p: &Pushed| p.graph.to_string()).collect();
                Error::Remote(format!(
                    "pushing graph {graph} failed: {e}\n{} graph(s) before it were written and counted ({}); the graphs after it were not touched",
                    written.len(),
                    if written.is_empty() { "none".to_string() } else { written.join(", ") }
                ))
            })?;
        done.push(pushed);
    }
    Ok(done)
}

fn push_graph(
    client: &Client,
    store: &Store,
    via: &Via,
    counter: &Counter,
    graph: &GraphName,
    chunk: Chunk,
    progress: &mut dyn FnMut(&GraphName, u64, u64),
) -> Result<Pushed> {
    let total = crate::store::count_quads(store, Some(graph.as_ref()))? as u64;
    let chunks = chunked(store, graph, chunk.bytes.max(1), chunk.triples.max(1))?;
    let staging = match (via, chunks.len()) {
        (Via::Update(_), n) if n > 1 => Some(staging_graph(graph)),
        _ => None,
    };
    let mut sent = 0u64;
    let mut requests = 0;
    for (i, (body, n, has_blank)) in chunks.iter().enumerate() {
        match via {
            Via::Gsp(target) => client.gsp_write(target, graph, i == 0, body)?,
            Via::Update(endpoint) => {
                let into = staging
                    .as_ref()
                    .map(|s| GraphName::NamedNode(s.clone()))
                    .unwrap_or_else(|| graph.clone());
                let data = std::str::from_utf8(body).expect("N-Triples are UTF-8");
                // Blank nodes are not allowed in INSERT DATA by some stores (Virtuoso); in an
                // INSERT template they are one fresh node each per request, which is what
                // sending such a graph in one request needs.
                let insert = match (&into, *has_blank) {
                    (GraphName::NamedNode(g), false) => {
                        format!("INSERT DATA {{ GRAPH {g} {{\n{data}}} }}")
                    }
                    (GraphName::NamedNode(g), true) => {
                        format!("INSERT {{ GRAPH {g} {{\n{data}}} }} WHERE {{}}")
                    }
                    (_, false) => format!("INSERT DATA {{\n{data}}}"),
                    (_, true) => format!("INSERT {{\n{data}}} WHERE {{}}"),
                };
                let text = if i == 0 {
                    format!("{} ;\n{insert}", drop_graph(&into))
                } else {
                    insert
                };
                client.update(endpoint, &text)?;
            }
        }
        requests += 1;
        sent += n;
        progress(graph, sent, total);
    }
    if chunks.is_empty() {
        // An empty graph still replaces what the remote store held under its name.
        match via {
            Via::Gsp(target) => client.gsp_write(target, graph, true, b"")?,
            Via::Update(endpoint) => client.update(endpoint, &drop_graph(graph))?,
        }
        requests += 1;
    }
    if let (Some(staging), Via::Update(endpoint)) = (&staging, via) {
        let to = match graph {
            GraphName::NamedNode(g) => format!("GRAPH {g}"),
            _ => "DEFAULT".to_string(),
        };
        client.update(endpoint, &format!("MOVE SILENT GRAPH {staging} TO {to}"))?;
        requests += 1;
    }
    let remote_count = client.count(counter, graph)?;
    if remote_count != total {
        return Err(Error::Remote(format!(
            "the remote store holds {remote_count} triples in it after the push, amity {total}"
        )));
    }
    Ok(Pushed {
        graph: graph.clone(),
        triples: total,
        requests,
        remote_count,
    })
}

fn drop_graph(graph: &GraphName) -> String {
    match graph {
        GraphName::NamedNode(g) => format!("DROP SILENT GRAPH {g}"),
        _ => "DROP SILENT DEFAULT".to_string(),
    }
}

/// The graph a large graph is built in before it replaces the real one.
fn staging_graph(graph: &GraphName) -> NamedNode {
    let hash = Md5::digest(graph.to_string().as_bytes());
    NamedNode::new_unchecked(format!("urn:amity:push-staging:{}", hex(&hash)))
}

/// A graph's triples as N-Triples, cut into pieces of at most `limit` bytes and `max_triples`
/// triples, each with its triple count and whether it holds blank nodes. A triple is never
/// cut, and the triples that share a blank node (an OWL restriction, an RDF list) go in one
/// piece, since each request's blank nodes are new nodes to the store that receives them.
fn chunked(
    store: &Store,
    graph: &GraphName,
    limit: usize,
    max_triples: u64,
) -> Result<Vec<(Vec<u8>, u64, bool)>> {
    let mut pieces = Pieces {
        out: Vec::new(),
        current: Vec::new(),
        n: 0,
        blank: false,
        limit,
        max_triples,
    };
    // Triples with blank nodes, kept aside and grouped by the blank nodes they share.
    let mut with_blank: Vec<oxigraph::model::Quad> = Vec::new();
    for quad in store.quads_for_pattern(None, None, None, Some(graph.as_ref())) {
        let quad = quad?;
        if quad.subject.is_blank_node() || quad.object.is_blank_node() {
            with_blank.push(quad);
        } else {
            pieces.add(&[ntriple(&quad)?], false);
        }
    }
    // Union-find over the blank nodes: one group per set of connected blank nodes.
    let mut parent: std::collections::HashMap<String, String> = Default::default();
    fn root(parent: &mut std::collections::HashMap<String, String>, x: &str) -> String {
        let mut r = x.to_string();
        while let Some(p) = parent.get(&r).filter(|p| **p != r) {
            r = p.clone();
        }
        parent.insert(x.to_string(), r.clone());
        r
    }
    let blanks = |q: &oxigraph::model::Quad| {
        let mut b = Vec::new();
        if let oxigraph::model::NamedOrBlankNode::BlankNode(n) = &q.subject {
            b.push(n.as_str().to_string());
        }
        if let Term::BlankNode(n) = &q.object {
            b.push(n.as_str().to_string());
        }
        b
    };
    for q in &with_blank {
        let b = blanks(q);
        let first = root(&mut parent, &b[0]);
        for other in &b[1..] {
            let r = root(&mut parent, other);
            parent.insert(r, first.clone());
        }
    }
    let mut groups: std::collections::BTreeMap<String, Vec<Vec<u8>>> = Default::default();
    for q in &with_blank {
        let r = root(&mut parent, &blanks(q)[0]);
        groups.entry(r).or_default().push(ntriple(q)?);
    }
    for lines in groups.values() {
        pieces.add(lines, true);
    }
    pieces.flush();
    Ok(pieces.out)
}

/// The pieces [`chunked`] fills.
struct Pieces {
    out: Vec<(Vec<u8>, u64, bool)>,
    current: Vec<u8>,
    n: u64,
    blank: bool,
    limit: usize,
    max_triples: u64,
}

impl Pieces {
    /// Adds lines that must stay together, starting a new piece first if they do not fit.
    fn add(&mut self, lines: &[Vec<u8>], blank: bool) {
        let bytes: usize = lines.iter().map(Vec::len).sum();
        let count = lines.len() as u64;
        if self.n > 0
            && (self.current.len() + bytes > self.limit || self.n + count > self.max_triples)
        {
            self.flush();
        }
        for l in lines {
            self.current.extend_from_slice(l);
        }
        self.n += count;
        self.blank |= blank;
    }

    fn flush(&mut self) {
        if self.n > 0 {
            self.out
                .push((std::mem::take(&mut self.current), self.n, self.blank));
        }
        self.n = 0;
        self.blank = false;
    }
}

/// One triple of a quad as an N-Triples line.
fn ntriple(quad: &oxigraph::model::Quad) -> Result<Vec<u8>> {
    let mut line = Vec::new();
    let mut ser = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(&mut line);
    ser.serialize_triple(quad.as_ref())?;
    ser.finish()?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::RdfParser;

    #[test]
    fn chunks_never_cut_a_triple_and_keep_every_one() {
        let store = Store::new().unwrap();
        let g = NamedNode::new_unchecked("http://example.org/g");
        for i in 0..50 {
            store
                .insert(oxigraph::model::QuadRef::new(
                    NamedNode::new_unchecked(format!("http://example.org/s{i}")).as_ref(),
                    NamedNode::new_unchecked("http://example.org/p").as_ref(),
                    oxigraph::model::LiteralRef::new_language_tagged_literal_unchecked(
                        "北京 \"x\"",
                        "zh",
                    ),
                    g.as_ref(),
                ))
                .unwrap();
        }
        let chunks = chunked(&store, &GraphName::NamedNode(g), 300, 4).unwrap();
        assert!(chunks.len() > 5, "{}", chunks.len());
        assert_eq!(chunks.iter().map(|(_, n, _)| n).sum::<u64>(), 50);
        let mut parsed = 0;
        for (body, n, _) in &chunks {
            assert!(body.len() <= 300 && *n <= 4);
            let count = RdfParser::from_format(RdfFormat::NTriples)
                .for_slice(body)
                .inspect(|t| assert!(t.is_ok(), "{t:?}"))
                .count();
            assert_eq!(count as u64, *n);
            parsed += count;
        }
        assert_eq!(parsed, 50);
    }

    #[test]
    fn triples_sharing_a_blank_node_stay_in_one_piece() {
        let store = Store::new().unwrap();
        store
            .load_from_slice(
                RdfFormat::TriG,
                br#"<http://g> {
                  <http://a> <http://p> [ <http://q> [ <http://r> 1 ] ; <http://s> 2 ] .
                  <http://b> <http://p> [ <http://q> 3 ] .
                  <http://c> <http://p> 4 . <http://d> <http://p> 5 . }"#,
            )
            .unwrap();
        let g = GraphName::NamedNode(NamedNode::new_unchecked("http://g"));
        let chunks = chunked(&store, &g, usize::MAX, 2).unwrap();
        let sizes: Vec<(u64, bool)> = chunks.iter().map(|(_, n, b)| (*n, *b)).collect();
        // Two plain triples in one piece; the four of the first blank node chain together (over
        // the cap, since they cannot be cut); the two of the second.
        let mut sizes = sizes;
        sizes.sort();
        assert_eq!(sizes, vec![(2, false), (2, true), (4, true)]);
    }
}
