//! Property-based fuzzing on the stable toolchain (proptest): hostile SPARQL through the
//! parsers behind the nesting scan, hostile HTTP requests (parameters, headers, content
//! negotiation, stored-query parameter binding, the Graph Store Protocol) through the whole
//! router, and mutated CSV files through the loader. Each property says what must never
//! happen: a panic, a stack overflow (it aborts this process, failing the run), a 500, or an
//! error that does not say where.
//!
//! Seeds come from tests/fuzz/corpus/. `FUZZ_CASES` sets the number of inputs per property
//! (CI: the default below, about a minute in all; `bash bench/fuzz.sh` runs a long campaign).
//! proptest keeps shrunk failures in tests/fuzz.proptest-regressions and replays them first.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use amity::limits::Limits;
use amity::server::{AppState, Config};
use amity::store::AmityStore;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use oxigraph::io::RdfFormat;
use oxigraph::store::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, FileFailurePersistence};
use tower::ServiceExt;

const TOKEN: &str = "fuzz-token";

fn cases(default: u32) -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner(default_cases: u32) -> RunnerConfig {
    RunnerConfig {
        cases: cases(default_cases),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
            "proptest-regressions",
        ))),
        // Shrinking a deep input re-runs it many times; keep failures quick to report.
        max_shrink_iters: 2_000,
        ..RunnerConfig::default()
    }
}

fn corpus() -> &'static Vec<String> {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        let texts: Vec<String> = files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        assert!(texts.len() >= 10, "the corpus is in tests/fuzz/corpus");
        texts
    })
}

const TOKENS: &[&str] = &[
    "SELECT",
    "*",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "?s",
    "?p",
    "?o",
    "$x",
    "<urn:x:a>",
    "<",
    ">",
    "\"lit\"",
    "'x'",
    "'''",
    "\"\"\"",
    "#c\n",
    "UNION",
    "OPTIONAL",
    "MINUS",
    "FILTER",
    "EXISTS",
    "NOT",
    "BIND",
    "AS",
    "VALUES",
    "UNDEF",
    "GRAPH",
    "SERVICE",
    "<http://example.org/sparql>",
    "||",
    "&&",
    "+",
    "-",
    "/",
    "!",
    "^",
    "|",
    "?",
    "a",
    ";",
    ",",
    ".",
    "1",
    "-1.5e3",
    "\\",
    "@en",
    "^^",
    "LIMIT",
    "OFFSET",
    "ORDER",
    "BY",
    "GROUP",
    "HAVING",
    "COUNT",
    "DISTINCT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "INSERT",
    "DELETE",
    "DATA",
    "LOAD",
    "CLEAR",
    "DROP",
    "ALL",
    "SILENT",
    "WITH",
    "USING",
    "PREFIX",
    "BASE",
    "ex:",
    "ex:a",
    "_:b",
    "()",
    "<>",
    "REGEX",
    "IF",
    "COALESCE",
    "IN",
    "STR",
    "明斯克",
    "\u{0}",
    "\u{feff}",
    "é",
    "🙂",
];

