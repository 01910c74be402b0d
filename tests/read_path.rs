//! The one read path: resource pages, the network API and the UI's JSON are bounded by the
//! same pool and deadline as `/sparql`; the network API answers from the stored metrics; a
//! write marks the derived graphs stale.

mod common;
mod endpoint;

use std::time::{Duration, Instant};

use endpoint::{config, start};
use reqwest::blocking::Client;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};

/// A cross product of the whole store with itself, four times: runs until its deadline.
const EXPLOSIVE: &str =
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

// Proves `/id/*`, `/api/*` and the UI's JSON take an evaluation slot like `/sparql`: with the
// only slot held by a query that runs to its deadline, each of them waits the queue wait and
// gets 503 with Retry-After, and they answer 200 once the slot is free.
#[test]
fn resource_pages_and_the_api_wait_for_the_same_pool() {
    let mut cfg = config();
    cfg.timeout = Duration::from_secs(6);
    cfg.max_concurrent = 1;
    cfg.queue_wait = Duration::from_millis(300);
    let s = start(cfg);
    let url = s.url("/sparql");
    let bomb = std::thread::spawn(move || {
        client()
            .post(url)
            .header(CONTENT_TYPE, "application/sparql-query")
            .body(EXPLOSIVE)
            .send()
            .unwrap()
            .status()
            .as_u16()
    });
    let waited = Instant::now();
    while s.state.in_flight() < 1 && waited.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let c = client();
    let paths = [
        "/id/place/beijing?format=ttl",
        "/id/place/beijing",
        "/api/places/beijing",
        "/api/places/Q649",
        "/api/summary",
        "/api/path?from=beijing&to=hanoi",
        "/api/network.gexf",
        "/api/layout",
    ];
    for path in paths {
        let r = c
            .get(s.url(path))
            .header("Accept", "text/turtle")
            .send()
            .unwrap();
        assert_eq!(r.status(), 503, "{path} did not wait for the pool");
        assert!(r.headers().contains_key("retry-after"), "{path}");
    }
    assert_eq!(
        bomb.join().unwrap(),
        503,
        "the bomb should end at its deadline"
    );
    let waited = Instant::now();
    while s.state.in_flight() > 0 && waited.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    for path in [
        "/id/place/beijing?format=ttl",
        "/api/places/beijing",
        "/api/summary",
    ] {
        let r = c.get(s.url(path)).send().unwrap();
        assert_eq!(r.status(), 200, "{path} after the slot was freed");
    }
}

