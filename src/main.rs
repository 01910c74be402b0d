//! The `amity` command: parses arguments, sets up logging and hands over to the command's
//! module under `src/cli/`.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Counts each thread's heap so the endpoint can enforce its per-query memory budget.
#[global_allocator]
static ALLOC: amity::alloc::Counting<mimalloc::MiMalloc> =
    amity::alloc::Counting(mimalloc::MiMalloc);

/// A knowledge graph of friendship cities and foreign-affairs events.
#[derive(Parser)]
#[command(name = "amity", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the SPARQL endpoint over HTTP (read-only unless an update token is set).
    Serve(Box<cli::serve::Args>),
    /// Write deterministic synthetic data (same CSV format as data/) for scale tests.
    Generate(cli::generate::Args),
    /// Validate data/ and load it into a store (in memory unless --store is given).
    Load(cli::load::Args),
    /// Run a SPARQL query (a .rq file, a gallery name, `-` for stdin, or the query text).
    Query(cli::query::Args),
    /// Summarise the network view: components, degrees, PageRank, betweenness, closeness,
    /// communities, bridges; or one place (--place); or the shortest path between two (--path).
    Summary(cli::summary::Args),
    /// Dump the whole store (every named graph, ontology included), or with --network the
    /// network view as GEXF, GraphML, GeoJSON or DOT.
    Export(cli::export::Args),
    /// Turn a report's Chinese text into candidate facts (candidates.jsonl and CSV rows in
    /// the data/ format), each with its sentence, for review and loading.
    Extract(cli::extract::Args),
    /// Review an extract folder on a local page (127.0.0.1): accept, reject or correct each
    /// candidate fact, then write the accepted rows into data/ and validate them.
    Review(cli::review::Args),
    /// Import an official table: `import ties TABLE.csv --home PLACE` (a city's friendship
    /// cities) into ties.csv and places.csv rows sourced to the table's rows.
    Import(cli::import::Args),
    /// Write every graph of the store to an existing triple store (SPARQL 1.1 Graph Store
    /// Protocol or Update; Virtuoso, oxigraph, Fuseki…), each graph counted there afterwards.
    Push(cli::push::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` logs requests at info, batched in memory and written every 100 ms by a background
    // thread, so a request neither waits on stderr nor wakes another thread (src/log.rs); the
    // guard writes what is left when serving ends. The other commands log warnings, and with
    // RUST_LOG=info the time each load stage took.
    let log = if matches!(cli.command, Command::Serve(_)) {
        let (writer, guard) = amity::log::Batched::new(std::io::stderr());
        init_log("info", writer);
        Some(guard)
    } else {
        init_log("warn", std::io::stderr);
        None
    };
    let result = run(cli.command);
    drop(log);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> amity::Result<()> {
    // A mistyped AMITY_ALL_PAIRS_MAX_NODES is refused before any work, not replaced by a default.
    amity::network::summary::all_pairs_env()?;
    match command {
        Command::Serve(args) => cli::serve::run(*args),
        Command::Generate(args) => cli::generate::run(args),
        Command::Load(args) => cli::load::run(args),
        Command::Query(args) => cli::query::run(args),
        Command::Summary(args) => cli::summary::run(args),
        Command::Export(args) => cli::export::run(args),
        Command::Extract(args) => cli::extract::run(args),
        Command::Review(args) => cli::review::run(args),
        Command::Import(args) => cli::import::run(args),
        Command::Push(args) => cli::push::run(args),
    }
}

/// Logs to `writer` (which writes to stderr) at `RUST_LOG`'s levels, else at `default`.
fn init_log<W>(default: &str, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default)),
        )
        .with_writer(writer)
        // Colour codes only on a terminal, so a log file or journal stays plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
