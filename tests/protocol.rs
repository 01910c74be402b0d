//! The 34 cases of the W3C SPARQL 1.1 Protocol test suite (w3c/rdf-tests,
//! `sparql/sparql11/protocol/manifest.ttl`), each sent as raw HTTP to a real listener.
//!
//! Query cases run against the real data plus the suite's graphs `data0.rdf`..`data3.rdf`.
//! Update cases must be refused (4xx) on the default read-only server and must pass on a
//! server started with an update token.

mod endpoint;

use std::sync::{Mutex, MutexGuard, OnceLock};

use endpoint::{config, load, raw, start_with, Server};
use oxigraph::model::{GraphNameRef, NamedNodeRef, QuadRef};

const KASEI: &str = "http://kasei.us/2009/09/sparql/data/";
const TOKEN: &str = "protocol-test-token";

fn kasei_graphs(store: &oxigraph::store::Store) {
    let doc = NamedNodeRef::new_unchecked("http://xmlns.com/foaf/0.1/Document");
    for i in 0..4 {
        let iri = format!("{KASEI}data{i}.rdf");
        let g = NamedNodeRef::new_unchecked(&iri);
        store
            .insert(QuadRef::new(
                g,
                oxigraph::model::vocab::rdf::TYPE,
                doc,
                GraphNameRef::NamedNode(g),
            ))
            .unwrap();
    }
}

/// The read-only server shared by the query cases.
fn read_only() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| start_with(load(), config(), kasei_graphs))
}

/// The server with the update token; update cases run one at a time (they CLEAR ALL).
fn writable() -> (&'static Server, MutexGuard<'static, ()>) {
    static S: OnceLock<Server> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let s = S.get_or_init(|| {
        let mut cfg = config();
        cfg.update_token = Some(TOKEN.into());
        start_with(load(), cfg, kasei_graphs)
    });
    (s, guard)
}

