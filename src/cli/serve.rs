//! `amity serve`: loads or opens the store, then serves it until SIGINT/SIGTERM.

use std::path::PathBuf;
use std::time::Duration;

use amity::{Error, Result};

use super::{open_deferred, positive_seconds, EvalArgs, Source};

/// Flags of `amity serve`; each protection is on by default.
#[derive(clap::Args, Clone)]
pub struct Args {
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
    /// Serve a remote SPARQL 1.1 endpoint's data instead of the embedded store: /sparql
    /// queries, the gallery and the resource pages are sent there (read-only, no SERVICE);
    /// what only the embedded store can do (updates, the text search, the network view)
    /// answers 501 and says why. See docs/remote.md.
    #[arg(long, value_name = "URL", conflicts_with_all = ["data", "with", "store", "service_allowlist"])]
    endpoint: Option<String>,
    #[command(flatten)]
    auth: super::RemoteAuth,
    #[command(flatten)]
    eval: EvalArgs,
    /// Most rows (or triples) in one response; a longer result is cut and flagged with the
    /// X-Amity-Truncated header (and a "truncated" field in SPARQL JSON).
    #[arg(long, default_value_t = 10_000)]
    max_rows: usize,
    /// Largest request body in bytes; larger requests get 413.
    #[arg(long, default_value_t = 1024 * 1024, value_name = "BYTES")]
    max_body: usize,
    /// Evaluations running at once. Default: the number of CPU cores (at least 2).
    #[arg(long)]
    max_concurrent: Option<usize>,
    /// Seconds a request waits for a free evaluation slot before 503 with Retry-After.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS", value_parser = positive_seconds)]
    queue_wait: f64,
    /// A SERVICE endpoint IRI that queries may name (repeatable, or comma-separated). All
    /// others are refused with 400. amity makes no outbound requests: allowlisted services
    /// answer with a clean error.
    #[arg(long = "service-allowlist", value_name = "IRI", value_delimiter = ',')]
    service_allowlist: Vec<String>,
    /// Seconds a client has to send its request headers (against slow clients).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS", value_parser = positive_seconds)]
    header_timeout: f64,
    /// MiB of stored questions' answers (/queries/NAME) kept in memory for the store's
    /// current version; every write empties it. 0 keeps none.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    result_cache_mib: usize,
}

pub fn run(args: Args) -> Result<()> {
    let mut config = amity::server::Config::new(
        args.source.data_dir(),
        args.queries
            .clone()
            .unwrap_or_else(amity::default_queries_dir),
    );
    config.extra_data_dirs = args.source.with.clone();
    config.update_token = args.update_token.clone().filter(|t| !t.is_empty());
    config.timeout = args.eval.timeout();
    config.max_rows = args.max_rows;
    config.max_query_memory = args.eval.max_query_memory();
    config.max_body = args.max_body;
    if let Some(n) = args.max_concurrent {
        config.max_concurrent = n.max(1);
    }
    config.queue_wait = Duration::from_secs_f64(args.queue_wait);
    config.header_read_timeout = Duration::from_secs_f64(args.header_timeout);
    config.result_cache_bytes = args.result_cache_mib << 20;
    config.service_allowlist = args.service_allowlist.clone();
    config.limits = args.eval.limits();
    let (store, summary) = match &args.endpoint {
        Some(url) => {
            if config.update_token.is_some() {
                return Err(Error::Usage(
                    "--endpoint serves a remote store read-only: it takes no --update-token".into(),
                ));
            }
            let url = amity::remote::parse_url("--endpoint", url)?;
            let client = amity::remote::Client::new(args.auth.auth(), config.timeout)?;
            config.remote = Some(amity::server::Remote::new(url, client));
            // No data of its own: an empty store that nothing reads.
            (
                amity::store::AmityStore::from_store(oxigraph::store::Store::new()?),
                None,
            )
        }
        None => open_deferred(&args.source)?,
    };
    let shown_remote = config.remote.as_ref().map(|r| r.shown());
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
        match &shown_remote {
            Some(remote) => eprintln!(
                "serving http://{addr}/sparql (read-only, the remote store {remote}); Ctrl-C stops"
            ),
            None => eprintln!(
                "serving http://{addr}/sparql ({}); Ctrl-C stops",
                if read_only {
                    "read-only"
                } else {
                    "updates with the token"
                }
            ),
        }
        // The network metrics of an in-memory start, made now that the port is open; answers
        // that need them say so (503) until they are written.
        if state.store().deriving() {
            let store = state.store().clone();
            std::thread::Builder::new()
                .name("metrics".into())
                .spawn(move || {
                    let t0 = std::time::Instant::now();
                    match store.derive_deferred() {
                        Ok(n) => tracing::info!(
                            quads = n.unwrap_or(0),
                            elapsed = ?t0.elapsed(),
                            "network metrics written"
                        ),
                        Err(e) => tracing::error!("network metrics failed: {e}"),
                    }
                })?;
        }
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
