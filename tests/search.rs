//! Text search: `/api/search`, `SERVICE am:search` in SPARQL, and the index following the
//! store through reloads and writes.

mod common;
mod endpoint;

use std::time::Duration;

use endpoint::{config, start};
use reqwest::blocking::Client;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};

const ID: &str = "https://w3id.org/amity/id/";

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

fn search(c: &Client, s: &endpoint::Server, params: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let r = c.get(s.url("/api/search")).query(params).send().unwrap();
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

fn iris(v: &serde_json::Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["iri"].as_str().unwrap().to_string())
        .collect()
}

// Proves the analyst's first searches: a city by its Chinese or English name (first hit, with
// both names), a city bringing its district, a phrase inside a sentence finding the sentence
// and the event it states, with the phrase marked in the snippet.
#[test]
fn names_and_phrases_find_their_resources() {
    let s = start(config());
    let c = client();
    let minsk = format!("{ID}place/minsk");
    for q in ["明斯克", "Minsk", "minsk", "Mins"] {
        let (status, v) = search(&c, &s, &[("q", q)]);
        assert_eq!(status, 200, "{v}");
        assert_eq!(iris(&v).first(), Some(&minsk), "{q}: {v}");
        let top = &v["results"][0];
        assert_eq!(top["label_zh"], "明斯克");
        assert_eq!(top["label_en"], "Minsk");
        assert_eq!(top["kind"], "Place");
    }
    let (_, v) = search(&c, &s, &[("q", "塔什干")]);
    let found = iris(&v);
    assert_eq!(found.first(), Some(&format!("{ID}place/tashkent")), "{v}");
    assert!(found.contains(&format!("{ID}place/olmazor")), "{v}");
    let (_, v) = search(&c, &s, &[("q", "后备干部培训班")]);
    let found = iris(&v);
    assert!(
        found.contains(&format!("{ID}passage/bjfao-2024h1-p12s06")),
        "{v}"
    );
    assert!(
        found.contains(&format!("{ID}event/ev-hanoi-cadre-training")),
        "{v}"
    );
    for r in v["results"].as_array().unwrap() {
        let snippet: Vec<char> = r["snippet"].as_str().unwrap().chars().collect();
        let marks = r["marks"].as_array().unwrap();
        assert!(!marks.is_empty(), "{r}");
        let (a, b) = (
            marks[0][0].as_u64().unwrap() as usize,
            marks[0][1].as_u64().unwrap() as usize,
        );
        let marked: String = snippet[a..b].iter().collect();
        assert!(
            "后备干部培训班".contains(&marked),
            "marked {marked:?} in {r}"
        );
    }
    // Filters.
    let (_, v) = search(&c, &s, &[("q", "明斯克"), ("kind", "Passage")]);
    assert!(!iris(&v).is_empty());
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["kind"] == "Passage"));
    let (_, v) = search(&c, &s, &[("q", "明斯克"), ("limit", "1")]);
    assert_eq!(iris(&v).len(), 1);
}

// Proves bad input gets a clear 400 or an empty answer, never a crash, and the server keeps
// answering.
#[test]
fn odd_queries_get_a_clear_answer() {
    let s = start(config());
    let c = client();
    let long = "a".repeat(10_000);
    let long_zh = "明".repeat(2_000);
    for (params, want) in [
        (vec![("q", "")], 400),
        (vec![], 400),
        (vec![("q", "   ")], 400),
        (vec![("q", long.as_str())], 400),
        (vec![("q", long_zh.as_str())], 400),
        (vec![("q", "明斯克"), ("limit", "0")], 400),
        (vec![("q", "明斯克"), ("limit", "many")], 400),
        (vec![("q", "明斯克"), ("lang", "zh\"; DROP")], 400),
        (vec![("q", "明斯克"), ("bogus", "1")], 400),
        (vec![("q", "!!!...???")], 200),
        (vec![("q", "AND OR NOT * ? : ( ) [ ] { } \" ~ ^")], 200),
        (vec![("q", "Minsk 明斯克 Bottrop 博特罗普")], 200),
        (vec![("q", "ＭＩＮＳＫ")], 200),
    ] {
        let (status, v) = search(&c, &s, &params);
        assert_eq!(status, want, "{params:?}: {v}");
    }
    let (status, v) = search(&c, &s, &[("q", "Minsk 明斯克 Bottrop 博特罗普")]);
    assert_eq!(status, 200);
    let found = iris(&v);
    assert!(found.contains(&format!("{ID}place/minsk")), "{v}");
    assert!(found.contains(&format!("{ID}place/bottrop")), "{v}");
}

