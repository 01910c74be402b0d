//! The HTTP endpoint against a real listener: formats, every error status, the protections
//! (deadline, row cap, body cap, pool, SERVICE, token, slow clients), stored queries, health,
//! reload, CORS and shutdown.

mod endpoint;

use std::time::{Duration, Instant};

use endpoint::{client, config, raw, start, Server};
use reqwest::blocking::Client;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};

// The same counting allocator as the `amity` binary, so the per-query memory budget applies.
#[global_allocator]
static ALLOC: amity::alloc::Counting<std::alloc::System> =
    amity::alloc::Counting(std::alloc::System);

const COUNT_ALL: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
const EXPLOSIVE: &str =
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";
const TWENTY_ROWS: &str = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 20";

fn get_query(c: &Client, s: &Server, query: &str) -> reqwest::blocking::Response {
    c.get(s.url("/sparql"))
        .query(&[("query", query)])
        .send()
        .unwrap()
}

fn count_all(c: &Client, s: &Server) -> u64 {
    let v: serde_json::Value = get_query(c, s, COUNT_ALL).json().unwrap();
    v["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Posts `query` and returns the status and body.
fn post_query(url: String, query: &str) -> (u16, String) {
    let r = client()
        .post(url)
        .header(CONTENT_TYPE, "application/sparql-query")
        .body(query.to_string())
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

/// Waits until no evaluation runs; fails if one keeps its worker.
fn wait_idle(s: &Server) {
    let freed = Instant::now();
    while s.state.in_flight() > 0 {
        assert!(
            freed.elapsed() < Duration::from_secs(20),
            "a stopped evaluation kept its worker"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

// Proves SELECT/ASK come as JSON, XML, CSV and TSV, and CONSTRUCT as Turtle, N-Triples,
// JSON-LD, RDF/XML, N-Quads and TriG, chosen by Accept or by format=.
#[test]
fn every_format_is_negotiated() {
    let s = start(config());
    let c = client();
    for (accept, media, marker) in [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            "\"bindings\"",
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            "<sparql",
        ),
        ("text/csv", "text/csv", "s\r\n"),
        (
            "text/tab-separated-values",
            "text/tab-separated-values",
            "?s\n",
        ),
    ] {
        let r = c
            .get(s.url("/sparql"))
            .query(&[("query", TWENTY_ROWS)])
            .header(ACCEPT, accept)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{accept}");
        let ct = r.headers()[CONTENT_TYPE].to_str().unwrap().to_string();
        assert!(ct.starts_with(media), "{accept} gave {ct}");
        assert!(r.text().unwrap().contains(marker), "{accept}");
    }
    let construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5";
    for (name, media) in [
        ("turtle", "text/turtle"),
        ("ntriples", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdfxml", "application/rdf+xml"),
        ("nquads", "application/n-quads"),
        ("trig", "application/trig"),
    ] {
        let r = c
            .get(s.url("/sparql"))
            .query(&[("query", construct), ("format", name)])
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{name}");
        let ct = r.headers()[CONTENT_TYPE].to_str().unwrap().to_string();
        assert!(ct.starts_with(media), "{name} gave {ct}");
        assert!(!r.text().unwrap().trim().is_empty(), "{name}");
    }
    let ask = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query")
        .header(ACCEPT, "application/sparql-results+xml")
        .body("ASK { ?s ?p ?o }")
        .send()
        .unwrap();
    assert_eq!(ask.status(), 200);
    assert!(ask.text().unwrap().contains("<boolean>true</boolean>"));
}

// Proves a bare GET /sparql is a Service Description whose VoID counts match the store.
#[test]
fn bare_get_is_a_service_description_with_void() {
    let s = start(config());
    let c = client();
    let r = c
        .get(s.url("/sparql"))
        .header(ACCEPT, "application/n-triples")
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().unwrap();
    assert!(text.contains("<http://www.w3.org/ns/sparql-service-description#Service>"));
    let triples = count_all(&c, &s);
    assert!(text.contains(&format!(
        "<http://rdfs.org/ns/void#triples> \"{triples}\"^^<http://www.w3.org/2001/XMLSchema#integer>"
    )));
    assert!(text.contains("<http://rdfs.org/ns/void#classPartition>"));
    assert!(text.contains("<http://www.w3.org/ns/sparql-service-description#namedGraph>"));
    // Read-only: no update language advertised.
    assert!(!text.contains("SPARQL11Update"));
}

// Proves each user mistake gets its own status and a message that says what to change.
#[test]
fn error_statuses_and_messages() {
    let s = start(config());
    let c = client();
    // Syntax error: 400 with the parser's position.
    let r = get_query(&c, &s, "SELECT * WHERE { ?s ?p }");
    assert_eq!(r.status(), 400);
    let msg = r.text().unwrap();
    assert!(
        msg.contains("SPARQL syntax error") && msg.contains("1:"),
        "{msg}"
    );
    // Wrong method: 405 with Allow.
    let r = c.put(s.url("/sparql")).send().unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET, POST");
    // Unsupported content type: 415; missing content type: 415.
    let r = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "text/plain")
        .body("ASK {}")
        .send()
        .unwrap();
    assert_eq!(r.status(), 415);
    assert!(r.text().unwrap().contains("application/sparql-query"));
    let (code, _) = raw(
        &s.addr(),
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nConnection: close\r\n\r\nASK {}",
    );
    assert_eq!(code, 415);
    // Nothing acceptable: 406 listing what is available.
    let r = c
        .get(s.url("/sparql"))
        .query(&[("query", "ASK {}")])
        .header(ACCEPT, "image/png")
        .send()
        .unwrap();
    assert_eq!(r.status(), 406);
    assert!(r
        .text()
        .unwrap()
        .contains("application/sparql-results+json"));
    // A graph format for a SELECT via format=: 400.
    let r = c
        .get(s.url("/sparql"))
        .query(&[("query", "SELECT * {}"), ("format", "turtle")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    // Several query parameters: 400.
    let r = c
        .get(s.url("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().unwrap().contains("send exactly one"));
    // Non-UTF-8 bodies: invalid bytes, a declared UTF-16 charset, a bad percent escape.
    let r = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query")
        .body(vec![b'A', b'S', b'K', b' ', 0xff, 0xfe, b'{', b'}'])
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().unwrap().contains("UTF-8"));
    let r = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query; charset=UTF-16")
        .body(vec![0xff, 0xfe, b'A', 0, b'S', 0, b'K', 0])
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("query=ASK%20%7B%7D%FF")
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    // Unknown path: 404, one plain line for an API client, the UI's page (with the
    // navigation) for a browser.
    let r = c.get(s.url("/nope")).send().unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().unwrap().contains("nothing at /nope"));
    let r = c
        .get(s.url("/nope"))
        .header(ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = r.text().unwrap();
    assert!(
        page.contains("<nav") && page.contains("href=\"/query\""),
        "{page}"
    );
}

/// A syntax error is one sentence with its line:column, not the parser's set of Unicode
/// ranges; still a 400.
#[test]
fn syntax_errors_are_one_sentence() {
    let s = start(config());
    let c = client();
    for (query, want) in [
        (
            "SELECT * WHERE { ?s foo:bar ?o }",
            "SPARQL syntax error at 1:21: unknown prefix foo: (no PREFIX foo: <…> declares it)",
        ),
        (
            // The parser's farthest point is elsewhere (an OPTIONAL it would take after ?l).
            "SELECT ?p WHERE {\n  ?p a <x> ; foo:bar ?l }",
            "SPARQL syntax error at 2:14: unknown prefix foo: (no PREFIX foo: <…> declares it)",
        ),
        (
            "SELEC * WHERE {}",
            "SPARQL syntax error at 1:1: expected SELECT, CONSTRUCT, ASK or DESCRIBE, found \"SELEC\"",
        ),
        (
            "PREFIX am: <https://w3id.org/amity/ns#>\n# a comment\nSELCT ?x {}",
            "SPARQL syntax error at 3:1: expected SELECT, CONSTRUCT, ASK or DESCRIBE, found \"SELCT\"",
        ),
        (
            "SELECT ?x WHERE {\n  ?x ?y \n",
            "SPARQL syntax error at 3:1: the query ends before its closing '}'",
        ),
        (
            "SELECT * WHERE { ?s ?p \"abc }",
            "SPARQL syntax error at 1:24: a string is not closed",
        ),
    ] {
        let r = get_query(&c, &s, query);
        assert_eq!(r.status(), 400, "{query}");
        assert_eq!(r.text().unwrap().trim(), want, "{query}");
    }
    // A bracket closed where a term is due: the parser's farthest point is the end.
    let r = get_query(&c, &s, "SELECT * WHERE { ?s ?p }");
    assert_eq!(
        r.text().unwrap().trim(),
        "SPARQL syntax error at 1:25: the query ends too early"
    );
    let r = get_query(&c, &s, "SELECT * WHERE { ?s ?p ?o } LIMIT x");
    let msg = r.text().unwrap();
    assert!(
        msg.starts_with("SPARQL syntax error at 1:35: unexpected \"x\"")
            && !msg.contains("\\u{")
            && !msg.trim().contains('\n'),
        "{msg}"
    );
}

/// `SELECT *` gives its columns in the order the query names them, not sorted by name.
#[test]
fn select_star_keeps_the_order_of_the_text() {
    let s = start(config());
    let c = client();
    let v: serde_json::Value = get_query(&c, &s, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        .json()
        .unwrap();
    assert_eq!(v["head"]["vars"], serde_json::json!(["s", "p", "o"]));
    let v: serde_json::Value = get_query(
        &c,
        &s,
        "# ?zzz in a comment first\nSELECT DISTINCT * WHERE { ?zebra ?apple ?mango } LIMIT 1",
    )
    .json()
    .unwrap();
    assert_eq!(
        v["head"]["vars"],
        serde_json::json!(["zebra", "apple", "mango"])
    );
    // A projection the query spells out stays as it is.
    let v: serde_json::Value = get_query(&c, &s, "SELECT ?o ?s WHERE { ?s ?p ?o } LIMIT 1")
        .json()
        .unwrap();
    assert_eq!(v["head"]["vars"], serde_json::json!(["o", "s"]));
}

/// Text answers over 1 KiB are gzipped for a client that accepts it; small ones and clients
/// that do not ask are answered as they are.
#[test]
fn text_answers_are_gzipped_when_asked() {
    let s = start(config());
    let c = client();
    let plain = c.get(s.url("/ui/app.js")).send().unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_len = plain.bytes().unwrap().len();
    assert!(plain_len > 1024);
    for path in ["/ui/app.js", "/query", "/ui/data/world-110m.geojson"] {
        let r = c
            .get(s.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-encoding"], "gzip", "{path}");
        let body = r.bytes().unwrap();
        assert_eq!(&body[..2], &[0x1f, 0x8b], "{path}: a gzip stream");
    }
    let gz = c
        .get(s.url("/ui/app.js"))
        .header("accept-encoding", "gzip")
        .send()
        .unwrap()
        .bytes()
        .unwrap()
        .len();
    assert!(gz * 2 < plain_len, "{gz} gzipped of {plain_len}");
    // SPARQL results too (streamed, so no length to judge by), but not an answer under 1 KiB.
    let r = c
        .get(s.url("/sparql"))
        .query(&[("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 200")])
        .header("accept-encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let r = c
        .get(s.url("/health"))
        .header("accept-encoding", "gzip")
        .send()
        .unwrap();
    assert!(r.headers().get("content-encoding").is_none());
}

// Proves a result longer than the cap is cut and says so: header always, field in JSON.
#[test]
fn row_cap_is_signalled() {
    let mut cfg = config();
    cfg.max_rows = 5;
    let s = start(cfg);
    let c = client();
    let r = get_query(&c, &s, TWENTY_ROWS);
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-amity-truncated"], "true; limit=5");
    let v: serde_json::Value = r.json().unwrap();
    assert_eq!(v["truncated"], true);
    assert_eq!(v["max_rows"], 5);
    assert_eq!(v["results"]["bindings"].as_array().unwrap().len(), 5);
    // CSV has no field, but the header still flags it.
    let r = c
        .get(s.url("/sparql"))
        .query(&[("query", TWENTY_ROWS), ("format", "csv")])
        .send()
        .unwrap();
    assert_eq!(r.headers()["x-amity-truncated"], "true; limit=5");
    assert_eq!(r.text().unwrap().lines().count(), 6);
    // Within the cap: no flag.
    let r = get_query(&c, &s, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5");
    assert!(r.headers().get("x-amity-truncated").is_none());
    let v: serde_json::Value = r.json().unwrap();
    assert!(v.get("truncated").is_none());
}

// Proves bodies over the cap get 413, whether announced by Content-Length or streamed.
#[test]
fn body_cap_gives_413() {
    let mut cfg = config();
    cfg.max_body = 64 * 1024;
    let s = start(cfg);
    let (code, _) = raw(
        &s.addr(),
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(code, 413);
    // Chunked, no length announced: the cap applies while reading.
    let mut req = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    let chunk = vec![b'#'; 40 * 1024];
    for _ in 0..2 {
        req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        req.extend_from_slice(&chunk);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let (code, text) = raw(&s.addr(), &req);
    assert_eq!(code, 413, "{text}");
    // Just under the cap still works.
    let c = client();
    let mut q = "ASK {}\n".to_string();
    q.push_str(&"#".repeat(60 * 1024));
    let r = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query")
        .body(q)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
}

// Proves SERVICE is refused naming the IRI, and that an allowlisted one is answered with a
// clean error instead of an outbound request.
#[test]
fn service_is_refused_unless_allowlisted() {
    let mut cfg = config();
    cfg.service_allowlist = vec!["http://allowed.example/sparql".into()];
    let s = start(cfg);
    let c = client();
    let r = get_query(
        &c,
        &s,
        "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
    );
    assert_eq!(r.status(), 400);
    assert!(r.text().unwrap().contains("<http://evil.example/sparql>"));
    // Hidden inside FILTER EXISTS and a subquery: still found.
    let r = get_query(
        &c,
        &s,
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { { SELECT ?x WHERE { SERVICE <http://evil.example/x> { ?x ?y ?z } } } } }",
    );
    assert_eq!(r.status(), 400);
    let r = get_query(&c, &s, "SELECT * WHERE { SERVICE ?e { ?s ?p ?o } }");
    assert_eq!(r.status(), 400);
    let r = get_query(
        &c,
        &s,
        "SELECT * WHERE { SERVICE <http://allowed.example/sparql> { ?s ?p ?o } }",
    );
    assert_eq!(r.status(), 502);
    assert!(r.text().unwrap().contains("no outbound requests"));
}

// Proves the endpoint is read-only without a token, and that the token (and only it) enables
// SPARQL Update by form and direct POST.
#[test]
fn updates_need_the_token() {
    let insert = "INSERT DATA { GRAPH <http://example.org/t> { <http://example.org/a> <http://example.org/b> \"c\" } }";
    let ask = "ASK { <http://example.org/a> <http://example.org/b> \"c\" }";
    let ro = start(config());
    let c = client();
    let r = c
        .post(ro.url("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-update")
        .body(insert)
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().unwrap().contains("read-only"));
    let r = c
        .post(ro.url("/sparql"))
        .form(&[("update", insert)])
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        c.get(ro.url("/sparql"))
            .query(&[("update", insert)])
            .send()
            .unwrap()
            .status(),
        405,
        "an update by GET is the wrong method whatever the token (docs/endpoint.md)"
    );
    drop(ro);

    let mut cfg = config();
    cfg.update_token = Some("s3cret-token".into());
    let s = start(cfg);
    let before = count_all(&c, &s);
    for auth in [None, Some("Bearer wrong"), Some("s3cret-token")] {
        let mut req = c
            .post(s.url("/sparql"))
            .header(CONTENT_TYPE, "application/sparql-update")
            .body(insert);
        if let Some(a) = auth {
            req = req.header(AUTHORIZATION, a);
        }
        assert_eq!(req.send().unwrap().status(), 403, "{auth:?}");
    }
    assert_eq!(count_all(&c, &s), before);
    let r = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-update")
        .header(AUTHORIZATION, "Bearer s3cret-token")
        .body(insert)
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    let v: serde_json::Value = get_query(&c, &s, ask).json().unwrap();
    assert_eq!(v["boolean"], true);
    assert_eq!(count_all(&c, &s), before + 1);
    // The VoID and /health counts follow in the background.
    assert!(s.state.wait_for_stats(Duration::from_secs(60)));
    let health: serde_json::Value = c.get(s.url("/health")).send().unwrap().json().unwrap();
    assert_eq!(health["triples"].as_u64().unwrap(), before + 1);
    assert_eq!(health["stats_current"], true);
    let r = c
        .post(s.url("/sparql"))
        .header(AUTHORIZATION, "Bearer s3cret-token")
        .form(&[("update", "DELETE DATA { GRAPH <http://example.org/t> { <http://example.org/a> <http://example.org/b> \"c\" } }")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(count_all(&c, &s), before);
    // With the token, an update by GET is the wrong method.
    let r = c
        .get(s.url("/sparql"))
        .query(&[("update", insert)])
        .header(AUTHORIZATION, "Bearer s3cret-token")
        .send()
        .unwrap();
    assert_eq!(r.status(), 405);
    // LOAD would fetch a URL: refused.
    let r = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-update")
        .header(AUTHORIZATION, "Bearer s3cret-token")
        .body("LOAD <http://example.org/data.ttl>")
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
}

// Proves an explosive query is stopped at the deadline while other queries keep answering,
// and that its worker really returns (the pool is free again afterwards).
#[test]
fn explosive_query_is_cut_at_the_deadline() {
    let mut cfg = config();
    cfg.timeout = Duration::from_secs(2);
    cfg.max_concurrent = 3;
    let s = start(cfg);
    let url = s.url("/sparql");
    let bomb = std::thread::spawn(move || post_query(url, EXPLOSIVE));
    let c = client();
    // Wait until the bomb is running, then check that simple queries still answer.
    let start_wait = Instant::now();
    while s.state.in_flight() == 0 && start_wait.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut answered = 0;
    while !bomb.is_finished() && answered < 20 {
        let r = get_query(&c, &s, "ASK { ?s ?p ?o }");
        assert_eq!(r.status(), 200);
        answered += 1;
    }
    assert!(
        answered > 0,
        "no simple query ran while the bomb was evaluating"
    );
    let (status, text) = bomb.join().unwrap();
    assert_eq!(status, 503);
    assert!(text.contains("deadline"), "{text}");
    // The worker returns shortly after the deadline: nothing stays in flight.
    wait_idle(&s);
    // All slots usable again.
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let url = s.url("/sparql");
            std::thread::spawn(move || {
                client()
                    .get(url)
                    .query(&[("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")])
                    .send()
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    let health: serde_json::Value = c.get(s.url("/health")).send().unwrap().json().unwrap();
    assert_eq!(health["evaluations_running"], 0);
}

// Proves that when every slot stays busy past the queue wait, the answer is 503 with
// Retry-After rather than an unbounded queue.
#[test]
fn full_pool_gives_503_with_retry_after() {
    let mut cfg = config();
    cfg.timeout = Duration::from_secs(4);
    cfg.max_concurrent = 2;
    cfg.queue_wait = Duration::from_millis(200);
    let s = start(cfg);
    let bombs: Vec<_> = (0..2)
        .map(|_| {
            let url = s.url("/sparql");
            std::thread::spawn(move || post_query(url, EXPLOSIVE).0)
        })
        .collect();
    let waited = Instant::now();
    while s.state.in_flight() < 2 && waited.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let c = client();
    let r = get_query(&c, &s, "ASK {}");
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().unwrap().contains("busy"));
    for b in bombs {
        assert_eq!(b.join().unwrap(), 503);
    }
}

// Proves the deadline bites wherever a cross product can pile rows up, not only under
// COUNT: inside OPTIONAL, MINUS, NOT EXISTS, between group patterns, under DISTINCT and
// ORDER BY, and on a join of a shared variable. Every one is answered 503 and frees its
// worker. (Without the per-row checks some of these ran for hours.)
#[test]
fn every_explosive_shape_is_stopped() {
    const SHAPES: [&str; 7] = [
        "SELECT * WHERE { ?a ?b ?c OPTIONAL { ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } } ORDER BY ?a",
        "SELECT (COUNT(*) AS ?n) WHERE { {?a ?b ?c} {?d ?e ?f} {?g ?h ?i} {?j ?k ?l} }",
        "SELECT * WHERE { ?a ?b ?c MINUS { ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } }",
        "SELECT * WHERE { ?a ?b ?c FILTER NOT EXISTS { ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } }",
        "SELECT DISTINCT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?c . ?d ?p ?f . ?g ?p ?i . ?j ?p ?l }",
    ];
    let mut cfg = config();
    cfg.timeout = Duration::from_secs(3);
    cfg.max_concurrent = SHAPES.len();
    cfg.queue_wait = Duration::from_secs(30);
    // Large enough that the deadline, not the budget, is what stops these here.
    cfg.max_query_memory = Some(16 << 30);
    let s = start(cfg);
    let bombs: Vec<_> = SHAPES
        .iter()
        .map(|q| {
            let url = s.url("/sparql");
            std::thread::spawn(move || (q, post_query(url, q)))
        })
        .collect();
    for b in bombs {
        let (q, (status, text)) = b.join().unwrap();
        assert_eq!(status, 503, "{q}: {text}");
        assert!(text.contains("deadline"), "{q}: {text}");
    }
    wait_idle(&s);
}

// Proves the per-query memory budget: a cross product feeding ORDER BY is stopped once its
// worker holds more than the budget, long before the deadline, with a 503 that says so; the
// pool is free afterwards and ordinary queries still answer.
#[test]
fn memory_budget_stops_a_query_that_piles_up_rows() {
    assert!(amity::alloc::installed());
    let mut cfg = config();
    cfg.timeout = Duration::from_secs(600);
    cfg.max_query_memory = Some(64 << 20);
    let s = start(cfg);
    let (status, text) = post_query(
        s.url("/sparql"),
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a",
    );
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("64 MiB of working memory"), "{text}");
    wait_idle(&s);
    let c = client();
    assert!(count_all(&c, &s) > 1000);
}

fn injection_gallery() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("by-label.rq"),
        "# title: Things with a label\n# title_zh: 按标签查找\n# question: What has this label?\n\
         # question_zh: 哪些事物有这个标签?\n# param: label string The exact label\n\
         # param: limit integer Unused number\n# row: one thing\n\
         SELECT ?label ?limit ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n",
    )
    .unwrap();
    dir
}

// Proves stored-query parameters are bound as typed terms: an injection attempt matches
// nothing and changes nothing, while a real value matches.
#[test]
fn stored_query_parameters_cannot_inject() {
    let gallery = injection_gallery();
    let mut cfg = config();
    cfg.queries_dir = gallery.path().to_path_buf();
    let s = start(cfg);
    let c = client();
    let list: serde_json::Value = c.get(s.url("/queries")).send().unwrap().json().unwrap();
    assert_eq!(list["queries"][0]["name"], "by-label");
    assert_eq!(list["queries"][0]["title_zh"], "按标签查找");
    assert_eq!(list["queries"][0]["params"][0]["type"], "string");
    // A real label from the data.
    let v: serde_json::Value = get_query(
        &c,
        &s,
        "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(isLiteral(?l) && lang(?l) = \"\" && datatype(?l) = <http://www.w3.org/2001/XMLSchema#string>) } LIMIT 1",
    )
    .json()
    .unwrap();
    let label = v["results"]["bindings"][0]["l"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let r = c
        .get(s.url("/queries/by-label"))
        .query(&[("label", label.as_str())])
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().unwrap();
    assert!(!v["results"]["bindings"].as_array().unwrap().is_empty());
    let before = count_all(&c, &s);
    for attack in [
        "x\" } UNION { ?s ?p ?label } #",
        "\"} ; DROP ALL ; SELECT * { ?s ?p ?o",
        "') || true || ('",
    ] {
        let r = c
            .get(s.url("/queries/by-label"))
            .query(&[("label", attack)])
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{attack}");
        let v: serde_json::Value = r.json().unwrap();
        assert_eq!(
            v["results"]["bindings"].as_array().unwrap().len(),
            0,
            "{attack}"
        );
    }
    assert_eq!(count_all(&c, &s), before);
    // Typed: a non-integer for an integer parameter, an unknown parameter, an unknown query.
    let r = c
        .get(s.url("/queries/by-label?limit=1%3B%20DROP"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().unwrap().contains("not an integer"));
    assert_eq!(
        c.get(s.url("/queries/by-label?nope=1"))
            .send()
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        c.get(s.url("/queries/missing")).send().unwrap().status(),
        404
    );
}

// Proves the real gallery is listed (every queries/*.rq with titles in both languages) and
// that each stored query without required parameters runs.
#[test]
fn real_gallery_is_listed_and_runs() {
    // A generous deadline: this checks the gallery, not the deadline, on a shared busy box.
    let mut cfg = config();
    cfg.timeout = Duration::from_secs(300);
    let s = start(cfg);
    let c = Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .unwrap();
    let list: serde_json::Value = c.get(s.url("/queries")).send().unwrap().json().unwrap();
    let queries = list["queries"].as_array().unwrap();
    let files = std::fs::read_dir(amity::default_queries_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rq"))
        .count();
    assert_eq!(queries.len(), files);
    for q in queries {
        assert!(!q["title"].as_str().unwrap().is_empty());
        assert!(!q["title_zh"].as_str().unwrap().is_empty());
        let r = c
            .get(s.url(q["url"].as_str().unwrap()))
            .header(ACCEPT, "application/sparql-results+json, text/turtle;q=0.9")
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{}", q["name"]);
    }
}

// Proves /health reports a loaded store, its size and uptime.
#[test]
fn health_reports_the_store() {
    let s = start(config());
    let c = client();
    let v: serde_json::Value = c.get(s.url("/health")).send().unwrap().json().unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["store_loaded"], true);
    assert_eq!(v["triples"].as_u64().unwrap(), count_all(&c, &s));
    assert!(v["uptime_seconds"].is_u64());
    assert_eq!(v["read_only"], true);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

// Proves /reload needs the token, rebuilds from data/, and that a failed reload leaves the
// previous data serving.
#[test]
fn reload_with_token_and_failed_reload_keeps_old_data() {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&amity::default_data_dir(), data.path());
    let mut cfg = config();
    cfg.data_dir = data.path().to_path_buf();
    cfg.update_token = Some("tok".into());
    let s = start(cfg);
    let c = client();
    let before = count_all(&c, &s);
    assert_eq!(c.post(s.url("/reload")).send().unwrap().status(), 403);
    let r = c
        .post(s.url("/reload"))
        .header(AUTHORIZATION, "Bearer tok")
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(count_all(&c, &s), before);
    // Break a data file: the reload is refused with the data errors, old data keeps serving.
    let places = data.path().join("places.csv");
    let mut text = std::fs::read_to_string(&places).unwrap();
    text.push_str("\nthis,row,is,broken\n");
    std::fs::write(&places, text).unwrap();
    let r = c
        .post(s.url("/reload"))
        .header(AUTHORIZATION, "Bearer tok")
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("previous data keeps serving"));
    assert_eq!(count_all(&c, &s), before);
}

// Proves CORS answers preflights and tags responses for browsers on other origins.
#[test]
fn cors_for_get_and_post() {
    let s = start(config());
    let c = client();
    let r = c
        .request(reqwest::Method::OPTIONS, s.url("/sparql"))
        .header("origin", "https://example.org")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .unwrap();
    assert!(r.status().is_success());
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    assert!(r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    let r = c
        .get(s.url("/sparql"))
        .query(&[("query", "ASK {}")])
        .header("origin", "https://example.org")
        .send()
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
}

// Proves a client that never finishes its headers is disconnected (slowloris).
#[test]
fn slow_headers_are_cut() {
    use std::io::{Read, Write};
    let mut cfg = config();
    cfg.header_read_timeout = Duration::from_millis(500);
    let s = start(cfg);
    let mut conn = std::net::TcpStream::connect(s.addr()).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    conn.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut buf = Vec::new();
    // read_to_end returns when the server closes; a timeout error would mean it never did.
    let r = conn.read_to_end(&mut buf);
    assert!(r.is_ok(), "server kept the half-open request: {r:?}");
}

// Proves shutdown lets the server stop and release its port.
#[test]
fn graceful_shutdown_stops_listening() {
    let s = start(config());
    let addr = s.addr();
    assert_eq!(client().get(s.url("/health")).send().unwrap().status(), 200);
    drop(s);
    assert!(std::net::TcpStream::connect(&addr).is_err());
}
