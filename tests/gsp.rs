//! The SPARQL 1.1 Graph Store Protocol at `/store`: the W3C test cases (tests/w3c/) run on a
//! real listener, plus what the manifests leave out (the update token, atomic PUT, formats).

mod endpoint;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::time::Duration;

use amity::server::Config;
use amity::store::AmityStore;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::{Graph, NamedNodeRef, Term, TermRef, Triple};
use oxigraph::store::Store;

const TOKEN: &str = "gsp-test-token";
const MF: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
const HT: &str = "http://www.w3.org/2011/http#";
const HTS: &str = "http://www.w3.org/2011/http-statusCodes#";
const CNT: &str = "http://www.w3.org/2011/content#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

fn iri(ns: &str, local: &str) -> String {
    format!("{ns}{local}")
}

/// A manifest read into a graph, with the lookups the runner needs.
struct Manifest {
    graph: Graph,
}

impl Manifest {
    fn read(file: &str) -> Manifest {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/w3c/graph-store-protocol")
            .join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let base = format!(
            "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/graph-store-protocol/{file}"
        );
        let mut graph = Graph::new();
        for q in RdfParser::from_format(RdfFormat::Turtle)
            .with_base_iri(&base)
            .unwrap()
            .for_slice(text.as_bytes())
        {
            graph.insert(&Triple::from(q.unwrap()));
        }
        Manifest { graph }
    }

    fn objects(&self, s: TermRef<'_>, p: &str) -> Vec<Term> {
        let Some(s) = as_subject(s) else {
            return Vec::new();
        };
        self.graph
            .objects_for_subject_predicate(s, NamedNodeRef::new(p).unwrap())
            .map(|o| o.into_owned())
            .collect()
    }

    fn object(&self, s: TermRef<'_>, p: &str) -> Option<Term> {
        self.objects(s, p).into_iter().next()
    }

    fn string(&self, s: TermRef<'_>, p: &str) -> Option<String> {
        match self.object(s, p)? {
            Term::Literal(l) => Some(l.value().to_string()),
            Term::NamedNode(n) => Some(n.as_str().to_string()),
            _ => None,
        }
    }

    fn list(&self, head: Term) -> Vec<Term> {
        let nil = iri(RDF, "nil");
        let mut out = Vec::new();
        let mut node = head;
        while !matches!(&node, Term::NamedNode(n) if n.as_str() == nil) {
            out.push(
                self.object(node.as_ref(), &iri(RDF, "first"))
                    .expect("rdf:first"),
            );
            node = self
                .object(node.as_ref(), &iri(RDF, "rest"))
                .expect("rdf:rest");
        }
        out
    }
}

