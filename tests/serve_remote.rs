//! `amity serve --endpoint`: a server with no data of its own in front of another amity (the
//! remote SPARQL 1.1 store). The gallery, `/sparql` queries and the resource pages give what
//! the embedded store gives; updates, the Graph Store Protocol, reloads, SERVICE calls, the
//! text search and the network view are refused with a status and a reason, never faked.

mod endpoint;

use std::time::Duration;

use amity::remote::{Auth, Client};
use amity::server::{Config, Remote};
use amity::store::AmityStore;
use oxigraph::store::Store;

const TSV: &str = "text/tab-separated-values";

/// The remote store (the real data, embedded) and a server reading it.
fn pair(configure: impl FnOnce(&mut Config)) -> (endpoint::Server, endpoint::Server) {
    let remote = endpoint::start(endpoint::config());
    let url = reqwest::Url::parse(&remote.url("/sparql")).unwrap();
    let mut config = endpoint::config();
    config.remote = Some(Remote::new(
        url,
        Client::new(Auth::None, Duration::from_secs(60)).unwrap(),
    ));
    configure(&mut config);
    let front = endpoint::start_with(
        AmityStore::from_store(Store::new().unwrap()),
        config,
        |_| {},
    );
    (remote, front)
}

/// A TSV answer's header and its sorted rows.
fn rows(body: &str) -> (String, Vec<String>) {
    let mut lines = body.lines().map(str::to_string);
    let head = lines.next().unwrap_or_default();
    let mut rest: Vec<String> = lines.collect();
    rest.sort();
    (head, rest)
}

