//! No single request may take the endpoint down: nesting at and past the limit for every
//! form, on the query and update paths, stored-query parameters, resource pages and Graph
//! Store Protocol bodies; far past the limit; and very wide queries. After each refusal the
//! server must still answer.

mod endpoint;

use std::time::{Duration, Instant};

use amity::limits::DEFAULT_NESTING;
use endpoint::{client, config, start, Server};
use reqwest::blocking::Client;

const L: usize = DEFAULT_NESTING;
const TOKEN: &str = "limits-test-token";

fn post(c: &Client, s: &Server, kind: &str, text: &str, token: bool) -> (u16, String) {
    let mut req = c
        .post(s.url("/sparql"))
        .header("Content-Type", format!("application/sparql-{kind}"))
        .header("Accept", "application/sparql-results+json")
        .body(text.to_string());
    if token {
        req = req.bearer_auth(TOKEN);
    }
    let r = req.send().expect("the server answers");
    (r.status().as_u16(), r.text().unwrap_or_default())
}

fn alive(c: &Client, s: &Server) {
    let (code, body) = post(c, s, "query", "ASK { ?s ?p ?o }", false);
    assert_eq!(
        (code, body.contains("true")),
        (200, true),
        "server alive: {body}"
    );
}

/// `open` repeated `n` times around `inner`, each level closed by `close`.
fn wrap(n: usize, open: &str, inner: &str, close: &str) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

/// Every form of nesting, as a query whose brackets nest exactly `depth` deep.
fn query_forms(depth: usize) -> Vec<(&'static str, String)> {
    let d = depth;
    vec![
        // `{` then `FILTER(`: two levels, the rest are parentheses.
        (
            "parentheses",
            format!(
                "SELECT * WHERE {{ ?s ?p ?o FILTER({}) }} LIMIT 1",
                wrap(d - 2, "(", "true", ")")
            ),
        ),
        (
            "groups",
            format!("SELECT * WHERE {} LIMIT 1", wrap(d, "{ ", "?s ?p ?o", " }")),
        ),
        (
            "optional",
            format!(
                "SELECT * WHERE {{ ?s ?p ?o {} }} LIMIT 1",
                wrap(d - 1, "OPTIONAL { ?s ?p ?o ", "", "}")
            ),
        ),
        (
            "union",
            format!(
                "SELECT * WHERE {} LIMIT 1",
                wrap(d - 1, "{ { ?s ?p ?o } UNION ", "{ ?s ?p ?o }", " }")
            ),
        ),
        (
            "minus",
            format!(
                "SELECT * WHERE {} LIMIT 1",
                wrap(d - 1, "{ ?s <urn:x:none> ?o MINUS ", "{ ?s ?p ?o }", " }")
            ),
        ),
        (
            "exists",
            format!(
                "SELECT * WHERE {} LIMIT 1",
                wrap(
                    d - 1,
                    "{ ?s <urn:x:none> ?o FILTER EXISTS ",
                    "{ ?s ?p ?o }",
                    " }"
                )
            ),
        ),
        (
            "subselect",
            format!(
                "SELECT * WHERE {} LIMIT 1",
                wrap(d - 1, "{ SELECT * WHERE ", "{ ?s ?p ?o }", " }")
            ),
        ),
        (
            "property path",
            format!(
                "SELECT * WHERE {{ ?s {} ?o }} LIMIT 1",
                wrap(
                    d - 1,
                    "(",
                    "<http://www.w3.org/2000/01/rdf-schema#label>",
                    ")"
                )
            ),
        ),
        (
            "blank node brackets",
            format!(
                "SELECT * WHERE {{ ?s ?p {} }} LIMIT 1",
                wrap(d - 1, "[ ?q ", "?o", " ]")
            ),
        ),
        (
            "collections",
            format!(
                "SELECT * WHERE {{ ?s ?p {} }} LIMIT 1",
                wrap(d - 1, "( ", "?o", " )")
            ),
        ),
    ]
}