/// SPARQL-ish text: a corpus entry mutated, a soup of SPARQL tokens, or deep brackets.
fn sparql_text() -> impl Strategy<Value = String> {
    let mutated = (
        0..corpus().len(),
        proptest::collection::vec((any::<u16>(), 0u8..4, any::<char>()), 0..8),
    )
        .prop_map(|(i, edits)| {
            let mut chars: Vec<char> = corpus()[i].chars().collect();
            for (at, op, c) in edits {
                let at = if chars.is_empty() {
                    0
                } else {
                    at as usize % chars.len()
                };
                match op {
                    0 => chars.insert(at, c),
                    1 if !chars.is_empty() => {
                        chars.remove(at);
                    }
                    2 if !chars.is_empty() => chars[at] = c,
                    _ => {
                        // Duplicate a slice: grows nesting and width.
                        let end = (at + 40).min(chars.len());
                        let piece: Vec<char> = chars[at..end].to_vec();
                        for (k, ch) in piece.into_iter().enumerate() {
                            chars.insert(end + k, ch);
                        }
                    }
                }
            }
            chars.into_iter().collect::<String>()
        });
    let soup = proptest::collection::vec(0..TOKENS.len(), 0..120).prop_map(|ix| {
        ix.into_iter()
            .map(|i| TOKENS[i])
            .collect::<Vec<_>>()
            .join(" ")
    });
    let deep = (
        prop_oneof![
            Just("("),
            Just("{"),
            Just("["),
            Just("{ ?s ?p ?o OPTIONAL ")
        ],
        1usize..3_000,
        prop_oneof![Just(""), Just("1"), Just("?s ?p ?o")],
        any::<bool>(),
    )
        .prop_map(|(open, n, inner, closed)| {
            let close: String = open
                .chars()
                .filter_map(|c| match c {
                    '(' => Some(')'),
                    '{' => Some('}'),
                    '[' => Some(']'),
                    _ => None,
                })
                .collect();
            let body = format!(
                "{}{inner}{}",
                open.repeat(n),
                if closed {
                    close.repeat(n)
                } else {
                    String::new()
                }
            );
            format!("SELECT * WHERE {{ ?s ?p ?o FILTER({body}) }}")
        });
    prop_oneof![4 => mutated, 3 => soup, 1 => deep, 1 => ".{0,200}"]
}

// The parsers behind the scan never panic and never overflow on any text: a query or update
// parses, or is refused with a message; what parses passes the algebra walk or is refused.
#[test]
fn query_and_update_parsers_survive_hostile_text() {
    let limits = Limits::default();
    // The same stack the server's evaluation threads get.
    let worker = std::thread::Builder::new()
        .stack_size(limits.stack_size)
        .spawn(move || {
            let mut runner = proptest::test_runner::TestRunner::new(runner(10_000));
            runner
                .run(&sparql_text(), |text| {
                    match amity::query::parse_within(&text, Some("http://x/"), &limits) {
                        Ok(q) => prop_assert!(amity::limits::check_query(&q, &limits).is_ok()),
                        Err(e) => prop_assert!(!e.to_string().is_empty()),
                    }
                    if let Err(e) = amity::query::parse_update_within(&text, "http://x/", &limits) {
                        prop_assert!(!e.to_string().is_empty());
                    }
                    Ok(())
                })
                .map_err(|e| e.to_string())
        })
        .unwrap();
    worker.join().unwrap().unwrap();
}

/// One server state on a tiny store, shared by every case: with the token, a short deadline.
fn app_state() -> &'static (tokio::runtime::Runtime, AppState) {
    static STATE: OnceLock<(tokio::runtime::Runtime, AppState)> = OnceLock::new();
    STATE.get_or_init(|| {
        let store = Store::new().unwrap();
        store
            .load_from_slice(
                RdfFormat::NQuads,
                "<https://w3id.org/amity/id/place/minsk> <http://www.w3.org/2000/01/rdf-schema#label> \"Minsk\"@en <urn:x:g> .\n\
                 <https://w3id.org/amity/id/place/minsk> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/amity/ns#Place> <urn:x:g> .\n\
                 <urn:x:a> <urn:x:b> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
                    .as_bytes(),
            )
            .unwrap();
        let mut config = Config::new(amity::default_data_dir(), amity::default_queries_dir());
        config.update_token = Some(TOKEN.into());
        config.timeout = Duration::from_secs(2);
        config.queue_wait = Duration::from_secs(10);
        let state = AppState::new(Arc::new(AmityStore::from_store(store)), config).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        (rt, state)
    })
}

