//! ARCHITECTURE.md's invariants, checked on the source: each test fails when a module breaks
//! one of them. They read `src/` as text (tests cut at `#[cfg(test)]`, comments dropped).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, as (path relative to `src/`, code without tests and comments).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&src(), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let text = match text.find("#[cfg(test)]") {
                Some(i) => &text[..i],
                None => &text[..],
            };
            let code: String = text
                .lines()
                .map(|l| {
                    let t = l.trim_start();
                    if t.starts_with("//") {
                        ""
                    } else {
                        l
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let rel = p
                .strip_prefix(src())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, code)
        })
        .collect()
}

/// The top-level module a file belongs to (`server/gsp.rs` → `server`, `store.rs` → `store`).
fn module_of(rel: &str) -> String {
    rel.split('/')
        .next()
        .unwrap()
        .trim_end_matches(".rs")
        .to_string()
}

/// Files (relative to `src/`) whose code contains any of `needles`.
fn files_with(needles: &[&str]) -> BTreeSet<String> {
    sources()
        .into_iter()
        .filter(|(_, code)| needles.iter().any(|n| code.contains(n)))
        .map(|(rel, _)| rel)
        .collect()
}

fn assert_only_in(what: &str, needles: &[&str], allowed: impl Fn(&str) -> bool) {
    let bad: Vec<String> = files_with(needles)
        .into_iter()
        .filter(|f| !allowed(f))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: found in {bad:?} (ARCHITECTURE.md says it is not)"
    );
}

// Invariant: only the server knows HTTP (axum, hyper, tower).
#[test]
fn only_the_server_knows_http() {
    assert_only_in(
        "HTTP crates outside src/server/",
        &[
            "axum::",
            "use axum",
            "hyper::",
            "hyper_util",
            "tower::",
            "tower_http",
        ],
        |f| f.starts_with("server/"),
    );
}

// Invariant: one HTTP client: only src/remote/ sends requests to other hosts (`push`,
// `--endpoint`); the server never does (SERVICE stays refused).
#[test]
fn only_remote_calls_other_hosts() {
    assert_only_in(
        "an HTTP client outside src/remote/",
        &["reqwest", "ureq::", "TcpStream::connect"],
        |f| f.starts_with("remote/"),
    );
}

// Invariant: one read path. Only the engine builds an evaluator, so every query goes through
// `engine::evaluate` (dataset set-up, guard, bounds).
#[test]
fn only_the_engine_evaluates() {
    assert_only_in(
        "SparqlEvaluator outside src/engine/",
        &["SparqlEvaluator"],
        |f| f.starts_with("engine/"),
    );
}

// Invariant: only `store` writes to a store (loads, reloads, SPARQL Update, Graph Store).
#[test]
fn only_the_store_writes() {
    assert_only_in(
        "store writes outside src/store.rs",
        &[
            "start_transaction(",
            "bulk_loader(",
            "load_from_slice(",
            "load_from_reader(",
            "insert_named_graph(",
            "remove_named_graph(",
            "clear_graph(",
            ".on_store(&store).execute()",
        ],
        |f| f == "store.rs",
    );
    // Updates are prepared by the engine and executed by the store only.
    assert_only_in(
        "SPARQL Update executed outside the store",
        &["for_update("],
        |f| f.starts_with("engine/"),
    );
}

// Invariant: no request work on tokio's blocking pool; evaluations run on the engine's
// workers. Reload (a write, not an evaluation) is the one use.
#[test]
fn no_blocking_pool_outside_reload() {
    assert_only_in("spawn_blocking", &["spawn_blocking"], |f| {
        f == "server/admin.rs"
    });
}

// Invariant: triples are made in known places only: `mapping` (from data columns), the
// metrics step (derived), the store (the stale marker, the ontology) and the service
// description.
#[test]
fn triples_are_made_in_known_places() {
    assert_only_in(
        "quads or triples constructed",
        &[
            "Quad::new(",
            "QuadRef::new(",
            "Triple::new(",
            "TripleRef::new(",
        ],
        |f| {
            f == "mapping.rs"
                || f.starts_with("mapping/")
                || f == "network/mod.rs"
                || f == "store.rs"
                || f == "server/describe.rs"
        },
    );
}

// Invariant: `ingest` and `model` know nothing about RDF; `mapping` nothing about CSV.
#[test]
fn ingest_and_model_know_no_rdf() {
    assert_only_in(
        "oxigraph in ingest or model",
        &["oxigraph", "spargebra"],
        |f| !(f.starts_with("ingest") || f.starts_with("model")),
    );
    assert_only_in("csv in mapping", &["csv::"], |f| !f.starts_with("mapping"));
}

/// The first segment of every `crate::…` path in `code`, brace groups included
/// (`use crate::{ingest, mapping::x}` gives `ingest` and `mapping`).
fn crate_paths(code: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            // Top-level items of the group: split on commas outside nested braces.
            let mut depth = 0;
            let mut start = 0;
            let inner = &group[..end];
            for (j, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(ident(inner[start..j].trim()));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
            out.push(ident(inner[start..].trim()));
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

// Invariant: the modules form no cycle: every `crate::X` (and `super::X` from a top-level
// file) arrow points one way.
#[test]
fn modules_form_no_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let modules: BTreeSet<String> = sources()
        .iter()
        .map(|(rel, _)| module_of(rel))
        .filter(|m| m != "lib" && m != "main")
        .collect();
    for (rel, code) in sources() {
        let from = module_of(&rel);
        if from == "lib" || from == "main" {
            continue;
        }
        for to in crate_paths(&code) {
            if to != from && modules.contains(&to) {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    // Depth-first search for a cycle, reporting it.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut cycle = path[i..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in &modules {
        if let Some(cycle) = visit(m, &edges, &mut Vec::new(), &mut done) {
            panic!("module cycle {} (all arrows: {edges:?})", cycle.join(" → "));
        }
    }
}