/// Every form on the update path: an update whose brackets nest exactly `depth` deep.
fn update_forms(depth: usize) -> Vec<(&'static str, String)> {
    let d = depth;
    vec![
        (
            "update where groups",
            format!(
                "INSERT {{ <urn:x:a> <urn:x:b> ?o }} WHERE {}",
                wrap(d, "{ ", "?s <urn:x:none> ?o", " }")
            ),
        ),
        (
            "update filter parentheses",
            format!(
                "DELETE {{ ?s <urn:x:b> ?o }} WHERE {{ ?s <urn:x:none> ?o FILTER({}) }}",
                wrap(d - 2, "(", "true", ")")
            ),
        ),
        (
            "insert data brackets",
            format!(
                "INSERT DATA {{ <urn:x:a> <urn:x:b> {} }}",
                wrap(d - 1, "[ <urn:x:c> ", "1", " ]")
            ),
        ),
    ]
}

fn assert_names_limit(body: &str) {
    assert!(
        body.contains(&format!("the limit is {L}")) && body.contains("line "),
        "the 400 names the limit and where: {body}"
    );
}

// Proves every nesting form answers at the limit and is refused one level past it, with a 400
// that names the limit and the place, and that the server keeps serving.
#[test]
fn every_nesting_form_at_the_limit_answers_and_one_past_is_refused() {
    let mut cfg = config();
    cfg.update_token = Some(TOKEN.into());
    let s = start(cfg);
    let c = client();
    for ((name, at), (_, past)) in query_forms(L).into_iter().zip(query_forms(L + 1)) {
        amity::limits::scan(&at, amity::limits::Syntax::Sparql, L)
            .unwrap_or_else(|e| panic!("{name} is built at the limit: {e}"));
        let (code, body) = post(&c, &s, "query", &at, false);
        assert_eq!(code, 200, "{name} at the limit: {body}");
        let (code, body) = post(&c, &s, "query", &past, false);
        assert_eq!(code, 400, "{name} one past the limit: {body}");
        assert_names_limit(&body);
        alive(&c, &s);
    }
    for ((name, at), (_, past)) in update_forms(L).into_iter().zip(update_forms(L + 1)) {
        let (code, body) = post(&c, &s, "update", &at, true);
        assert_eq!(code, 204, "{name} at the limit: {body}");
        let (code, body) = post(&c, &s, "update", &past, true);
        assert_eq!(code, 400, "{name} one past the limit: {body}");
        assert_names_limit(&body);
        alive(&c, &s);
    }
}

// Proves a query far past the limit (the 1,000-deep FILTER that used to overflow the stack and
// abort the process, and 10 and 100 times deeper) is a 400 within a second, by GET and POST.
#[test]
fn far_past_the_limit_is_refused_within_a_second() {
    let s = start(config());
    let c = client();
    for depth in [1_000, 10_000, 100_000] {
        let q = format!(
            "SELECT * WHERE {{ ?s ?p ?o FILTER({}) }}",
            wrap(depth, "(", "1", ")")
        );
        let t = Instant::now();
        let (code, body) = post(&c, &s, "query", &q, false);
        assert_eq!(code, 400, "{depth} deep: {body}");
        assert_names_limit(&body);
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "{depth} deep took {:?}",
            t.elapsed()
        );
        if depth <= 10_000 {
            let r = c
                .get(s.url("/sparql"))
                .query(&[("query", q.as_str())])
                .send()
                .unwrap();
            assert_eq!(r.status().as_u16(), 400, "{depth} deep by GET");
        }
        alive(&c, &s);
    }
}

// Proves very wide queries (100,000 UNION branches, 100,000 triple patterns, 50,000 variables)
// get a clear 400 quickly, with the body cap raised so they reach the parser.
#[test]
fn very_wide_queries_are_refused() {
    let mut cfg = config();
    cfg.max_body = 64 * 1024 * 1024;
    let s = start(cfg);
    let c = client();
    let unions = format!(
        "SELECT * WHERE {{ {} }}",
        vec!["{ ?s ?p ?o }"; 100_000].join(" UNION ")
    );
    let patterns = format!(
        "SELECT * WHERE {{ {} }}",
        (0..100_000)
            .map(|i| format!("?s <urn:x:p> ?o{i} . "))
            .collect::<String>()
    );
    let variables = format!(
        "SELECT {} WHERE {{ ?s ?p ?o }}",
        (0..50_000).map(|i| format!("?v{i} ")).collect::<String>()
    );
    // A small chain past the algebra bound, which the token bound lets through.
    let chain = format!(
        "SELECT * WHERE {{ {} }}",
        vec!["{ ?s ?p ?o }"; 2_000].join(" UNION ")
    );
    let many_variables = format!(
        "SELECT {} WHERE {{ ?s ?p ?o }}",
        (0..10_001).map(|i| format!("?v{i} ")).collect::<String>()
    );
    for (name, q, says) in [
        ("100,000 UNION branches", unions, "tokens"),
        ("100,000 triple patterns", patterns, "tokens"),
        ("50,000 variables", variables, "tokens"),
        ("2,000 UNION branches", chain, "operators deep"),
        ("10,001 variables", many_variables, "distinct variables"),
    ] {
        let t = Instant::now();
        let (code, body) = post(&c, &s, "query", &q, false);
        assert_eq!(code, 400, "{name}: {body}");
        assert!(body.contains(says), "{name}: {body}");
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "{name} took {:?}",
            t.elapsed()
        );
        alive(&c, &s);
    }
}