const PATHS: &[&str] = &[
    "/sparql",
    "/sparql/",
    "/queries/partners-since",
    "/queries/anniversaries-next-year",
    "/queries/place-profile",
    "/queries/no-such-query",
    "/queries",
    "/store",
    "/store/person/1.ttl",
    "/id/place/minsk",
    "/id/place/%28%28",
    "/health",
    "/reload",
    "/nope",
];
const KEYS: &[&str] = &[
    "query",
    "update",
    "format",
    "output",
    "results",
    "graph",
    "default",
    "default-graph-uri",
    "named-graph-uri",
    "using-graph-uri",
    "place",
    "year",
    "party",
    "lang",
    "",
];
const VALUES: &[&str] = &[
    "json",
    "xml",
    "csv",
    "tsv",
    "turtle",
    "json-ld",
    "rdf+xml",
    "n3",
    "text/csv",
    "application/ld+json,application/x-json+ld",
    "",
    "%FF%FE",
    "%",
    "+",
    "%2",
    "urn:x:g",
    "http://www.example/gsp/person/1.ttl",
    "place/minsk",
    "2029",
    "-1",
    "99999999999999999999",
    "ASK {}",
    "SELECT * WHERE { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
];
const ACCEPTS: &[&str] = &[
    "",
    "*/*",
    "text/html",
    "application/sparql-results+json",
    "text/csv;q=0.5, */*;q=0.1",
    "text/turtle; charset=utf-8",
    "application/rdf+xml;q=abc",
    "image/png",
    ";;;,,,",
    "application/*",
    "text/*;q=0",
    "application/n-triples, application/ld+json;q=0.9",
];
const CONTENT_TYPES: &[&str] = &[
    "application/sparql-query",
    "application/sparql-update",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin1",
    "application/sparql-query; charset=\"utf-16\"",
    "text/turtle",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
    "multipart/form-data; boundary=b",
    "multipart/form-data",
    "text/plain",
    "",
];
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"];

/// A request: method, path, query string pieces (some raw bytes), headers and body.
fn request() -> impl Strategy<Value = Request<Body>> {
    let param = prop_oneof![
        (0..KEYS.len(), 0..VALUES.len()).prop_map(|(k, v)| format!("{}={}", KEYS[k], VALUES[v])),
        (0..KEYS.len(), sparql_text()).prop_map(|(k, v)| format!(
            "{}={}",
            KEYS[k],
            percent_encoding::utf8_percent_encode(&v, percent_encoding::NON_ALPHANUMERIC)
        )),
        proptest::collection::vec(any::<u8>(), 0..30).prop_map(|b| b
            .into_iter()
            .filter(|c| c.is_ascii_graphic() && *c != b'#')
            .map(char::from)
            .collect::<String>()),
    ];
    let body = prop_oneof![
        sparql_text(),
        Just("<urn:x:a> <urn:x:b> [ <urn:x:c> ( 1 2 ) ] .".to_string()),
        Just("{\"@id\": \"urn:x:a\", \"urn:x:b\": {\"@id\": \"urn:x:c\"}}".to_string()),
        Just(
            "--b\r\nContent-Type: text/turtle\r\n\r\n<urn:x:a> <urn:x:b> 1 .\r\n--b--".to_string()
        ),
        Just("query=ASK+%7B%7D&format=json&format=csv".to_string()),
        ".{0,100}",
    ];
    (
        0..METHODS.len(),
        0..PATHS.len(),
        proptest::collection::vec(param, 0..6),
        0..ACCEPTS.len(),
        0..CONTENT_TYPES.len(),
        any::<bool>(),
        body,
    )
        .prop_map(|(m, p, params, a, ct, token, body)| {
            let uri = if params.is_empty() {
                PATHS[p].to_string()
            } else {
                format!("{}?{}", PATHS[p], params.join("&"))
            };
            let mut b = Request::builder().method(METHODS[m]).uri(
                axum::http::Uri::try_from(uri.as_str())
                    .unwrap_or_else(|_| axum::http::Uri::from_static("/sparql?bad")),
            );
            if !ACCEPTS[a].is_empty() {
                b = b.header("accept", ACCEPTS[a]);
            }
            if !CONTENT_TYPES[ct].is_empty() {
                b = b.header("content-type", CONTENT_TYPES[ct]);
            }
            if token {
                b = b.header("authorization", format!("Bearer {TOKEN}"));
            }
            b.body(Body::from(body)).unwrap()
        })
}