fn as_subject(t: TermRef<'_>) -> Option<oxigraph::model::NamedOrBlankNodeRef<'_>> {
    match t {
        TermRef::NamedNode(n) => Some(n.into()),
        TermRef::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

/// One HTTP exchange of a test.
struct Exchange {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    statuses: Vec<u16>,
    location_var: Option<String>,
    content_type: Option<String>,
    expected_body: Option<String>,
}

struct Case {
    name: String,
    authority: String,
    exchanges: Vec<Exchange>,
}

fn status_code(t: &Term) -> u16 {
    let Term::NamedNode(n) = t else {
        panic!("status {t}")
    };
    match n.as_str().strip_prefix(HTS).expect("an hts: status") {
        "OK" => 200,
        "Created" => 201,
        "NoContent" => 204,
        "NotFound" => 404,
        other => panic!("status {other} is not mapped"),
    }
}

fn headers_of(m: &Manifest, node: TermRef<'_>) -> Vec<(String, String)> {
    m.object(node, &iri(HT, "headers"))
        .map(|h| m.list(h))
        .unwrap_or_default()
        .into_iter()
        .map(|h| {
            (
                m.string(h.as_ref(), &iri(HT, "fieldName")).unwrap(),
                m.string(h.as_ref(), &iri(HT, "fieldValue")).unwrap(),
            )
        })
        .collect()
}

fn cases(file: &str) -> Vec<Case> {
    let m = Manifest::read(file);
    let entries_p = iri(MF, "entries");
    let manifest = m
        .graph
        .iter()
        .find(|t| t.predicate.as_str() == entries_p)
        .expect("mf:entries")
        .object
        .into_owned();
    m.list(manifest)
        .into_iter()
        .map(|test| {
            let t = test.as_ref();
            let action = m.object(t, &iri(MF, "action")).expect("mf:action");
            let exchanges = m
                .list(m.object(action.as_ref(), &iri(HT, "requests")).unwrap())
                .into_iter()
                .map(|req| {
                    let r = req.as_ref();
                    let resp = m.object(r, &iri(HT, "resp")).expect("ht:resp");
                    let resp_headers = headers_of(&m, resp.as_ref());
                    let body_of = |node: TermRef<'_>| {
                        m.object(node, &iri(HT, "body"))
                            .and_then(|b| m.string(b.as_ref(), &iri(CNT, "chars")))
                    };
                    Exchange {
                        method: m.string(r, &iri(HT, "methodName")).unwrap(),
                        path: m.string(r, &iri(HT, "absolutePath")).unwrap(),
                        headers: headers_of(&m, r),
                        body: body_of(r),
                        statuses: m
                            .objects(resp.as_ref(), &iri(MF, "expectedStatus"))
                            .iter()
                            .map(status_code)
                            .collect(),
                        location_var: m.string(resp.as_ref(), &iri(MF, "expectedLocation")),
                        content_type: resp_headers
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                            .map(|(_, v)| v.clone()),
                        expected_body: body_of(resp.as_ref()),
                    }
                })
                .collect();
            Case {
                name: m.string(t, &iri(MF, "name")).unwrap(),
                authority: m
                    .string(action.as_ref(), &iri(HT, "connectionAuthority"))
                    .unwrap(),
                exchanges,
            }
        })
        .collect()
}

/// A response as read off the socket.
struct Reply {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

fn send(addr: &str, request: &[u8]) -> Reply {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.get("transfer-encoding").map(String::as_str) == Some("chunked") {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
        raw = &raw[eol + 4 + size..];
    }
}

fn graph_of(text: &str, base: &str) -> Graph {
    let mut g = Graph::new();
    for q in RdfParser::from_format(RdfFormat::Turtle)
        .with_base_iri(base)
        .unwrap()
        .for_slice(text.as_bytes())
    {
        g.insert(&Triple::from(q.unwrap()));
    }
    g.canonicalize(CanonicalizationAlgorithm::Unstable);
    g
}

fn empty_server() -> endpoint::Server {
    let mut config = Config::new(amity::default_data_dir(), amity::default_queries_dir());
    config.update_token = Some(TOKEN.into());
    endpoint::start_with(
        AmityStore::from_store(Store::new().unwrap()),
        config,
        |_| {},
    )
}

/// Runs one test case on a fresh empty store; returns what went wrong, if anything.
fn run_case(case: &Case) -> Result<(), String> {
    let server = empty_server();
    let addr = server.addr();
    let mut vars: Vec<(String, String)> = Vec::new();
    for (i, ex) in case.exchanges.iter().enumerate() {
        let fill = |s: &str, vars: &[(String, String)]| {
            vars.iter()
                .fold(s.to_string(), |acc, (k, v)| acc.replace(k.as_str(), v))
        };
        let path = fill(&ex.path.replacen("/gsp", "/store", 1), &vars);
        let body = ex
            .body
            .as_deref()
            .map(|b| fill(b, &vars))
            .unwrap_or_default();
        let mut req = format!(
            "{} {path} HTTP/1.1\r\nHost: {}\r\n",
            ex.method, case.authority
        );
        for (k, v) in &ex.headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if matches!(ex.method.as_str(), "PUT" | "POST" | "DELETE") {
            req.push_str(&format!("Authorization: Bearer {TOKEN}\r\n"));
        }
        req.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ));
        let reply = send(&addr, req.as_bytes());
        let step = format!("request {} ({} {path})", i + 1, ex.method);
        if !ex.statuses.contains(&reply.status) {
            return Err(format!(
                "{step}: status {} not in {:?}: {}",
                reply.status,
                ex.statuses,
                String::from_utf8_lossy(&reply.body)
            ));
        }
        if let Some(var) = &ex.location_var {
            let location = reply
                .headers
                .get("location")
                .ok_or_else(|| format!("{step}: no Location header"))?;
            vars.push((var.clone(), location.clone()));
        }
        if let Some(expected) = &ex.content_type {
            let got = reply
                .headers
                .get("content-type")
                .cloned()
                .unwrap_or_default();
            let norm = |s: &str| s.replace(' ', "").to_ascii_lowercase();
            if norm(&got) != norm(expected) {
                return Err(format!(
                    "{step}: Content-Type {got:?}, expected {expected:?}"
                ));
            }
        }
        if ex.method == "HEAD" && !reply.body.is_empty() {
            return Err(format!("{step}: HEAD answered with a body"));
        }
        if let Some(expected) = &ex.expected_body {
            let base = format!("http://{}{path}", case.authority);
            let want = graph_of(&fill(expected, &vars), &base);
            let got = graph_of(&String::from_utf8_lossy(&reply.body), &base);
            if want != got {
                return Err(format!(
                    "{step}: the graph differs\nexpected:\n{want}\ngot:\n{got}"
                ));
            }
        }
    }
    Ok(())
}

// Proves every W3C Graph Store Protocol test (direct and indirect identification, POST graph
// creation, multipart POST, HEAD, percent-encoded graph IRIs) passes on a real listener.
#[test]
fn w3c_graph_store_protocol_tests_pass() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for file in ["manifest-indirect.ttl", "manifest-direct.ttl"] {
        for case in cases(file) {
            ran += 1;
            if let Err(e) = run_case(&case) {
                failures.push(format!("{file}: {}: {e}", case.name));
            }
        }
    }
    assert_eq!(
        ran,
        9 + 4,
        "both manifests are read whole (9 indirect, 4 direct)"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// Proves writes need the update token (403 without it or with a wrong one, and the graph is
// untouched), and that reads need none.
#[test]
fn graph_store_writes_need_the_token() {
    let s = empty_server();
    let c = endpoint::client();
    let url = s.url("/store?graph=urn:x:g");
    let ok = c
        .put(&url)
        .bearer_auth(TOKEN)
        .header("Content-Type", "text/turtle")
        .body("<urn:x:a> <urn:x:b> 1 .")
        .send()
        .unwrap();
    assert_eq!(ok.status().as_u16(), 201);
    for token in [None, Some("wrong")] {
        for method in [
            reqwest::Method::PUT,
            reqwest::Method::POST,
            reqwest::Method::DELETE,
        ] {
            let mut r = c
                .request(method.clone(), &url)
                .header("Content-Type", "text/turtle")
                .body("<urn:x:a> <urn:x:b> 2 .");
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            let r = r.send().unwrap();
            assert_eq!(r.status().as_u16(), 403, "{method} with {token:?}");
        }
    }
    let r = c
        .get(&url)
        .header("Accept", "application/n-triples")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.text().unwrap().trim(),
        "<urn:x:a> <urn:x:b> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> ."
    );
    let post = c
        .post(s.url("/store?default"))
        .header("Content-Type", "text/turtle")
        .body("<urn:x:a> <urn:x:b> 3 .")
        .send()
        .unwrap();
    assert_eq!(post.status().as_u16(), 403);
}

// Proves a PUT whose body does not parse changes nothing (the graph keeps its triples), that
// bodies in every RDF format amity reads are accepted, that GET offers every RDF format, and
// that quad formats and unknown types are 415.
#[test]
fn put_is_whole_or_nothing_and_formats_round_trip() {
    let s = empty_server();
    let c = endpoint::client();
    let url = s.url("/store?graph=urn:x:g");
    let put = |ct: &str, body: &str| {
        let r = c
            .put(&url)
            .bearer_auth(TOKEN)
            .header("Content-Type", ct)
            .body(body.to_string())
            .send()
            .unwrap();
        (r.status().as_u16(), r.text().unwrap_or_default())
    };
    assert_eq!(put("text/turtle", "<urn:x:a> <urn:x:b> <urn:x:c> .").0, 201);
    let (code, text) = put(
        "text/turtle",
        "<urn:x:a> <urn:x:b> <urn:x:d> .\n<urn:x:a> <urn:x:b> \"unterminated .",
    );
    assert_eq!(code, 400, "{text}");
    assert!(text.contains("does not parse"), "{text}");
    let nt = c
        .get(&url)
        .header("Accept", "application/n-triples")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(
        nt.trim(),
        "<urn:x:a> <urn:x:b> <urn:x:c> .",
        "the failed PUT changed nothing"
    );
    for (ct, body) in [
        ("application/n-triples", "<urn:x:a> <urn:x:b> <urn:x:e> .\n"),
        (
            "application/ld+json",
            r#"{"@id": "urn:x:a", "urn:x:b": {"@id": "urn:x:e"}}"#,
        ),
        (
            "application/rdf+xml",
            r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="urn:x:"><rdf:Description rdf:about="urn:x:a"><x:b rdf:resource="urn:x:e"/></rdf:Description></rdf:RDF>"#,
        ),
    ] {
        let (code, text) = put(ct, body);
        assert_eq!(code, 204, "{ct}: {text}");
        for accept in [
            "text/turtle",
            "application/n-triples",
            "application/ld+json",
            "application/rdf+xml",
        ] {
            let r = c.get(&url).header("Accept", accept).send().unwrap();
            assert_eq!(r.status().as_u16(), 200, "{accept}");
            let got = r.headers()["content-type"].to_str().unwrap().to_string();
            assert!(got.starts_with(accept), "{accept}: {got}");
            let text = r.text().unwrap();
            assert!(text.contains("urn:x:e"), "{ct} then {accept}: {text}");
        }
    }
    assert_eq!(
        put(
            "application/n-quads",
            "<urn:x:a> <urn:x:b> <urn:x:c> <urn:x:g2> ."
        )
        .0,
        415
    );
    assert_eq!(put("image/png", "hello").0, 415);
    let r = c.get(s.url("/store?graph=urn:x:absent")).send().unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = c.get(s.url("/store")).send().unwrap();
    assert_eq!(r.status().as_u16(), 400, "a GET must name its graph");
    let r = c
        .request(reqwest::Method::PATCH, &url)
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert!(r.headers()["allow"].to_str().unwrap().contains("PUT"));
}

// Proves the service description names the Graph Store Protocol endpoint.
#[test]
fn service_description_names_the_graph_store() {
    let s = empty_server();
    let r = endpoint::client()
        .get(s.url("/sparql"))
        .header("Accept", "application/n-triples")
        .send()
        .unwrap();
    let text = r.text().unwrap();
    let expected = format!(
        "<https://w3id.org/amity/ns#graphStore> <{}> .",
        s.url("/store")
    );
    assert!(text.contains(&expected), "{text}");
}