/// One request of a case: method, path, content type, body.
fn send(
    s: &Server,
    method: &str,
    path: &str,
    ctype: Option<&str>,
    body: &[u8],
    token: bool,
) -> (u16, String) {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: www.example\r\nConnection: close\r\nAccept: application/sparql-results+json, text/turtle;q=0.9\r\n");
    if let Some(ct) = ctype {
        req.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    if token {
        req.push_str(&format!("Authorization: Bearer {TOKEN}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    raw(&s.addr(), &bytes)
}

fn ok(code: u16) -> bool {
    (200..400).contains(&code)
}

fn assert_boolean(code: u16, text: &str, expected: bool) {
    assert!(ok(code), "status {code}: {text}");
    assert!(
        text.contains(&format!("\"boolean\":{expected}")),
        "expected boolean {expected}: {text}"
    );
}

fn content_type(text: &str) -> String {
    text.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default()
}

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
const QUERY: Option<&str> = Some("application/sparql-query");
const UPDATE: Option<&str> = Some("application/sparql-update");
const D0: &str = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf";
const D1: &str = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf";
const D2: &str = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf";
const D3: &str = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata3.rdf";
const BOTH_A_TYPE: &str = "ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type . <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type . }";
const BOTH_IN_GRAPHS: &str = "ASK { GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }";

fn enc(q: &str) -> String {
    let mut out = String::new();
    for b in q.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// query_post_form: query via URL-encoded POST.
#[test]
fn query_post_form() {
    let (c, t) = send(
        read_only(),
        "POST",
        &format!("/sparql/?default-graph-uri={D0}"),
        FORM,
        b"query=ASK%20%7B%7D",
        false,
    );
    assert_boolean(c, &t, true);
}

// query_dataset_default_graphs_get: protocol default graphs merged, by GET.
#[test]
fn query_dataset_default_graphs_get() {
    let path = format!(
        "/sparql/?query={}&default-graph-uri={D1}&default-graph-uri={D2}",
        enc(BOTH_A_TYPE)
    );
    let (c, t) = send(read_only(), "GET", &path, None, b"", false);
    assert_boolean(c, &t, true);
}

// query_dataset_default_graphs_post: the same by direct POST.
#[test]
fn query_dataset_default_graphs_post() {
    let path = format!("/sparql/?default-graph-uri={D1}&default-graph-uri={D2}");
    let (c, t) = send(
        read_only(),
        "POST",
        &path,
        QUERY,
        BOTH_A_TYPE.as_bytes(),
        false,
    );
    assert_boolean(c, &t, true);
}

// query_dataset_named_graphs_post: protocol named graphs, by direct POST.
#[test]
fn query_dataset_named_graphs_post() {
    let path = format!("/sparql/?named-graph-uri={D1}&named-graph-uri={D2}");
    let (c, t) = send(
        read_only(),
        "POST",
        &path,
        QUERY,
        BOTH_IN_GRAPHS.as_bytes(),
        false,
    );
    assert_boolean(c, &t, true);
}

// query_dataset_named_graphs_get: protocol named graphs, by GET.
#[test]
fn query_dataset_named_graphs_get() {
    let path = format!(
        "/sparql/?query={}&named-graph-uri={D1}&named-graph-uri={D2}",
        enc(BOTH_IN_GRAPHS)
    );
    let (c, t) = send(read_only(), "GET", &path, None, b"", false);
    assert_boolean(c, &t, true);
}

// query_dataset_full: default and named graphs together.
#[test]
fn query_dataset_full() {
    let q = "ASK {\n  <http://kasei.us/2009/09/sparql/data/data3.rdf> a ?type\n  GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type }\n  GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type }\n}";
    let path = format!("/sparql/?default-graph-uri={D3}&named-graph-uri={D1}&named-graph-uri={D2}");
    let (c, t) = send(read_only(), "POST", &path, QUERY, q.as_bytes(), false);
    assert_boolean(c, &t, true);
}

// query_multiple_dataset: the protocol dataset overrides FROM in the query. The manifest's
// path encodes the `&` between the two named-graph-uri parameters as %26 (w3c/rdf-tests#78:
// the validator it was taken from sends two parameters); this sends the two parameters.
#[test]
fn query_multiple_dataset() {
    let q = "ASK FROM <http://kasei.us/2009/09/sparql/data/data3.rdf> { GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }";
    let path = format!("/sparql/?named-graph-uri={D1}&named-graph-uri={D2}");
    let (c, t) = send(read_only(), "POST", &path, QUERY, q.as_bytes(), false);
    assert_boolean(c, &t, true);
}

// query_get: query via GET.
#[test]
fn query_get() {
    let (c, t) = send(
        read_only(),
        "GET",
        &format!("/sparql/?query=ASK%20%7B%7D&default-graph-uri={D0}"),
        None,
        b"",
        false,
    );
    assert_boolean(c, &t, true);
}

// query_content_type_select: a tabular results media type.
#[test]
fn query_content_type_select() {
    let (c, t) = send(
        read_only(),
        "POST",
        &format!("/sparql/?default-graph-uri={D0}"),
        QUERY,
        b"SELECT (1 AS ?value) {}",
        false,
    );
    assert!(ok(c), "{t}");
    let ct = content_type(&t);
    assert!(
        [
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values"
        ]
        .iter()
        .any(|m| ct.starts_with(m)),
        "{ct}"
    );
    assert!(t.contains("\"value\""));
}

// query_content_type_ask: a boolean results media type.
#[test]
fn query_content_type_ask() {
    let (c, t) = send(
        read_only(),
        "POST",
        &format!("/sparql/?default-graph-uri={D0}"),
        QUERY,
        b"ASK {}",
        false,
    );
    assert!(ok(c));
    let ct = content_type(&t);
    assert!(
        ct.starts_with("application/sparql-results+json")
            || ct.starts_with("application/sparql-results+xml"),
        "{ct}"
    );
}

// query_content_type_describe: an RDF media type.
#[test]
fn query_content_type_describe() {
    let (c, t) = send(
        read_only(),
        "POST",
        &format!("/sparql/?default-graph-uri={D0}"),
        QUERY,
        b"DESCRIBE <http://example.org/>",
        false,
    );
    assert!(ok(c), "{t}");
    let ct = content_type(&t);
    assert!(
        [
            "text/turtle",
            "application/rdf+xml",
            "application/n-triples"
        ]
        .iter()
        .any(|m| ct.starts_with(m)),
        "{ct}"
    );
}

// query_content_type_construct: an RDF media type.
#[test]
fn query_content_type_construct() {
    let (c, t) = send(
        read_only(),
        "POST",
        &format!("/sparql/?default-graph-uri={D0}"),
        QUERY,
        b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        false,
    );
    assert!(ok(c), "{t}");
    assert!(content_type(&t).starts_with("text/turtle"));
    assert!(
        t.contains("/s>"),
        "relative IRIs resolved against the endpoint: {t}"
    );
}

// query_post_direct: query via direct POST.
#[test]
fn query_post_direct() {
    let (c, t) = send(read_only(), "POST", "/sparql/", QUERY, b"ASK {}", false);
    assert_boolean(c, &t, true);
}

fn bad(method: &str, path: &str, ctype: Option<&str>, body: &[u8]) {
    let (c, t) = send(read_only(), method, path, ctype, body, false);
    assert!((400..500).contains(&c), "expected 4xx, got {c}: {t}");
    let (c, t) = {
        let (s, _g) = writable();
        send(s, method, path, ctype, body, true)
    };
    assert!(
        (400..500).contains(&c),
        "expected 4xx with the token too, got {c}: {t}"
    );
}

// bad_query_method: PUT is not a protocol method.
#[test]
fn bad_query_method() {
    bad(
        "PUT",
        &format!("/sparql/?query=ASK%20%7B%7D&default-graph-uri={D0}"),
        FORM,
        b"",
    );
}

// bad_multiple_queries: two query strings.
#[test]
fn bad_multiple_queries() {
    bad(
        "GET",
        "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
        None,
        b"",
    );
}

// bad_query_wrong_media_type: text/plain body.
#[test]
fn bad_query_wrong_media_type() {
    bad("POST", "/sparql/", Some("text/plain"), b"ASK {}");
}

// bad_query_missing_form_type: form body without its media type.
#[test]
fn bad_query_missing_form_type() {
    bad("POST", "/sparql/", None, b"query=ASK%20%7B%7D");
}

// bad_query_missing_direct_type: query body without its media type.
#[test]
fn bad_query_missing_direct_type() {
    bad("POST", "/sparql/", None, b"ASK {}");
}

fn utf16(s: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

// bad_query_non_utf8: a UTF-16 body.
#[test]
fn bad_query_non_utf8() {
    bad(
        "POST",
        "/sparql/",
        Some("application/sparql-query; charset=UTF-16"),
        &utf16("ASK {}"),
    );
}

// bad_query_syntax: invalid query syntax.
#[test]
fn bad_query_syntax() {
    bad("GET", "/sparql/?query=ASK%20%7B", None, b"");
}

// bad_update_get: updates are not sent by GET.
#[test]
fn bad_update_get() {
    bad("GET", "/sparql/?update=CLEAR%20ALL", None, b"");
}

// bad_multiple_updates: two update strings.
#[test]
fn bad_multiple_updates() {
    bad(
        "POST",
        "/sparql/",
        FORM,
        b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
    );
}

// bad_update_wrong_media_type: text/plain body.
#[test]
fn bad_update_wrong_media_type() {
    bad("POST", "/sparql/", Some("text/plain"), b"CLEAR NAMED");
}

// bad_update_missing_form_type: form body without its media type.
#[test]
fn bad_update_missing_form_type() {
    bad("POST", "/sparql/", None, b"update=CLEAR%20NAMED");
}

// bad_update_non_utf8: a UTF-16 update body.
#[test]
fn bad_update_non_utf8() {
    bad(
        "POST",
        "/sparql/",
        Some("application/sparql-update; charset=UTF-16"),
        &utf16("CLEAR NAMED"),
    );
}

// bad_update_syntax: invalid update syntax.
#[test]
fn bad_update_syntax() {
    bad("POST", "/sparql/", FORM, b"update=CLEAR%20XYZ");
}

// bad_update_dataset_conflict: using-named-graph-uri together with WITH.
#[test]
fn bad_update_dataset_conflict() {
    let u = "PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\nDELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\nWHERE {\n    ?person foaf:givenName 'Bill'\n}";
    bad(
        "POST",
        "/sparql/?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        UPDATE,
        u.as_bytes(),
    );
}

/// An update case: refused without the token on the read-only server, then run with it
/// followed by its checking query.
fn update_case(path: &str, ctype: Option<&str>, body: &str, check: Option<(&str, bool)>) {
    drop(update_case_locked(path, ctype, body, check));
}

/// [`update_case`], returning the writable server still locked so the caller can check the
/// result before another case's CLEAR ALL runs.
fn update_case_locked(
    path: &str,
    ctype: Option<&str>,
    body: &str,
    check: Option<(&str, bool)>,
) -> (&'static Server, MutexGuard<'static, ()>) {
    let (c, t) = send(read_only(), "POST", path, ctype, body.as_bytes(), false);
    assert_eq!(c, 403, "read-only server must refuse: {t}");
    let (s, guard) = writable();
    let (c, t) = send(s, "POST", path, ctype, body.as_bytes(), false);
    assert_eq!(c, 403, "no token, no update: {t}");
    let (c, t) = send(s, "POST", path, ctype, body.as_bytes(), true);
    assert!(ok(c), "update with the token failed ({c}): {t}");
    if let Some((ask, expected)) = check {
        let (c, t) = send(s, "POST", "/sparql/", QUERY, ask.as_bytes(), false);
        assert_boolean(c, &t, expected);
    }
    (s, guard)
}

const THREE_DOCS: &str = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\nDROP ALL ;\nINSERT DATA {\n    GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document }\n    GRAPH <http://kasei.us/2009/09/sparql/data/data2.rdf> { <http://kasei.us/2009/09/sparql/data/data2.rdf> a foaf:Document }\n    GRAPH <http://kasei.us/2009/09/sparql/data/data3.rdf> { <http://kasei.us/2009/09/sparql/data/data3.rdf> a foaf:Document }\n} ;\n";

// update_dataset_default_graph: using-graph-uri sets the WHERE dataset.
#[test]
fn update_dataset_default_graph() {
    let u = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\nCLEAR ALL ;\nINSERT DATA {\n    GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> {\n        <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document\n    }\n} ;\nINSERT {\n    GRAPH <http://example.org/protocol-update-dataset-test/> {\n        ?s a dc:BibliographicResource\n    }\n}\nWHERE {\n    ?s a foaf:Document\n}";
    let ask = "ASK {\n    GRAPH <http://example.org/protocol-update-dataset-test/> {\n        <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource>\n    }\n}";
    update_case(
        &format!("/sparql/?using-graph-uri={D1}"),
        UPDATE,
        u,
        Some((ask, true)),
    );
}

// update_dataset_default_graphs: two using-graph-uri.
#[test]
fn update_dataset_default_graphs() {
    let u = format!("{THREE_DOCS}INSERT {{\n    GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {{\n        ?s a dc:BibliographicResource\n    }}\n}}\nWHERE {{\n    ?s a foaf:Document\n}}");
    let ask = "ASK {\n    GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {\n        <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n        <http://kasei.us/2009/09/sparql/data/data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n    }\n    FILTER NOT EXISTS {\n        GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {\n            <http://kasei.us/2009/09/sparql/data/data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n        }\n    }\n}";
    update_case(
        &format!("/sparql/?using-graph-uri={D1}&using-graph-uri={D2}"),
        UPDATE,
        &u,
        Some((ask, true)),
    );
}

// update_dataset_named_graphs: two using-named-graph-uri.
#[test]
fn update_dataset_named_graphs() {
    let u = format!("{THREE_DOCS}INSERT {{\n    GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {{\n        ?s a dc:BibliographicResource\n    }}\n}}\nWHERE {{\n    GRAPH ?g {{\n        ?s a foaf:Document\n    }}\n}}");
    let ask = "ASK {\n    GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {\n        <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n        <http://kasei.us/2009/09/sparql/data/data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n    }\n    FILTER NOT EXISTS {\n        GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {\n            <http://kasei.us/2009/09/sparql/data/data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n        }\n    }\n}";
    update_case(
        &format!("/sparql/?using-named-graph-uri={D1}&using-named-graph-uri={D2}"),
        UPDATE,
        &u,
        Some((ask, true)),
    );
}

// update_dataset_full: using-graph-uri and using-named-graph-uri together.
#[test]
fn update_dataset_full() {
    let u = format!("{THREE_DOCS}INSERT {{\n    GRAPH <http://example.org/protocol-update-dataset-full-test/> {{\n        ?s <http://example.org/in> ?in\n    }}\n}}\nWHERE {{\n    {{\n        GRAPH ?g {{ ?s a foaf:Document }}\n        BIND(?g AS ?in)\n    }}\n    UNION\n    {{\n        ?s a foaf:Document .\n        BIND(\"default\" AS ?in)\n    }}\n}}");
    let ask = "ASK {\n    GRAPH <http://example.org/protocol-update-dataset-full-test/> {\n        <http://kasei.us/2009/09/sparql/data/data1.rdf> <http://example.org/in> \"default\" .\n        <http://kasei.us/2009/09/sparql/data/data2.rdf> <http://example.org/in> <http://kasei.us/2009/09/sparql/data/data2.rdf> .\n    }\n    FILTER NOT EXISTS {\n        GRAPH <http://example.org/protocol-update-dataset-full-test/> {\n            <http://kasei.us/2009/09/sparql/data/data3.rdf> ?p ?o\n        }\n    }\n}";
    update_case(
        &format!("/sparql/?using-graph-uri={D1}&using-named-graph-uri={D2}"),
        UPDATE,
        &u,
        Some((ask, true)),
    );
}

// update_post_form: update via URL-encoded POST.
#[test]
fn update_post_form() {
    update_case(
        "/sparql/",
        FORM,
        "update=CLEAR+ALL",
        Some(("ASK { GRAPH ?g { ?s ?p ?o } }", false)),
    );
}

// update_post_direct: update via direct POST.
#[test]
fn update_post_direct() {
    update_case(
        "/sparql/",
        UPDATE,
        "CLEAR ALL",
        Some(("ASK { GRAPH ?g { ?s ?p ?o } }", false)),
    );
}

// update_base_uri: relative IRIs in an update resolve against a service-defined base.
#[test]
fn update_base_uri() {
    let u = "CLEAR GRAPH <http://example.org/protocol-base-test/> ;\nINSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }";
    let (s, _locked) = update_case_locked("/sparql/", UPDATE, u, None);
    let q = "SELECT ?o WHERE {\n    GRAPH <http://example.org/protocol-base-test/> {\n        <http://example.org/s> <http://example.org/p> ?o\n    }\n}";
    let (c, t) = send(s, "POST", "/sparql/", QUERY, q.as_bytes(), false);
    assert!(ok(c), "{t}");
    let body = &t[t.find("\r\n\r\n").unwrap()..];
    let v: serde_json::Value = serde_json::from_str(body.trim()).unwrap();
    let rows = v["results"]["bindings"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["o"]["type"], "uri");
    assert_ne!(rows[0]["o"]["value"], "test");
}
