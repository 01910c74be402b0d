//! The gallery: every `queries/*.rq` has a complete header and an expected-results file, and
//! running it on the shipped data gives exactly those rows.
//!
//! Expected files are `queries/expected/NAME.tsv`: the SPARQL TSV output with rows sorted.
//! After a deliberate data change, regenerate them with `AMITY_BLESS=1 cargo test --test gallery`
//! and review the diff by hand before committing.

mod common;

use std::path::PathBuf;

use amity::engine::{self, QueryOptions};
use amity::gallery;
use amity::query::{self, Format};

fn queries_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries")
}

fn run(store: &oxigraph::store::Store, q: &gallery::StoredQuery, opts: &QueryOptions) -> String {
    let parsed = query::parse(&q.text, None).unwrap_or_else(|e| panic!("{}: {e}", q.name));
    let results =
        engine::evaluate(store, parsed, opts).unwrap_or_else(|e| panic!("{}: {e}", q.name));
    let mut out = Vec::new();
    query::write_results(results, Format::from_name("tsv").unwrap(), None, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let mut rows: Vec<&str> = lines.collect();
    rows.sort_unstable();
    let mut s = header;
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

#[test]
fn every_gallery_query_matches_its_expected_results() {
    let store = common::real_store().store();
    let queries = gallery::load(&queries_dir()).unwrap();
    assert!(
        queries.len() >= 12,
        "the gallery has {} questions",
        queries.len()
    );
    let bless = std::env::var_os("AMITY_BLESS").is_some();
    let mut failures = Vec::new();
    for q in &queries {
        let got = run(&store, q, &QueryOptions::default());
        let path = queries_dir()
            .join("expected")
            .join(format!("{}.tsv", q.name));
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} has no expected file {}", q.name, path.display()));
        if got != want {
            failures.push(format!("{}:\n--- expected\n{want}--- got\n{got}", q.name));
        }
        assert!(got.lines().count() > 1, "{} returns no rows", q.name);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_header_states_the_question_in_both_languages() {
    for q in gallery::load(&queries_dir()).unwrap() {
        assert!(
            q.title_zh
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}",
            q.name
        );
        assert!(
            q.question_zh
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}",
            q.name
        );
        assert!(
            q.question.ends_with('?'),
            "{}: the question is a question",
            q.name
        );
        for p in &q.params {
            assert!(
                q.text.contains(&format!("?{}", p.name)),
                "{}: parameter {} unused",
                q.name,
                p.name
            );
        }
    }
}

/// A parameter restricts the rows, bound as an RDF term.
#[test]
fn parameters_bind_typed_terms_and_restrict_rows() {
    let store = common::real_store().store();
    let queries = gallery::load(&queries_dir()).unwrap();
    let q = queries
        .iter()
        .find(|q| q.name == "agreements-signed")
        .unwrap();
    let all = run(&store, q, &QueryOptions::default());
    let opts = QueryOptions {
        bindings: q.bind(&[("party".into(), "place/minsk".into())]).unwrap(),
        ..Default::default()
    };
    let minsk = run(&store, q, &opts);
    assert_eq!(minsk.lines().count(), 2, "{minsk}");
    assert!(minsk.contains("两市合作发展计划"));
    assert!(all.lines().count() > minsk.lines().count());
    // An injection attempt is not an IRI and is refused before evaluation.
    let err = q
        .bind(&[("party".into(), "x> } UNION { ?s ?p ?o".into())])
        .unwrap_err();
    assert!(err.to_string().contains("not an IRI"), "{err}");
    // Unknown parameters are named.
    let err = q.bind(&[("nope".into(), "1".into())]).unwrap_err();
    assert!(err.to_string().contains("party"), "{err}");
}