fn get(c: &reqwest::blocking::Client, url: &str, accept: &str) -> (u16, String) {
    let r = c.get(url).header("Accept", accept).send().unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

#[test]
fn the_gallery_and_sparql_give_the_embedded_rows() {
    let (remote, front) = pair(|_| {});
    let c = endpoint::client();
    let list: serde_json::Value = c.get(front.url("/queries")).send().unwrap().json().unwrap();
    let names: Vec<String> = list["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.len() >= 20, "{names:?}");
    for name in &names {
        let path = format!("/queries/{name}");
        let (sa, a) = get(&c, &remote.url(&path), TSV);
        let (sb, b) = get(&c, &front.url(&path), TSV);
        assert_eq!((sa, sb), (200, 200), "{name}: {b}");
        assert_eq!(rows(&a), rows(&b), "{name}");
    }
    // With a parameter.
    let path = "/queries/partners-since?home=place/guangzhou";
    let (a, b) = (
        get(&c, &remote.url(path), TSV).1,
        get(&c, &front.url(path), TSV).1,
    );
    assert!(rows(&a).1.len() > 1);
    assert_eq!(rows(&a), rows(&b));
    // A query by the protocol, with a relative IRI resolved against this endpoint and the
    // protocol's dataset forwarded.
    let q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g";
    let form = [("query", q)];
    let a = c
        .post(remote.url("/sparql"))
        .header("Accept", TSV)
        .form(&form)
        .send()
        .unwrap();
    let b = c
        .post(front.url("/sparql"))
        .header("Accept", TSV)
        .form(&form)
        .send()
        .unwrap();
    assert_eq!(b.status(), 200);
    assert_eq!(rows(&a.text().unwrap()), rows(&b.text().unwrap()));
    let g = "https://w3id.org/amity/graph/ontology";
    let form = [
        ("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        ("default-graph-uri", g),
    ];
    let a = c
        .post(remote.url("/sparql"))
        .header("Accept", TSV)
        .form(&form)
        .send()
        .unwrap();
    let b = c
        .post(front.url("/sparql"))
        .header("Accept", TSV)
        .form(&form)
        .send()
        .unwrap();
    let (a, b) = (a.text().unwrap(), b.text().unwrap());
    assert_eq!(a, b);
    assert_ne!(rows(&b).1, vec!["0".to_string()], "{b}");
    let rel = "SELECT (<x> AS ?x) WHERE {}";
    let (_, b) = get(
        &c,
        &format!("{}?query={}", front.url("/sparql"), urlencode(rel)),
        TSV,
    );
    let resolved = format!("<http://{}/x>", front.addr());
    assert!(
        b.contains(&resolved),
        "relative IRIs resolve against this endpoint: {b}"
    );
    // A resource page: its description, and 404 for one the graph does not have.
    let id = "/id/place/beijing";
    let (sa, a) = get(&c, &remote.url(id), "text/turtle");
    let (sb, b) = get(&c, &front.url(id), "text/turtle");
    assert_eq!((sa, sb), (200, 200), "{b}");
    assert_eq!(a, b);
    assert_eq!(get(&c, &front.url(id), "text/html").0, 200);
    assert_eq!(
        get(&c, &front.url("/id/place/nowhere-at-all"), "text/turtle").0,
        404
    );
    assert_eq!(
        get(&c, &front.url("/id/place/nowhere-at-all"), "text/html").0,
        404
    );
    // The UI's shell and its gallery work as they are.
    assert_eq!(get(&c, &front.url("/"), "text/html").0, 200);
    assert_eq!(
        get(&c, &front.url("/api/gallery"), "application/json").0,
        200
    );
}

#[test]
fn the_row_cap_applies_to_a_remote_answer() {
    let (_remote, front) = pair(|c| c.max_rows = 3);
    let c = endpoint::client();
    let r = c
        .get(front.url("/sparql"))
        .query(&[("query", "SELECT * WHERE { ?s ?p ?o }")])
        .header("Accept", "application/sparql-results+json")
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()[amity::server::TRUNCATED_HEADER]
            .to_str()
            .unwrap(),
        "true; limit=3"
    );
    let v: serde_json::Value = r.json().unwrap();
    assert_eq!(v["results"]["bindings"].as_array().unwrap().len(), 3);
    assert_eq!(v["truncated"], true);
}

#[test]
fn what_only_the_embedded_store_does_is_refused_with_a_reason() {
    let (remote, front) = pair(|c| c.update_token = Some("a-token".into()));
    let c = endpoint::client();
    // An update, even with the token: 501, and the remote store is not written.
    let r = c
        .post(front.url("/sparql"))
        .bearer_auth("a-token")
        .form(&[(
            "update",
            "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        )])
        .send()
        .unwrap();
    assert_eq!(r.status(), 501);
    assert!(r.text().unwrap().contains("not forwarded"));
    let r = c
        .post(front.url("/sparql"))
        .header("Content-Type", "application/sparql-update")
        .body("DROP ALL")
        .send()
        .unwrap();
    assert_eq!(r.status(), 501);
    // An update sent as a query is not a query.
    let r = c
        .post(front.url("/sparql"))
        .form(&[("query", "DROP ALL")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    let ask = "ASK { <http://e/a> ?p ?o }";
    let (_, answer) = get(
        &c,
        &format!("{}?query={}", remote.url("/sparql"), urlencode(ask)),
        "application/sparql-results+json",
    );
    assert!(answer.contains("false"), "{answer}");
    // The Graph Store Protocol and reloads.
    let r = c
        .put(front.url("/store?default"))
        .bearer_auth("a-token")
        .header("Content-Type", "application/n-triples")
        .body("<http://e/a> <http://e/b> <http://e/c> .\n")
        .send()
        .unwrap();
    assert_eq!(r.status(), 501);
    assert_eq!(
        c.get(front.url("/store?default")).send().unwrap().status(),
        501
    );
    let r = c
        .post(front.url("/reload"))
        .bearer_auth("a-token")
        .send()
        .unwrap();
    assert_eq!(r.status(), 501);
    // The text search, by its route and by SPARQL.
    let r = c
        .get(front.url("/api/search"))
        .query(&[("q", "Minsk")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 501);
    assert!(r.text().unwrap().contains("text search"));
    let search = r#"PREFIX am: <https://w3id.org/amity/ns#>
        SELECT ?x WHERE { SERVICE am:search { ?x am:query "Minsk" } }"#;
    let r = c
        .post(front.url("/sparql"))
        .form(&[("query", search)])
        .send()
        .unwrap();
    assert_eq!(r.status(), 501);
    assert!(r.text().unwrap().contains("text search"));
    // Any other SERVICE: the remote store would call another server.
    let other = "SELECT * WHERE { SERVICE <http://elsewhere.example/sparql> { ?s ?p ?o } }";
    let r = c
        .post(front.url("/sparql"))
        .form(&[("query", other)])
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    // The network view.
    for path in [
        "/api/summary",
        "/api/layout",
        "/api/network.gexf",
        "/api/places/place/beijing",
    ] {
        let r = c.get(front.url(path)).send().unwrap();
        assert_eq!(r.status(), 501, "{path}");
        assert!(r.text().unwrap().contains("network view"), "{path}");
    }
    // /health says the store is remote, and nothing about its contents.
    let h: serde_json::Value = c.get(front.url("/health")).send().unwrap().json().unwrap();
    assert_eq!(h["store"], "remote");
    assert_eq!(h["endpoint"], remote.url("/sparql"));
    assert_eq!(h["read_only"], true);
    assert!(h["triples"].is_null());
    assert!(!h["unavailable"].as_array().unwrap().is_empty());
    let h: serde_json::Value = c.get(remote.url("/health")).send().unwrap().json().unwrap();
    assert_eq!(h["store"], "embedded");
}

#[test]
fn an_unreachable_remote_store_is_a_bad_gateway() {
    let mut config = endpoint::config();
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    config.remote = Some(Remote::new(
        reqwest::Url::parse(&format!("http://127.0.0.1:{port}/sparql")).unwrap(),
        Client::new(Auth::None, Duration::from_secs(5)).unwrap(),
    ));
    let front = endpoint::start_with(
        AmityStore::from_store(Store::new().unwrap()),
        config,
        |_| {},
    );
    let r = endpoint::client()
        .get(front.url("/sparql"))
        .query(&[("query", "ASK {}")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 502);
    assert!(r.text().unwrap().contains("the remote store"));
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