/// The stored value of `metric` for the node `iri` in the metrics graph, by SPARQL.
fn stored(c: &Client, s: &endpoint::Server, iri: &str, metric: &str) -> Option<f64> {
    let q = format!(
        "PREFIX am: <https://w3id.org/amity/ns#>
         SELECT ?v WHERE {{ GRAPH <https://w3id.org/amity/graph/metrics> {{ <{iri}> am:{metric} ?v }} }}"
    );
    let v: serde_json::Value = c
        .get(s.url("/sparql"))
        .query(&[("query", q.as_str())])
        .send()
        .unwrap()
        .json()
        .unwrap();
    v["results"]["bindings"][0]["v"]["value"]
        .as_str()
        .and_then(|x| x.parse().ok())
}

// Proves `/api/places/{id}` reports the metrics the load stored (not a recomputation that
// could differ), for a Wikidata place and a report place; and that the second request is
// served from the per-version view.
#[test]
fn place_answers_are_the_stored_metrics() {
    // Loaded as `amity serve` loads: with the metrics step.
    let store = amity::store::AmityStore::in_memory_with(
        &amity::default_data_dir(),
        Some(amity::network::kept_metrics_hook()),
        &mut |_, _, _| {},
    )
    .unwrap()
    .0;
    let s = endpoint::start_with(store, config(), |_| {});
    let c = client();
    for (id, iri) in [
        ("Q1297", "http://www.wikidata.org/entity/Q1297"),
        ("beijing", "https://w3id.org/amity/id/place/beijing"),
    ] {
        let v: serde_json::Value = c
            .get(s.url(&format!("/api/places/{id}")))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let m = &v["metrics"];
        assert_eq!(
            m["pagerank"].as_f64(),
            stored(&c, &s, iri, "pagerank"),
            "{id}: {v}"
        );
        assert_eq!(
            m["degree"].as_f64(),
            stored(&c, &s, iri, "degree"),
            "{id}: {v}"
        );
        assert_eq!(
            m["betweenness"].as_f64(),
            stored(&c, &s, iri, "betweenness"),
            "{id}: {v}"
        );
        assert!(m["betweenness"].as_f64().is_some(), "{id}: {v}");
    }
}

// Proves a write marks the derived graphs stale, in /health and in the metrics graph, and a
// reload makes them fresh again.
#[test]
fn a_write_marks_the_metrics_stale_until_a_reload() {
    let mut cfg = config();
    cfg.update_token = Some("sesame".into());
    // A metrics graph as the load's step leaves one (the test store is loaded without the
    // step, so a reload leaves none: the marker goes with it).
    let s = endpoint::start_with(endpoint::load(), cfg, |store| {
        store
            .load_from_slice(
                oxigraph::io::RdfFormat::NQuads,
                "<https://w3id.org/amity/graph/metrics> <http://www.w3.org/ns/prov#wasGeneratedBy> <https://w3id.org/amity/id/activity/network-metrics> <https://w3id.org/amity/graph/metrics> .\n"
                    .as_bytes(),
            )
            .unwrap();
    });
    let c = client();
    let health =
        || -> serde_json::Value { c.get(s.url("/health")).send().unwrap().json().unwrap() };
    let marked = || -> bool {
        let v: serde_json::Value = c
            .get(s.url("/sparql"))
            .query(&[(
                "query",
                "PREFIX am: <https://w3id.org/amity/ns#>
                 ASK { GRAPH <https://w3id.org/amity/graph/metrics> {
                   <https://w3id.org/amity/graph/metrics> am:staleSince ?t } }",
            )])
            .send()
            .unwrap()
            .json()
            .unwrap();
        v["boolean"].as_bool().unwrap()
    };
    assert!(health()["metrics_stale_since"].is_null());
    assert!(!marked());
    let r = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-update")
        .header(AUTHORIZATION, "Bearer sesame")
        .body("INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/p> 1 } }")
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    let since = health()["metrics_stale_since"].clone();
    assert!(since.as_str().is_some_and(|t| t.ends_with('Z')), "{since}");
    assert!(marked());
    let r = c
        .post(s.url("/reload"))
        .header(AUTHORIZATION, "Bearer sesame")
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(health()["metrics_stale_since"].is_null());
    assert!(!marked());
}

// Proves an update sent by GET gets 405 naming POST, with or without the token, as
// docs/endpoint.md says.
#[test]
fn an_update_by_get_is_405() {
    let mut cfg = config();
    cfg.update_token = Some("sesame".into());
    let s = start(cfg);
    let c = client();
    for auth in [None, Some("Bearer sesame")] {
        let mut r = c.get(s.url("/sparql")).query(&[("update", "CLEAR ALL")]);
        if let Some(a) = auth {
            r = r.header(AUTHORIZATION, a);
        }
        let r = r.send().unwrap();
        assert_eq!(r.status(), 405, "auth {auth:?}");
        assert_eq!(r.headers()["allow"], "POST");
    }
}

// Proves `/api/gallery` serves the gallery `serve --queries` names (it used to read the
// built-in folder whatever the flag said).
#[test]
fn the_gallery_honours_the_queries_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("only-one.rq"),
        "# title: Only one\n# title_zh: 只有一个\n# question: Is it the only one?\n# question_zh: 是唯一的吗?\n# row: one row\nASK {}\n",
    )
    .unwrap();
    let mut cfg = config();
    cfg.queries_dir = dir.path().to_path_buf();
    let s = start(cfg);
    let c = client();
    let v: serde_json::Value = c.get(s.url("/api/gallery")).send().unwrap().json().unwrap();
    let names: Vec<&str> = v["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["only-one"], "{v}");
    let v: serde_json::Value = c.get(s.url("/queries")).send().unwrap().json().unwrap();
    assert_eq!(v["queries"].as_array().unwrap().len(), 1);
}
