//! The `amity` command: parses arguments and calls the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use oxigraph::io::{RdfFormat, RdfSerializer};

use amity::query::{self, Format};
use amity::store::{AmityStore, LoadSummary};
use amity::{Error, Result};

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
    Serve(Box<ServeArgs>),
    /// Write deterministic synthetic data (same CSV format as data/) for scale tests.
    Generate {
        /// Size: 1 is about one million triples; grows linearly.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Random seed; the same seed gives the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folder to write (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Validate data/ and load it into a store (in memory unless --store is given).
    Load {
        #[command(flatten)]
        source: Source,
    },
    /// Run a SPARQL query (a .rq file, a gallery name, `-` for stdin, or the query text).
    Query {
        /// Query file, gallery query name (see queries/), `-` for stdin, or SPARQL text.
        query: String,
        /// Output format: json, xml, csv, tsv (SELECT/ASK); turtle, ntriples, nquads, trig,
        /// rdfxml, jsonld (CONSTRUCT/DESCRIBE). Default: json, or turtle for graphs.
        #[arg(long)]
        format: Option<String>,
        /// Bind a gallery query parameter, as NAME=VALUE (repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        #[command(flatten)]
        source: Source,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Summarise the network view: components, degrees, PageRank, betweenness, closeness,
    /// communities, bridges; or one place (--place); or the shortest path between two (--path).
    Summary {
        /// How many entries per ranking.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Print JSON (the same as the HTTP API) instead of text.
        #[arg(long)]
        json: bool,
        /// Which network: report (ties, agreements, events of the report) or wikidata (P190).
        #[arg(long, default_value = "report")]
        view: String,
        /// Summarise one place instead: an id (beijing), an IRI or a Wikidata QID (Q956).
        #[arg(long, conflicts_with = "path")]
        place: Option<String>,
        /// The shortest path between two places, every hop explained.
        #[arg(long, num_args = 2, value_names = ["FROM", "TO"])]
        path: Option<Vec<String>>,
        #[command(flatten)]
        source: Source,
    },
    /// Dump the whole store (every named graph, ontology included), or with --network the
    /// network view as GEXF, GraphML, GeoJSON or DOT.
    Export {
        /// nquads, trig, or turtle (turtle merges all graphs into one).
        #[arg(long, default_value = "nquads")]
        format: String,
        /// Export the network view instead, in this format: gexf, graphml, geojson or dot.
        #[arg(long, value_name = "FORMAT")]
        network: Option<String>,
        /// Which network to export with --network: report or wikidata.
        #[arg(long, default_value = "report")]
        view: String,
        #[command(flatten)]
        source: Source,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Flags of `amity serve`; each protection is on by default.
#[derive(Args, Clone)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:7878")]
    bind: String,
    #[command(flatten)]
    source: Source,
    /// Gallery folder of stored queries. Default: ./queries, else the one amity was built from.
    #[arg(long)]
    queries: Option<PathBuf>,
    /// Enables SPARQL Update and POST /reload for requests sending
    /// `Authorization: Bearer TOKEN`. Without it the endpoint is read-only.
    #[arg(long, env = "AMITY_UPDATE_TOKEN", hide_env_values = true)]
    update_token: Option<String>,
    /// Deadline of one query, in seconds; the evaluation is stopped when it passes.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    timeout: f64,
    /// Most rows (or triples) in one response; a longer result is cut and flagged with the
    /// X-Amity-Truncated header (and a "truncated" field in SPARQL JSON).
    #[arg(long, default_value_t = 10_000)]
    max_rows: usize,
    /// Working memory one query may hold, in MiB; a query holding more (a cross product
    /// feeding ORDER BY, say) is stopped with 503. 0 turns the budget off.
    #[arg(long, default_value_t = 1024, value_name = "MIB")]
    max_query_memory: u64,
    /// Largest request body in bytes; larger requests get 413.
    #[arg(long, default_value_t = 1024 * 1024, value_name = "BYTES")]
    max_body: usize,
    /// Evaluations running at once. Default: the number of CPU cores (at least 2).
    #[arg(long)]
    max_concurrent: Option<usize>,
    /// Seconds a request waits for a free evaluation slot before 503 with Retry-After.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    queue_wait: f64,
    /// A SERVICE endpoint IRI that queries may name (repeatable, or comma-separated). All
    /// others are refused with 400. amity makes no outbound requests: allowlisted services
    /// answer with a clean error.
    #[arg(long = "service-allowlist", value_name = "IRI", value_delimiter = ',')]
    service_allowlist: Vec<String>,
    /// Seconds a client has to send its request headers (against slow clients).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    header_timeout: f64,
    /// Deepest bracket nesting ((), {}, []; XML elements in RDF/XML) a query, update or RDF
    /// body may have; deeper gets 400 naming the limit and where it was passed. Nested groups,
    /// OPTIONAL, UNION, MINUS, EXISTS, sub-SELECTs and property paths all nest brackets. The
    /// evaluation threads' stack grows with it.
    #[arg(long, default_value_t = amity::limits::DEFAULT_NESTING, value_name = "LEVELS",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=4096))]
    max_nesting: usize,
}

/// Where the data comes from.
#[derive(Args, Clone)]
struct Source {
    /// The data folder (CSV files). Default: ./data, else the one amity was built from.
    #[arg(long)]
    data: Option<PathBuf>,
    /// An on-disk RocksDB store folder (needs the `rocksdb` feature). `load` (re)builds it;
    /// other commands open it as it is.
    #[arg(long)]
    store: Option<PathBuf>,
}

impl Source {
    fn data_dir(&self) -> PathBuf {
        self.data.clone().unwrap_or_else(amity::default_data_dir)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` sets up its own log (access log at info); the other commands log warnings, and
    // with RUST_LOG=info the time each load stage took.
    if !matches!(cli.command, Command::Serve(_)) {
        init_log("warn", std::io::stderr);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    // A mistyped AMITY_ALL_PAIRS_MAX_NODES is refused before any work, not replaced by a default.
    amity::network::summary::all_pairs_env()?;
    match cli.command {
        Command::Generate { scale, seed, out } => {
            let config = amity::generate::GenerateConfig { scale, seed };
            let s = amity::generate::generate(&config, &out)?;
            eprintln!(
                "wrote {} places, {} ties (max degree {}), {} agreements, {} events, {} reports with {} passages to {}",
                s.places, s.ties, s.max_degree, s.agreements, s.events, s.reports, s.passages, out.display()
            );
            Ok(())
        }
        Command::Load { source } => {
            let summary = if source.store.is_some() {
                open(&source, true, MetricsScope::Kept)?.1
            } else {
                let (store, summary) = open(&source, false, MetricsScope::OneShot)?;
                // The process ends next and the OS takes the memory back at once; dropping a
                // store of 10 M quads piece by piece would add a second or two to every run.
                std::mem::forget(store);
                summary
            };
            if let Some(s) = summary {
                eprintln!(
                    "loaded {} rows as {} quads in {:.2?}{}",
                    s.rows,
                    s.quads,
                    s.duration,
                    source
                        .store
                        .map(|p| format!(" into {}", p.display()))
                        .unwrap_or_else(|| " (in memory; use --store DIR to keep it)".into())
                );
            }
            Ok(())
        }
        Command::Query {
            query: q,
            format,
            params,
            source,
            out,
        } => {
            let (text, stored) = query_text(&q)?;
            let mut opts = query::QueryOptions::default();
            if !params.is_empty() {
                let Some(stored) = stored else {
                    return Err(Error::Usage(
                        "--param only applies to gallery queries (queries/NAME.rq)".into(),
                    ));
                };
                let pairs = params
                    .iter()
                    .map(|p| {
                        p.split_once('=')
                            .map(|(a, b)| (a.to_string(), b.to_string()))
                            .ok_or_else(|| {
                                Error::Usage(format!("--param {p:?}: expected NAME=VALUE"))
                            })
                    })
                    .collect::<Result<Vec<_>>>()?;
                opts.bindings = stored.bind(&pairs)?;
            }
            let parsed = query::parse(&text, None)?;
            let format = match format {
                Some(name) => Format::from_name(&name).ok_or_else(|| {
                    Error::Usage(format!(
                        "unknown format {name:?}; use one of: {}",
                        query::FORMAT_NAMES
                    ))
                })?,
                None => query::default_format(query::result_kind(&parsed)),
            };
            let (store, _) = open(&source, false, MetricsScope::OneShot)?;
            let store = store.store();
            let results = query::evaluate(&store, parsed, &opts)?;
            with_output(out.as_deref(), |w| {
                query::write_results(results, format, None, w).map(|_| ())
            })
        }
        Command::Serve(args) => serve(*args),
        Command::Summary {
            top,
            json,
            view,
            place,
            path,
            source,
        } => {
            let view = network_view(&view)?;
            let (store, _) = open(&source, false, MetricsScope::OneShot)?;
            let store = store.store();
            use amity::network::summary;
            let text = match (place, path) {
                (Some(p), _) => {
                    let s = summary::place_summary(&store, &p)?;
                    if json {
                        to_json(&s)
                    } else {
                        s.to_text()
                    }
                }
                (None, Some(p)) => {
                    let s = summary::path(&store, view, &p[0], &p[1])?;
                    if json {
                        to_json(&s)
                    } else if s.hops.is_empty() {
                        format!("no path between {} and {}", s.from.label, s.to.label)
                    } else {
                        s.hops
                            .iter()
                            .map(|h| h.sentence.clone())
                            .collect::<Vec<_>>()
                            .join("\n")
                    }
                }
                (None, None) => {
                    let s = summary::network_summary(&store, view, top)?;
                    if json {
                        to_json(&s)
                    } else {
                        s.to_text()
                    }
                }
            };
            with_output(None, |w| {
                writeln!(w, "{}", text.trim_end())?;
                Ok(())
            })
        }
        Command::Export {
            format: _,
            network: Some(network_format),
            view,
            source,
            out,
        } => {
            let format = amity::network::export::parse_format(&network_format)?;
            let view = network_view(&view)?;
            let (store, _) = open(&source, false, MetricsScope::OneShot)?;
            let text = amity::network::export::export(&store.store(), view, format)?;
            with_output(out.as_deref(), |w| {
                w.write_all(text.as_bytes())?;
                Ok(())
            })
        }
        Command::Export {
            format,
            network: None,
            view: _,
            source,
            out,
        } => {
            let format = match format.as_str() {
                "nquads" | "nq" => RdfFormat::NQuads,
                "trig" => RdfFormat::TriG,
                "turtle" | "ttl" => RdfFormat::Turtle,
                other => {
                    return Err(Error::Usage(format!(
                        "unknown export format {other:?}; use nquads, trig or turtle"
                    )))
                }
            };
            let (store, _) = open(&source, false, MetricsScope::OneShot)?;
            let store = store.store();
            with_output(out.as_deref(), |w| {
                let mut ser = RdfSerializer::from_format(format).for_writer(w);
                for q in store.iter() {
                    let q = q?;
                    if format.supports_datasets() {
                        ser.serialize_quad(&q)?;
                    } else {
                        ser.serialize_triple(q.as_ref())?;
                    }
                }
                ser.finish()?;
                Ok(())
            })
        }
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

/// `amity serve`: loads or opens the store, then serves it until SIGINT/SIGTERM.
fn serve(args: ServeArgs) -> Result<()> {
    // The access log is batched in memory and written every 100 ms by a background thread:
    // a request neither waits on stderr nor wakes another thread (src/log.rs). `_log` writes
    // what is left when serving ends.
    let (log, _log) = amity::log::Batched::new(std::io::stderr());
    init_log("info", log);
    let seconds = |name: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(Duration::from_secs_f64(v))
        } else {
            Err(Error::Usage(format!(
                "--{name} must be a positive number of seconds"
            )))
        }
    };
    let mut config = amity::server::Config::new(
        args.source.data_dir(),
        args.queries
            .clone()
            .unwrap_or_else(amity::default_queries_dir),
    );
    config.update_token = args.update_token.clone().filter(|t| !t.is_empty());
    config.timeout = seconds("timeout", args.timeout)?;
    config.max_rows = args.max_rows;
    config.max_query_memory = (args.max_query_memory > 0).then_some(args.max_query_memory << 20);
    config.max_body = args.max_body;
    if let Some(n) = args.max_concurrent {
        config.max_concurrent = n.max(1);
    }
    config.queue_wait = seconds("queue-wait", args.queue_wait)?;
    config.header_read_timeout = seconds("header-timeout", args.header_timeout)?;
    config.service_allowlist = args.service_allowlist.clone();
    config.limits = amity::limits::Limits::with_nesting(args.max_nesting);
    let (store, summary) = open(&args.source, false, MetricsScope::Kept)?;
    if let Some(s) = summary {
        eprintln!(
            "loaded {} rows as {} quads in {:.2?}",
            s.rows, s.quads, s.duration
        );
    }
    let read_only = config.update_token.is_none();
    let state = amity::server::AppState::new(std::sync::Arc::new(store), config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.bind)
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", args.bind)))?;
        let addr = listener.local_addr()?;
        eprintln!(
            "serving http://{addr}/sparql ({}); Ctrl-C stops",
            if read_only {
                "read-only"
            } else {
                "updates with the token"
            }
        );
        // The accept loop runs as a task on a worker thread, not on this thread: a
        // connection it spawns then starts on the same worker, with no cross-thread wake-up.
        tokio::spawn(amity::server::run(
            listener,
            state,
            amity::server::shutdown_signal(),
        ))
        .await
        .map_err(|e| std::io::Error::other(format!("the server task failed: {e}")))??;
        Ok(())
    })
}

/// Parses `--view`.
fn network_view(name: &str) -> Result<amity::network::NetworkName> {
    amity::network::NetworkName::from_name(name)
        .ok_or_else(|| Error::Usage(format!("unknown network {name:?}; use report or wikidata")))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("summaries serialise")
}

/// How much of the network metrics a command computes after it loads data/.
#[derive(Clone, Copy)]
enum MetricsScope {
    /// One-shot commands (query, export, summary, load in memory): betweenness and closeness
    /// only for networks up to [`ONE_SHOT_ALL_PAIRS_MAX_NODES`] nodes.
    OneShot,
    /// Stores that live on (serve, load --store): betweenness and closeness up to
    /// [`amity::network::summary::ALL_PAIRS_MAX_NODES`] nodes (the Wikidata network's 10,055
    /// take a few seconds); larger networks (synthetic data at scale) get PageRank, communities and components only,
    /// since all-pairs metrics grow as nodes × edges.
    Kept,
}

const ONE_SHOT_ALL_PAIRS_MAX_NODES: usize = 2_000;

/// The post-load step writing the network metrics graph (`graph/metrics`);
/// `AMITY_ALL_PAIRS_MAX_NODES` overrides the all-pairs limit.
fn metrics_hook(scope: MetricsScope) -> amity::store::PostLoad {
    match scope {
        MetricsScope::Kept => amity::network::kept_metrics_hook(),
        // `run` has refused an unparsable value already.
        MetricsScope::OneShot => {
            amity::network::metrics_hook_with(amity::network::MetricsOptions {
                all_pairs_max_nodes: amity::network::summary::all_pairs_env()
                    .ok()
                    .flatten()
                    .unwrap_or(ONE_SHOT_ALL_PAIRS_MAX_NODES),
                ..Default::default()
            })
        }
    }
}

/// Finds the query: a file, a gallery name, stdin, or the text itself.
fn query_text(arg: &str) -> Result<(String, Option<amity::gallery::StoredQuery>)> {
    if arg == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        return Ok((s, None));
    }
    let path = Path::new(arg);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("query");
        let stored = amity::gallery::StoredQuery::parse(name, &text).ok();
        return Ok((text, stored));
    }
    let gallery_file = amity::default_queries_dir().join(format!("{arg}.rq"));
    if !arg.contains(char::is_whitespace) && gallery_file.is_file() {
        let text = std::fs::read_to_string(&gallery_file).map_err(|source| Error::Io {
            path: gallery_file.clone(),
            source,
        })?;
        let stored = amity::gallery::StoredQuery::parse(arg, &text)?;
        return Ok((text, Some(stored)));
    }
    Ok((arg.to_string(), None))
}

/// Opens the store the flags name: builds it from data/ (in memory, or on disk when `build`),
/// or opens an existing on-disk store.
fn open(
    source: &Source,
    build: bool,
    scope: MetricsScope,
) -> Result<(AmityStore, Option<LoadSummary>)> {
    let data = source.data_dir();
    let mut bar = LazyBar::new();
    match &source.store {
        None => {
            let (s, summary) = AmityStore::in_memory_with(
                &data,
                Some(metrics_hook(scope)),
                &mut |stage, d, t| bar.tick(stage, d, t),
            )?;
            bar.finish();
            Ok((s, Some(summary)))
        }
        #[cfg(feature = "rocksdb")]
        Some(dir) => {
            if build {
                let (s, summary) = AmityStore::load_on_disk(
                    dir,
                    &data,
                    Some(metrics_hook(scope)),
                    &mut |stage, d, t| bar.tick(stage, d, t),
                )?;
                bar.finish();
                Ok((s, Some(summary)))
            } else {
                Ok((
                    AmityStore::open_on_disk(dir, Some(metrics_hook(scope)))?,
                    None,
                ))
            }
        }
        #[cfg(not(feature = "rocksdb"))]
        Some(_) => {
            let _ = build;
            Err(Error::Usage(
                "--store needs the on-disk store: build with `cargo build --release --features rocksdb`"
                    .into(),
            ))
        }
    }
}

/// A progress bar that appears only once a load has taken more than a second, on a terminal.
struct LazyBar {
    start: Instant,
    bar: Option<ProgressBar>,
    stage: String,
}

impl LazyBar {
    fn new() -> Self {
        LazyBar {
            start: Instant::now(),
            bar: None,
            stage: String::new(),
        }
    }

    fn tick(&mut self, stage: &str, done: usize, total: usize) {
        if self.bar.is_none() {
            if self.start.elapsed() < Duration::from_secs(1) || !std::io::stderr().is_terminal() {
                return;
            }
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len} ({eta})")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            self.bar = Some(bar);
        }
        let bar = self.bar.as_ref().expect("just set");
        if self.stage != stage {
            self.stage = stage.to_string();
            bar.set_message(stage.to_string());
            bar.set_length(total as u64);
        }
        bar.set_position(done as u64);
    }

    fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

fn with_output(out: Option<&Path>, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match out {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let mut w = std::io::BufWriter::new(file);
            f(&mut w)?;
            w.flush()?;
            Ok(())
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            f(&mut w)?;
            w.flush()?;
            Ok(())
        }
    }
}