// Proves hostile text in stored-query parameters and resource-page paths cannot reach a
// parser as query text: deep brackets there are values (or bad paths), never a crash.
#[test]
fn parameters_and_resource_pages_carry_no_nesting() {
    let s = start(config());
    let c = client();
    let deep = "(".repeat(10_000);
    let r = c
        .get(s.url("/queries/partners-since"))
        .query(&[("place", deep.as_str())])
        .send()
        .unwrap();
    assert!(
        r.status().is_client_error(),
        "a bracket soup is not an IRI: {}",
        r.status()
    );
    let r = c
        .get(s.url("/queries/anniversaries-next-year"))
        .query(&[("year", format!("{}1{}", "(".repeat(200), ")".repeat(200)))])
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "a bracket soup is not a year");
    for path in [
        format!("/id/place/{}", "%28".repeat(1_000)),
        format!("/id/{}/x", "%7B".repeat(1_000)),
    ] {
        let r = c
            .get(s.url(&path))
            .header("Accept", "text/turtle")
            .send()
            .unwrap();
        assert!(r.status().is_client_error(), "{path:.40}: {}", r.status());
    }
    alive(&c, &s);
}

// Proves Graph Store Protocol bodies pass the same nesting rule in each syntax (Turtle,
// JSON-LD, RDF/XML): at the limit they load, one past they are a 400 naming the limit.
#[test]
fn graph_store_bodies_are_bounded_like_queries() {
    let mut cfg = config();
    cfg.update_token = Some(TOKEN.into());
    let s = start(cfg);
    let c = client();
    let turtle = |d: usize| {
        format!(
            "<urn:x:a> <urn:x:b> {} .",
            wrap(d, "[ <urn:x:c> ", "1", " ]")
        )
    };
    let jsonld = |d: usize| {
        format!(
            "{{\"@id\": \"urn:x:a\", \"urn:x:b\": {}}}",
            wrap(d - 1, "{\"urn:x:c\": ", "1", "}")
        )
    };
    let rdfxml = |d: usize| {
        // rdf:RDF, then alternating node and property elements.
        let mut s = String::from(
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:x=\"urn:x:\">",
        );
        let levels = d - 1;
        for i in 0..levels {
            s.push_str(if i % 2 == 0 {
                "<rdf:Description>"
            } else {
                "<x:p>"
            });
        }
        for i in (0..levels).rev() {
            s.push_str(if i % 2 == 0 {
                "</rdf:Description>"
            } else {
                "</x:p>"
            });
        }
        s.push_str("</rdf:RDF>");
        s
    };
    type Body<'a> = &'a dyn Fn(usize) -> String;
    let forms: [(&str, &str, Body); 3] = [
        ("turtle", "text/turtle", &turtle),
        ("json-ld", "application/ld+json", &jsonld),
        ("rdf/xml", "application/rdf+xml", &rdfxml),
    ];
    for (name, media, body) in forms {
        let put = |text: String| {
            let r = c
                .put(s.url("/store?graph=urn:x:limits"))
                .header("Content-Type", media)
                .bearer_auth(TOKEN)
                .body(text)
                .send()
                .unwrap();
            (r.status().as_u16(), r.text().unwrap_or_default())
        };
        let (code, text) = put(body(L));
        assert!(
            code == 201 || code == 204,
            "{name} at the limit: {code} {text}"
        );
        let (code, text) = put(body(L + 1));
        assert_eq!(code, 400, "{name} one past the limit: {text}");
        assert_names_limit(&text);
        let (code, text) = put(body(10_000));
        assert_eq!(code, 400, "{name} 10,000 deep: {text}");
        alive(&c, &s);
    }
}
