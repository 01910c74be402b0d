//! How much stack each nesting form needs at the limit, on the path a request really takes
//! (the router, the nesting scan, parsing, the algebra walk, the deadline guard's rewrite,
//! optimisation, evaluation, serialization and drop, on an `amity-eval` worker), against the
//! stack the workers get ([`amity::limits::Limits::stack_size`]).
//!
//! ```sh
//! cargo run --example stack_need              # a debug build (what the tests run)
//! cargo run --release --example stack_need    # what `amity serve` runs
//! ```
//!
//! For each form it runs itself as a child process with a given worker stack and searches for
//! the smallest stack (to 64 KiB) with which the request still answers; a stack overflow
//! aborts only that child. Prints the need, the stack given and the headroom.

use std::process::Command;
use std::sync::Arc;

use amity::limits::{Limits, DEFAULT_NESTING};
use amity::server::{AppState, Config};
use amity::store::AmityStore;
use axum::body::Body;
use axum::http::Request;
use oxigraph::store::Store;
use tower::ServiceExt;

fn wrap(n: usize, open: &str, inner: &str, close: &str) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

/// Each form as (name, is update, text) with brackets nested exactly `d` deep.
fn forms(d: usize) -> Vec<(&'static str, bool, String)> {
    vec![
        (
            "parentheses",
            false,
            format!(
                "SELECT * WHERE {{ ?s ?p ?o FILTER({}) }}",
                wrap(d - 2, "(", "true", ")")
            ),
        ),
        (
            "groups",
            false,
            format!("SELECT * WHERE {}", wrap(d, "{ ", "?s ?p ?o", " }")),
        ),
        (
            "optional",
            false,
            format!(
                "SELECT * WHERE {{ ?s ?p ?o {} }}",
                wrap(d - 1, "OPTIONAL { ?s ?p ?o ", "", "}")
            ),
        ),
        (
            "union",
            false,
            format!(
                "SELECT * WHERE {}",
                wrap(d - 1, "{ { ?s ?p ?o } UNION ", "{ ?s ?p ?o }", " }")
            ),
        ),
        (
            "minus",
            false,
            format!(
                "SELECT * WHERE {}",
                wrap(d - 1, "{ ?s ?p ?o MINUS ", "{ ?s ?p ?o }", " }")
            ),
        ),
        (
            "exists",
            false,
            format!(
                "SELECT * WHERE {}",
                wrap(d - 1, "{ ?s ?p ?o FILTER EXISTS ", "{ ?s ?p ?o }", " }")
            ),
        ),
        (
            "subselect",
            false,
            format!(
                "SELECT * WHERE {}",
                wrap(d - 1, "{ SELECT * WHERE ", "{ ?s ?p ?o }", " }")
            ),
        ),
        (
            "property path",
            false,
            format!(
                "SELECT * WHERE {{ ?s {} ?o }}",
                wrap(d - 1, "(", "<urn:x:p>", ")")
            ),
        ),
        (
            "blank node brackets",
            false,
            format!(
                "SELECT * WHERE {{ ?s ?p {} }}",
                wrap(d - 1, "[ ?q ", "?o", " ]")
            ),
        ),
        (
            "collections",
            false,
            format!(
                "SELECT * WHERE {{ ?s ?p {} }}",
                wrap(d - 1, "( ", "?o", " )")
            ),
        ),
        (
            "1,000-branch UNION",
            false,
            format!(
                "SELECT * WHERE {{ {} }}",
                vec!["{ ?s ?p ?o }"; 1_000].join(" UNION ")
            ),
        ),
        (
            "update where groups",
            true,
            format!(
                "INSERT {{ <urn:x:a> <urn:x:b> ?o }} WHERE {}",
                wrap(d, "{ ", "?s ?p ?o", " }")
            ),
        ),
        (
            "insert data brackets",
            true,
            format!(
                "INSERT DATA {{ <urn:x:a> <urn:x:b> {} }}",
                wrap(d - 1, "[ <urn:x:c> ", "1", " ]")
            ),
        ),
    ]
}

/// Child: answers one form with workers of `stack` bytes; exit 0 when it answered 2xx.
fn child(form: usize, stack: usize) -> ! {
    let limits = Limits {
        stack_size: stack,
        ..Limits::default()
    };
    let (_, update, text) = forms(limits.nesting).swap_remove(form);
    let store = Store::new().unwrap();
    store
        .load_from_slice(
            oxigraph::io::RdfFormat::NTriples,
            "<urn:x:a> <urn:x:p> <urn:x:b> .\n<urn:x:b> <urn:x:p> <urn:x:c> .\n".as_bytes(),
        )
        .unwrap();
    let mut config = Config::new(amity::default_data_dir(), amity::default_queries_dir());
    config.limits = limits;
    config.max_concurrent = 1;
    config.update_token = Some("t".into());
    let state = AppState::new(Arc::new(AmityStore::from_store(store)), config).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let req = Request::post("/sparql")
        .header(
            "content-type",
            if update {
                "application/sparql-update"
            } else {
                "application/sparql-query"
            },
        )
        .header("authorization", "Bearer t")
        .body(Body::from(text))
        .unwrap();
    let status = rt
        .block_on(amity::server::app(state).oneshot(req))
        .unwrap()
        .status();
    std::process::exit(if status.is_success() { 0 } else { 2 })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 {
        child(args[1].parse().unwrap(), args[2].parse().unwrap());
    }
    let given = Limits::default().stack_size;
    let me = std::env::current_exe().unwrap();
    let runs = |form: usize, stack: usize| -> Option<bool> {
        let out = Command::new(&me)
            .arg(form.to_string())
            .arg(stack.to_string())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        match out.code() {
            Some(0) => Some(true),
            Some(2) => None,  // answered, but not 2xx: the form itself is refused
            _ => Some(false), // killed by the overflow
        }
    };
    println!(
        "nesting {DEFAULT_NESTING}; workers get {} KiB ({} build)",
        given / 1024,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!("{:<22} {:>10} {:>9}", "form", "needs KiB", "headroom");
    for (i, (name, _, _)) in forms(DEFAULT_NESTING).iter().enumerate() {
        if runs(i, given) != Some(true) {
            println!("{name:<22} does not answer with {} KiB", given / 1024);
            continue;
        }
        let (mut lo, mut hi) = (64 * 1024usize, given);
        while hi - lo > 64 * 1024 {
            let mid = (lo + hi) / 2;
            if runs(i, mid) == Some(true) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        println!(
            "{name:<22} {:>10} {:>8.1}x",
            hi / 1024,
            given as f64 / hi as f64
        );
    }
}
