//! amity: a knowledge graph of friendship cities (sister cities) and foreign-affairs events.
//!
//! City foreign-affairs offices publish progress reports; amity keeps what they state as CSV
//! under `data/`, validates it, maps it to RDF and serves it by SPARQL, with every fact linked to
//! the sentence of the report it comes from.
//!
//! # Layout
//! The pipeline reads top to bottom: CSV rows → model → RDF quads → store → answers.
//! - [`ingest`]: reads and validates a `data/` folder into a [`model::Dataset`], reporting every
//!   bad cell with file, line, column, value and what was expected; and the Wikidata twin
//!   network of `data/wikidata/` into a [`model::Crawl`] ([`ingest::wikidata`]).
//! - [`extract`]: report intake: a report's Chinese text into candidate facts (sentences
//!   numbered as `data/passages.csv`, a gazetteer of places, verb-pattern rules), written as
//!   JSON lines and as CSV rows in the `data/` format for review and loading.
//! - [`model`]: the validated rows as plain structs; knows nothing about RDF.
//! - [`mapping`]: the one place where a data column becomes a triple (the CSV files, and the
//!   Wikidata crawl in its own named graph: [`mapping::wikidata`]).
//! - [`vocab`]: IRI constants mirroring `ontology/amity.ttl`.
//! - [`store`]: builds a store (in memory, or RocksDB on disk with the `rocksdb` feature) and
//!   swaps it in whole; the only writer (loads, SPARQL Update, Graph Store writes), which also
//!   marks the derived metrics stale after a write.
//! - [`engine`]: the one read path: every evaluation (parse within the limits, dataset,
//!   guard, deadline, memory budget, pool, row cap, result writing) for the CLI and every
//!   HTTP route.
//! - [`limits`]: how deep and wide a request may be before any parser or evaluator sees it
//!   (the nesting scan, the algebra walk, the stack the evaluation threads get).
//! - [`query`]: SPARQL text in and out: parses within [`limits`], the one table of format
//!   names, writes results in the usual formats.
//! - [`gallery`]: the named analyst questions under `queries/`.
//! - [`generate`]: deterministic synthetic data of any size, in the same CSV format.
//! - [`server`]: the HTTP SPARQL endpoint (`amity serve`).
//! - [`network`]: the petgraph view of who is linked to whom (built by SPARQL from the store),
//!   its metrics (written back as the `metrics` graph by a post-load step), summaries and
//!   exports, for the report's network and the Wikidata twin network alike.
//! - [`ui`]: the browser UI's embedded assets and page data (resource descriptions, the
//!   network layout); its routes are the server's.
//! - [`rng`]: the seeded generator shared by the data generator and the layout.
//! - [`error`]: load errors and the library error type.
//! - [`clock`]: UTC timestamps for what amity writes into graphs.

pub mod alloc;
pub mod clock;
pub mod engine;
pub mod error;
pub mod extract;
pub mod gallery;
pub mod generate;
pub mod ingest;
pub mod limits;
pub mod log;
pub mod mapping;
pub mod model;
pub mod network;
pub mod query;
pub mod remote;
pub mod rng;
pub mod search;
pub mod server;
pub mod store;
pub mod ui;
pub mod vocab;

use std::path::PathBuf;

pub use error::{Error, Result};

/// The `data/` folder to use when none is given: `./data` if it exists, else the one this
/// binary was built from.
pub fn default_data_dir() -> PathBuf {
    let local = PathBuf::from("data");
    if local.join("reports.csv").exists() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
    }
}

/// The `queries/` folder to use when none is given, found like [`default_data_dir`].
pub fn default_queries_dir() -> PathBuf {
    let local = PathBuf::from("queries");
    if local.is_dir() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries")
    }
}
