//! The deadline guard keeps every row: a query evaluated inside an engine job (guarded: the
//! algebra rewritten with the per-row checks, the token and the memory budget installed)
//! returns exactly the rows of the same query evaluated outside one (unguarded), on every
//! gallery query over the real data and on generated queries (joins, OPTIONAL, UNION, MINUS,
//! FILTER EXISTS, BIND, GROUP BY, ORDER BY, sub-selects, cross products) over a small store.
//! When oxigraph is upgraded (Cargo.toml pins it), this is the test that says whether the
//! guard still holds.

mod common;

use std::sync::Arc;

use amity::engine::{self, Bounds, Engine, EvalError, QueryOptions};
use amity::query::{self, Format};
use amity::store::AmityStore;
use oxigraph::io::RdfFormat;
use oxigraph::store::Store;
use proptest::prelude::*;

/// The query's rows as sorted TSV lines (header first), or the error text.
fn rows(store: &Store, text: &str, opts: &QueryOptions) -> Result<Vec<String>, String> {
    let parsed = query::parse(text, None).map_err(|e| e.to_string())?;
    let results = engine::evaluate(store, parsed, opts).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    query::write_results(results, Format::from_name("tsv").unwrap(), None, &mut out)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let mut body: Vec<String> = lines.map(str::to_string).collect();
    body.sort();
    Ok(std::iter::once(header).chain(body).collect())
}

/// Unguarded (outside a job) and guarded (inside one) rows of `text`.
fn both(
    engine: &Engine,
    text: &str,
    opts: QueryOptions,
) -> (Result<Vec<String>, String>, Result<Vec<String>, String>) {
    let store = engine.store().store();
    assert!(!engine::in_job());
    let unguarded = rows(&store, text, &opts);
    let t = text.to_string();
    let guarded = engine
        .run_blocking(move |cx| {
            assert!(engine::in_job());
            Ok::<_, EvalError>(rows(cx.store(), &t, &opts))
        })
        .unwrap_or_else(|e| Err(e.to_string()));
    (unguarded, guarded)
}

fn engine_on(store: AmityStore) -> Engine {
    let bounds = Bounds {
        max_concurrent: 2,
        ..Bounds::default()
    };
    Engine::new(Arc::new(store), bounds).unwrap()
}

// Proves the guard changes no gallery answer on the real data (each query as the gallery
// test runs it, parameters unbound).
#[test]
fn guarded_gallery_queries_return_the_unguarded_rows() {
    let engine = engine_on(common::real_store());
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries");
    let gallery = amity::gallery::load(&dir).unwrap();
    assert!(
        gallery.len() >= 10,
        "the gallery has {} queries",
        gallery.len()
    );
    for q in &gallery {
        let (unguarded, guarded) = both(&engine, &q.text, QueryOptions::default());
        let unguarded = unguarded.unwrap_or_else(|e| panic!("{}: {e}", q.name));
        assert_eq!(guarded.as_ref(), Ok(&unguarded), "{}", q.name);
        assert!(
            unguarded.len() > 1,
            "{} gives no rows, so proves nothing",
            q.name
        );
    }
}

/// A small store: 6 nodes, 3 predicates, some literals; cross products of it stay small.
fn small_store() -> AmityStore {
    let mut nq = String::new();
    let p = ["p", "q", "r"];
    for i in 0..6 {
        for (k, pred) in p.iter().enumerate() {
            if (i + k) % 2 == 0 {
                nq.push_str(&format!(
                    "<http://e/n{i}> <http://e/{pred}> <http://e/n{}> <http://e/g{}> .\n",
                    (i * (k + 2)) % 6,
                    k % 2
                ));
            }
        }
        nq.push_str(&format!("<http://e/n{i}> <http://e/v> \"{}\" .\n", i % 3));
    }
    let store = Store::new().unwrap();
    store
        .load_from_slice(RdfFormat::NQuads, nq.as_bytes())
        .unwrap();
    AmityStore::from_store(store)
}

fn var() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["?a", "?b", "?c", "?d"]).prop_map(str::to_string)
}

fn term() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => var(),
        1 => (0..6u8).prop_map(|i| format!("<http://e/n{i}>")),
    ]
}

fn triple() -> impl Strategy<Value = String> {
    (
        term(),
        prop::sample::select(vec!["<http://e/p>", "<http://e/q>", "<http://e/r>", "?p"]),
        term(),
    )
        .prop_map(|(s, p, o)| format!("{s} {p} {o} ."))
}

/// A group graph pattern body, nested up to a few levels.
fn pattern() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        triple(),
        (var(), 0..3u8).prop_map(|(v, i)| format!("{v} <http://e/v> \"{i}\" .")),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{ {a} }} {{ {b} }}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{ {a} }} UNION {{ {b} }}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} OPTIONAL {{ {b} }}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} MINUS {{ {b} }}")),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| format!("{a} FILTER EXISTS {{ {b} }}")),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| format!("{a} FILTER NOT EXISTS {{ {b} }}")),
            (inner.clone(), var(), var())
                .prop_map(|(a, x, y)| format!("{a} FILTER(!BOUND({x}) || {x} != {y})")),
            (inner.clone(), var()).prop_map(|(a, x)| format!("{a} BIND(STR({x}) AS ?s)")),
            (inner.clone(), var()).prop_map(|(a, x)| format!(
                "{{ SELECT {x} (COUNT(*) AS ?n) WHERE {{ {a} }} GROUP BY {x} }}"
            )),
            (inner.clone(), var())
                .prop_map(|(a, x)| format!("{{ SELECT DISTINCT {x} WHERE {{ {a} }} }}")),
            inner.prop_map(|a| format!("GRAPH ?g {{ {a} }}")),
        ]
    })
}

fn query_text() -> impl Strategy<Value = String> {
    (pattern(), var(), 0..4u8).prop_map(|(p, v, form)| match form {
        0 => format!("SELECT * WHERE {{ {p} }}"),
        1 => format!("SELECT DISTINCT {v} WHERE {{ {p} }} ORDER BY {v}"),
        2 => format!("SELECT {v} (COUNT(*) AS ?count) WHERE {{ {p} }} GROUP BY {v} ORDER BY DESC(?count) {v}"),
        _ => format!("SELECT (COUNT(*) AS ?all) WHERE {{ {p} }}"),
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("GUARD_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    // Proves guarded and unguarded evaluation agree on generated queries: same rows, or the
    // same refusal.
    #[test]
    fn guarded_generated_queries_return_the_unguarded_rows(text in query_text()) {
        static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        let engine = ENGINE.get_or_init(|| engine_on(small_store()));
        let (unguarded, guarded) = both(engine, &text, QueryOptions::default());
        match (&unguarded, &guarded) {
            (Ok(u), Ok(g)) => prop_assert_eq!(u, g, "{}", text),
            (Err(_), Err(_)) => {}
            _ => prop_assert!(false, "{text}: unguarded {unguarded:?}, guarded {guarded:?}"),
        }
    }
}