fn sparql(c: &Client, s: &endpoint::Server, q: &str) -> (u16, serde_json::Value) {
    let r = c
        .post(s.url("/sparql"))
        .header(CONTENT_TYPE, "application/sparql-query")
        .header("Accept", "application/sparql-results+json")
        .body(q.to_string())
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

// Proves the SPARQL pattern: ranked subjects with score and matched literal, joined with a
// triple pattern of the query, bounded by the row cap, and refused cleanly when malformed.
#[test]
fn the_search_service_joins_with_the_query() {
    let mut cfg = config();
    cfg.max_rows = 3;
    let s = start(cfg);
    let c = client();
    let q = r#"PREFIX am: <https://w3id.org/amity/ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?place ?score ?text ?country WHERE {
          SERVICE am:search { ?place am:query "Minsk" ; am:kind "Place" ; am:score ?score ; am:matched ?text }
          ?place am:country ?country .
        } ORDER BY DESC(?score)"#;
    let (status, v) = sparql(&c, &s, q);
    assert_eq!(status, 200, "{v}");
    let rows = v["results"]["bindings"].as_array().unwrap();
    assert_eq!(rows[0]["place"]["value"], format!("{ID}place/minsk"), "{v}");
    assert_eq!(
        rows[0]["country"]["value"],
        format!("{ID}place/belarus"),
        "{v}"
    );
    assert!(
        rows[0]["score"]["value"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            > 0.0
    );
    assert_eq!(rows[0]["text"]["value"], "Minsk");
    // The row cap bounds the service too: at most 3 even when 50 are asked for.
    let (status, v) = sparql(
        &c,
        &s,
        r#"PREFIX am: <https://w3id.org/amity/ns#>
           SELECT ?x WHERE { SERVICE am:search { ?x am:query "北京" ; am:limit 50 } }"#,
    );
    assert_eq!(status, 200, "{v}");
    assert!(
        v["results"]["bindings"].as_array().unwrap().len() <= 3,
        "{v}"
    );
    // Malformed calls get 400 naming what to write.
    for bad in [
        r#"PREFIX am: <https://w3id.org/amity/ns#> SELECT * WHERE { SERVICE am:search { ?x am:limit 5 } }"#,
        r#"PREFIX am: <https://w3id.org/amity/ns#> SELECT * WHERE { SERVICE am:search { ?x am:query ?q } }"#,
        r#"PREFIX am: <https://w3id.org/amity/ns#> SELECT * WHERE { SERVICE am:search { ?x am:query "a" ; am:bogus 1 } }"#,
        r#"PREFIX am: <https://w3id.org/amity/ns#> SELECT * WHERE { SERVICE am:search { ?x am:query "a" ; am:score ?s ; am:score ?t } }"#,
    ] {
        let (status, v) = sparql(&c, &s, bad);
        assert_eq!(status, 400, "{bad}: {v}");
        assert!(v.as_str().unwrap_or("").contains("am:search"), "{v}");
    }
}

// Proves the index follows the store: a label inserted by SPARQL Update is found at once, a
// reload drops it, and an update using the search without the token is refused like any
// other write.
#[test]
fn the_index_follows_writes_and_reloads() {
    let mut cfg = config();
    cfg.update_token = Some("sesame".into());
    let s = start(cfg);
    let c = client();
    let insert = r#"INSERT DATA { GRAPH <urn:x:g> { <urn:x:zz> <http://www.w3.org/2000/01/rdf-schema#label> "Quuxtown"@en } }"#;
    let update = |auth: Option<&str>, body: &str| {
        let mut r = c
            .post(s.url("/sparql"))
            .header(CONTENT_TYPE, "application/sparql-update")
            .body(body.to_string());
        if let Some(a) = auth {
            r = r.header(AUTHORIZATION, a);
        }
        r.send().unwrap().status().as_u16()
    };
    let (_, v) = search(&c, &s, &[("q", "Quuxtown")]);
    assert!(iris(&v).is_empty());
    assert_eq!(update(Some("Bearer sesame"), insert), 204);
    let (_, v) = search(&c, &s, &[("q", "Quuxtown")]);
    assert_eq!(iris(&v), ["urn:x:zz"], "{v}");
    let sneaky = r#"PREFIX am: <https://w3id.org/amity/ns#>
        INSERT { GRAPH <urn:x:g> { ?x <urn:x:seen> true } } WHERE { SERVICE am:search { ?x am:query "Minsk" } }"#;
    assert_eq!(update(None, sneaky), 403);
    let r = c
        .post(s.url("/reload"))
        .header(AUTHORIZATION, "Bearer sesame")
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, v) = search(&c, &s, &[("q", "Quuxtown")]);
    assert!(iris(&v).is_empty(), "{v}");
    let (_, v) = search(&c, &s, &[("q", "Minsk")]);
    assert_eq!(iris(&v).first(), Some(&format!("{ID}place/minsk")));
}
