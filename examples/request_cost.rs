//! What one SPARQL request costs amity beyond the engine, counted in instructions.
//!
//! `cargo run --release --example request_cost -- DATA.nq QUERY.rq N amity|oxigraph`
//!
//! Loads `DATA.nq` into an in-memory store, then answers `QUERY.rq` `N` times as SPARQL JSON:
//! - `amity`: through amity's whole router in this process (access-log layer, CORS, body
//!   limit, protocol checks, SERVICE allowlist, the guard rewrite, the evaluation pool,
//!   serialisation), with no network in between;
//! - `oxigraph`: the engine alone, as its server does it: parse, evaluate on the union default
//!   graph, serialise.
//!
//! Wall-clock times on a shared two-core machine are too noisy for a difference of tens of
//! microseconds, so run it under callgrind, whose instruction counts repeat exactly, at two
//! values of `N`; the difference divided by the difference in `N` is the cost of one request
//! without the set-up:
//!
//! ```sh
//! valgrind --tool=callgrind --callgrind-out-file=a100.out target/release/examples/request_cost data.nq q.rq 100 amity
//! ```
//!
//! `bench/request_cost.sh` does this for both sides and prints the ratio. Kernel work (thread
//! wake-ups, sockets) is not counted by callgrind: this measures amity's own code only.

use std::io::BufReader;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request};
use http_body_util::BodyExt;
use oxigraph::io::RdfFormat;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use tower::ServiceExt;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data, query, n, side] = &args[..] else {
        eprintln!("usage: request_cost DATA.nq QUERY.rq N amity|oxigraph");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a number");
    let query = std::fs::read_to_string(query).expect("the query file");
    let store = Store::new().expect("an in-memory store");
    store
        .load_from_reader(
            RdfFormat::NQuads,
            BufReader::new(std::fs::File::open(data).expect("the data file")),
        )
        .expect("N-Quads");
    let mut bytes = 0;
    match side.as_str() {
        "amity" => {
            let state = amity::server::AppState::new(
                Arc::new(amity::store::AmityStore::from_store(store)),
                amity::server::Config::new(".".into(), "queries".into()),
            )
            .expect("server state");
            // The statistics count runs once in the background; let it finish first.
            assert!(state.wait_for_stats(std::time::Duration::from_secs(600)));
            let router = amity::server::app(state);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                for _ in 0..n {
                    let request = Request::post("/sparql")
                        .header(header::CONTENT_TYPE, "application/sparql-query")
                        .header(header::ACCEPT, "application/sparql-results+json")
                        .body(Body::from(query.clone()))
                        .expect("request");
                    let response = router.clone().oneshot(request).await.expect("response");
                    assert!(response.status().is_success(), "{}", response.status());
                    bytes += response
                        .into_body()
                        .collect()
                        .await
                        .expect("body")
                        .to_bytes()
                        .len();
                }
            });
        }
        "oxigraph" => {
            for _ in 0..n {
                let mut prepared = SparqlEvaluator::new()
                    .parse_query(&query)
                    .expect("the query parses");
                prepared.dataset_mut().set_default_graph_as_union();
                let QueryResults::Solutions(rows) =
                    prepared.on_store(&store).execute().expect("evaluation")
                else {
                    panic!("a SELECT query")
                };
                let mut out = Vec::new();
                let mut writer = QueryResultsSerializer::from_format(QueryResultsFormat::Json)
                    .serialize_solutions_to_writer(&mut out, rows.variables().to_vec())
                    .expect("writer");
                for row in rows {
                    writer.serialize(&row.expect("a row")).expect("written");
                }
                writer.finish().expect("finished");
                bytes += out.len();
            }
        }
        other => panic!("unknown side {other}: amity or oxigraph"),
    }
    println!("{side}: {n} requests, {bytes} bytes of answers");
}