// No request, however malformed, gets a 500 or takes the server down: each gets a status
// that names a client error, a refusal or success, and the next request is still served.
#[test]
fn http_requests_never_crash_or_500() {
    let (rt, state) = app_state();
    let mut runner = proptest::test_runner::TestRunner::new(runner(4_000));
    runner
        .run(&request(), |req| {
            let what = format!("{} {}", req.method(), req.uri());
            let response = rt
                .block_on(amity::server::app(state.clone()).oneshot(req))
                .unwrap();
            let status = response.status();
            prop_assert!(
                status != StatusCode::INTERNAL_SERVER_ERROR,
                "{what} gave 500"
            );
            prop_assert!(
                status.is_success()
                    || status.is_client_error()
                    || status == StatusCode::SERVICE_UNAVAILABLE
                    || status == StatusCode::BAD_GATEWAY
                    || status.is_redirection(),
                "{what} gave {status}"
            );
            Ok(())
        })
        .unwrap();
    // Still serving.
    let ask = Request::get("/sparql?query=ASK%7B%7D")
        .body(Body::empty())
        .unwrap();
    let r = rt
        .block_on(amity::server::app(state.clone()).oneshot(ask))
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// The CSV files of `data/` (not the Wikidata TSVs, which the loader does not read).
fn csv_files() -> &'static Vec<(String, Vec<u8>)> {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = amity::default_data_dir();
        let mut out: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().to_string(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    })
}

fn write_data(dir: &Path, changed: &str, bytes: &[u8]) {
    for (name, content) in csv_files() {
        let data = if name == changed { bytes } else { content };
        std::fs::write(dir.join(name), data).unwrap();
    }
    let reports = amity::default_data_dir().join("reports");
    std::fs::create_dir_all(dir.join("reports")).unwrap();
    for e in std::fs::read_dir(reports).unwrap().flatten() {
        std::fs::copy(e.path(), dir.join("reports").join(e.file_name())).unwrap();
    }
}

const CSV_BYTES: &[&[u8]] = &[
    b",",
    b"\"",
    b"\n",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xe5\x8c",
    b"\0",
    b"1e999",
    b"-",
    b"2024-02-30",
    b"place/",
    b"bjfao-2024h1-p99s99",
    b"\"\"",
    b";",
    b" ",
];

// A mutated CSV file (bytes inserted, removed, replaced; lines cut or repeated) never panics
// the loader: it loads, or every error names the file and a line.
#[test]
fn csv_loader_survives_mutated_files() {
    let files = csv_files();
    let mutation = (
        0..files.len(),
        proptest::collection::vec((any::<u32>(), 0u8..5, 0..CSV_BYTES.len()), 1..6),
    );
    let tmp = tempfile::tempdir().unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(runner(1_000));
    runner
        .run(&mutation, |(f, edits)| {
            let (name, original) = &files[f];
            let mut bytes = original.clone();
            for (at, op, piece) in edits {
                let at = if bytes.is_empty() {
                    0
                } else {
                    at as usize % bytes.len()
                };
                match op {
                    0 => {
                        bytes.splice(at..at, CSV_BYTES[piece].iter().copied());
                    }
                    1 if !bytes.is_empty() => {
                        let end = (at + 1 + piece).min(bytes.len());
                        bytes.drain(at..end);
                    }
                    2 if !bytes.is_empty() => bytes[at] = CSV_BYTES[piece][0],
                    3 => bytes.truncate(at),
                    _ => {
                        let line_end = bytes[at..]
                            .iter()
                            .position(|b| *b == b'\n')
                            .map(|p| at + p + 1)
                            .unwrap_or(bytes.len());
                        let line = bytes[at..line_end].to_vec();
                        bytes.splice(line_end..line_end, line);
                    }
                }
            }
            write_data(tmp.path(), name, &bytes);
            match amity::ingest::load_dir(tmp.path()) {
                Ok(_) => {}
                Err(amity::Error::Data(errors)) => {
                    prop_assert!(!errors.is_empty());
                    for e in errors.iter() {
                        prop_assert!(
                            !e.at.file.to_string().is_empty() && e.at.line >= 1,
                            "an error that does not say where: {e}"
                        );
                    }
                }
                Err(other) => prop_assert!(false, "not a data error: {other}"),
            }
            Ok(())
        })
        .unwrap();
}
