//! The commands of the `amity` binary, one module each, and what they share: where the data
//! comes from ([`Source`], [`open`] with its metrics policy), the evaluation limits
//! ([`EvalArgs`]), the network view ([`View`]) and where output goes ([`with_output`]).

pub mod export;
pub mod extract;
pub mod generate;
pub mod import;
pub mod load;
pub mod progress;
pub mod push;
pub mod query;
pub mod review;
pub mod serve;
pub mod summary;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};

use amity::network::NetworkName;
use amity::store::{AmityStore, LoadSummary};
use amity::{Error, Result};

use progress::LazyBar;

/// Where the data comes from.
#[derive(Args, Clone)]
pub struct Source {
    /// The data folder (CSV files). Default: ./data, else the one amity was built from.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// A further folder of CSV rows in the data/ format (any subset of its files, e.g. what
    /// `amity extract` wrote), read after --data as if appended to it; repeatable.
    #[arg(long = "with", value_name = "DIR")]
    pub with: Vec<PathBuf>,
    /// An on-disk RocksDB store folder (needs the `rocksdb` feature). `load` (re)builds it;
    /// other commands open it as it is.
    #[arg(long)]
    pub store: Option<PathBuf>,
}

impl Source {
    pub fn data_dir(&self) -> PathBuf {
        self.data.clone().unwrap_or_else(amity::default_data_dir)
    }
}

/// Credentials for a remote store (`push`, `--endpoint`).
#[derive(Args, Clone, Default)]
pub struct RemoteAuth {
    /// User name at the remote store, sent when it asks (HTTP digest or basic, as it asks).
    #[arg(long, env = "AMITY_REMOTE_USER", requires = "password")]
    pub user: Option<String>,
    /// Password of --user (better from the environment than on the command line).
    #[arg(long, env = "AMITY_REMOTE_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// A bearer token for the remote store, sent with every request.
    #[arg(
        long,
        env = "AMITY_REMOTE_TOKEN",
        hide_env_values = true,
        conflicts_with = "user"
    )]
    pub token: Option<String>,
}

impl RemoteAuth {
    pub fn auth(&self) -> amity::remote::Auth {
        match (&self.token, &self.user, &self.password) {
            (Some(t), _, _) => amity::remote::Auth::Bearer(t.clone()),
            (None, Some(u), Some(p)) => amity::remote::Auth::User {
                user: u.clone(),
                password: p.clone(),
            },
            _ => amity::remote::Auth::None,
        }
    }
}

/// The evaluation limits `serve` and `query` share.
#[derive(Args, Clone)]
pub struct EvalArgs {
    /// Deadline of one query, in seconds; the evaluation is stopped when it passes.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS", value_parser = positive_seconds)]
    pub timeout: f64,
    /// Deepest bracket nesting ((), {}, []; XML elements in RDF/XML) a query, update or RDF
    /// body may have; deeper is refused, naming the limit and where it was passed. Nested groups,
    /// OPTIONAL, UNION, MINUS, EXISTS, sub-SELECTs and property paths all nest brackets. The
    /// evaluation threads' stack grows with it.
    #[arg(long, default_value_t = amity::limits::DEFAULT_NESTING, value_name = "LEVELS",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=4096))]
    pub max_nesting: usize,
    /// Working memory one query may hold, in MiB; a query holding more (a cross product
    /// feeding ORDER BY, say) is stopped (503 on the endpoint). 0 turns the budget off.
    #[arg(long, default_value_t = 1024, value_name = "MIB")]
    pub max_query_memory: u64,
}

impl EvalArgs {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout)
    }

    pub fn limits(&self) -> amity::limits::Limits {
        amity::limits::Limits::with_nesting(self.max_nesting)
    }

    /// The memory budget in bytes, `None` when turned off.
    pub fn max_query_memory(&self) -> Option<u64> {
        (self.max_query_memory > 0).then_some(self.max_query_memory << 20)
    }
}

/// Parses a positive, finite number of seconds (`--timeout 0.5`).
pub fn positive_seconds(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && Duration::try_from_secs_f64(v).is_ok() => Ok(v),
        _ => Err("expected a positive number of seconds".into()),
    }
}

/// `--view`: which network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum View {
    /// Ties, agreements and events of the report.
    Report,
    /// The Wikidata sister-city network (P190).
    #[value(alias = "wikidata-p190")]
    Wikidata,
}

impl View {
    /// The view a command uses when `--view` is not given.
    pub fn or_default(view: Option<View>) -> NetworkName {
        view.unwrap_or(View::Report).into()
    }
}

impl From<View> for NetworkName {
    fn from(v: View) -> Self {
        match v {
            View::Report => NetworkName::Report,
            View::Wikidata => NetworkName::Wikidata,
        }
    }
}

pub fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("summaries serialise")
}

/// How much of the network metrics a command computes after it loads data/.
#[derive(Clone, Copy)]
pub enum MetricsScope {
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
        // `main` has refused an unparsable value already.
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

/// Opens the store the flags name: builds it from data/ and the `--with` folders (in memory,
/// or on disk when `build`), or opens an existing on-disk store.
pub fn open(
    source: &Source,
    build: bool,
    scope: MetricsScope,
) -> Result<(AmityStore, Option<LoadSummary>)> {
    let data = source.data_dir();
    let mut bar = LazyBar::new();
    match &source.store {
        None => {
            let (s, summary) = AmityStore::in_memory_dirs(
                &data,
                &source.with,
                Some(metrics_hook(scope)),
                &mut |stage, d, t| bar.tick(stage, d, t),
            )?;
            bar.finish();
            Ok((s, Some(summary)))
        }
        #[cfg(feature = "rocksdb")]
        Some(dir) => {
            if build {
                let (s, summary) = AmityStore::load_on_disk_dirs(
                    dir,
                    &data,
                    &source.with,
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

/// As [`open`] for `serve` (metrics kept): in memory, the network metrics are left for
/// [`AmityStore::derive_deferred`] after the port is open, so the endpoint answers within a
/// second of the start; an on-disk store already holds them.
pub fn open_deferred(source: &Source) -> Result<(AmityStore, Option<LoadSummary>)> {
    if source.store.is_some() {
        return open(source, false, MetricsScope::Kept);
    }
    let mut bar = LazyBar::new();
    let (s, summary) = AmityStore::in_memory_deferred(
        &source.data_dir(),
        &source.with,
        Some(metrics_hook(MetricsScope::Kept)),
        &mut |stage, d, t| bar.tick(stage, d, t),
    )?;
    bar.finish();
    Ok((s, Some(summary)))
}

/// Runs `f` on a buffered writer to `out`, or to standard output without one.
pub fn with_output(out: Option<&Path>, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
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
