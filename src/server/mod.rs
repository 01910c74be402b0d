//! The HTTP layer: SPARQL 1.1 Protocol at `/sparql`, the Graph Store Protocol at `/store`, the
//! stored queries at `/queries`, the network API at `/api/*`, the browser UI (`/`, `/ui/*`,
//! `/id/*`, `/api/gallery`, `/api/layout`), `/health`, and (with the update token) `/reload`.
//! With [`Config::remote`] the queries go to a remote SPARQL 1.1 store instead (`remote`).
//!
//! Only this module knows axum and HTTP status codes: every route, error response
//! ([`AppError`]) and content negotiation (`negotiate`) is here, and every route evaluates
//! through the one [`Engine`]. It is safe to expose by default:
//! read-only unless started with an update token, every evaluation bounded by a deadline that
//! really stops it, a row cap that is always signalled, a body cap, a bounded evaluation pool,
//! no outbound SERVICE calls, and header/body read timeouts against slow clients.
//!
//! [`app`] builds the router and [`run`] serves it on a listener until a shutdown future
//! completes, so tests drive a real server on `127.0.0.1:0`.

mod admin;
mod cache;
mod describe;
pub mod error;
mod gsp;
mod negotiate;
mod network;
mod params;
mod queries;
mod remote;
pub mod review;
mod search;
mod sparql;
mod ui;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderName, Method, Request};
use axum::routing::{any, get, post};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::engine::{Bounds, Engine};
use crate::gallery::Gallery;
use crate::network::export::NetworkFormat;
use crate::store::AmityStore;

/// Query parameters of the network file routes.
type NetParams = axum::extract::Query<std::collections::HashMap<String, String>>;

pub use error::AppError;
pub use remote::Remote;

/// Header that flags a result cut at the row cap.
pub const TRUNCATED_HEADER: &str = "x-amity-truncated";

/// How the endpoint behaves; every protection is on by default.
#[derive(Clone, Debug)]
pub struct Config {
    /// The `data/` folder that `/reload` rebuilds from.
    pub data_dir: PathBuf,
    /// Further folders of rows read after `data_dir` (`--with`), on every reload too.
    pub extra_data_dirs: Vec<PathBuf>,
    /// The gallery folder (`queries/*.rq`).
    pub queries_dir: PathBuf,
    /// Enables SPARQL Update and `/reload` for requests carrying `Authorization: Bearer TOKEN`.
    pub update_token: Option<String>,
    /// Deadline for one evaluation, serialization included.
    pub timeout: Duration,
    /// Working memory one evaluation may hold, in bytes (enforced when the process runs on
    /// [`crate::alloc::Counting`], as the `amity` binary does); `None` is no budget.
    pub max_query_memory: Option<u64>,
    /// Most solutions (or triples) one response carries; more is cut and signalled.
    pub max_rows: usize,
    /// Largest request body, in bytes (413 above).
    pub max_body: usize,
    /// Evaluations running at once.
    pub max_concurrent: usize,
    /// How long a request waits for an evaluation slot before 503.
    pub queue_wait: Duration,
    /// SERVICE IRIs that are not refused (answered with a clean error: no outbound client).
    pub service_allowlist: Vec<String>,
    /// Time a client has to send a request's headers.
    pub header_read_timeout: Duration,
    /// Time a client has to send a request's body.
    pub body_read_timeout: Duration,
    /// Time open connections get to finish after a shutdown signal.
    pub shutdown_grace: Duration,
    /// How deep and wide a query, update or RDF body may be (`--max-nesting`); the evaluation
    /// threads get the stack these limits need.
    pub limits: crate::limits::Limits,
    /// Bytes of stored questions' answers kept per store version (0: none kept).
    pub result_cache_bytes: usize,
    /// A remote SPARQL 1.1 store to read instead of the embedded one (`serve --endpoint`):
    /// queries go there, what only the embedded store can do is answered 501
    /// (src/server/remote.rs).
    pub remote: Option<Remote>,
}

impl Config {
    /// The engine's share of the configuration.
    pub fn bounds(&self) -> Bounds {
        Bounds {
            timeout: self.timeout,
            max_query_memory: self.max_query_memory,
            max_rows: self.max_rows,
            max_concurrent: self.max_concurrent,
            queue_wait: self.queue_wait,
            service_allowlist: self.service_allowlist.clone(),
            limits: self.limits,
        }
    }

    /// The defaults, for the given folders.
    pub fn new(data_dir: PathBuf, queries_dir: PathBuf) -> Self {
        let b = Bounds::default();
        Config {
            data_dir,
            extra_data_dirs: Vec::new(),
            queries_dir,
            update_token: None,
            timeout: b.timeout,
            max_query_memory: b.max_query_memory,
            max_rows: b.max_rows,
            max_body: 1024 * 1024,
            max_concurrent: b.max_concurrent,
            queue_wait: b.queue_wait,
            service_allowlist: Vec::new(),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(15),
            shutdown_grace: Duration::from_secs(10),
            limits: b.limits,
            result_cache_bytes: 64 << 20,
            remote: None,
        }
    }
}

/// The statistics and which change they describe.
#[derive(Default)]
struct StatsSlot {
    state: std::sync::Mutex<StatsState>,
    changed: std::sync::Condvar,
}

#[derive(Default)]
struct StatsState {
    /// The latest finished count.
    latest: Option<Arc<Stats>>,
    /// The generation `latest` describes.
    counted: u64,
    /// The newest generation begun (a change bumps it).
    begun: u64,
}

impl StatsSlot {
    fn begin(&self) -> u64 {
        let mut s = self.state.lock().expect("stats lock");
        s.begun += 1;
        s.begun
    }

    fn finish(&self, generation: u64, stats: Stats) {
        let mut s = self.state.lock().expect("stats lock");
        if generation > s.counted {
            s.latest = Some(Arc::new(stats));
            s.counted = generation;
            self.changed.notify_all();
        }
    }

    fn latest(&self) -> Option<Arc<Stats>> {
        self.state.lock().expect("stats lock").latest.clone()
    }

    fn current(&self) -> bool {
        let s = self.state.lock().expect("stats lock");
        s.counted == s.begun
    }

    fn wait_current(&self, timeout: Duration) -> bool {
        let s = self.state.lock().expect("stats lock");
        let (s, _) = self
            .changed
            .wait_timeout_while(s, timeout, |s| s.counted != s.begun)
            .expect("stats lock");
        s.counted == s.begun
    }
}

/// Counts the store holds, computed after every load or update (VoID and `/health`).
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub triples: usize,
    /// `(graph IRI, triples)`; the default graph is not listed.
    pub graphs: Vec<(String, usize)>,
    /// `(class IRI, instances)`.
    pub classes: Vec<(String, usize)>,
}

impl Stats {
    /// Counts with two aggregate queries. oxigraph groups and counts its internal term ids and
    /// decodes only the result rows; reading every quad as terms instead (`Store::iter`) took
    /// about 150 s of one core after each start on a ten-million-triple RocksDB store.
    fn compute(store: &oxigraph::store::Store) -> crate::Result<Stats> {
        use oxigraph::model::Term;
        use oxigraph::sparql::QueryResults;
        let started = Instant::now();
        // Rows of `(IRI, count)` from a query whose first variable is an IRI (else skipped)
        // and whose second is an integer, on the union default graph as served.
        let counts = |text: &str| -> crate::Result<Vec<(String, usize)>> {
            let query = crate::query::parse(text, None)?;
            let QueryResults::Solutions(rows) =
                crate::engine::evaluate(store, query, &Default::default())?
            else {
                return Ok(Vec::new());
            };
            let mut out = Vec::new();
            for row in rows {
                let row = row?;
                if let (Some(Term::NamedNode(iri)), Some(Term::Literal(n))) =
                    (row.get(0), row.get(1))
                {
                    out.push((iri.as_str().to_string(), n.value().parse().unwrap_or(0)));
                }
            }
            out.sort();
            Ok(out)
        };
        let triples = store.len()?;
        let graphs =
            counts("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")?;
        // An instance typed in several graphs counts once per class.
        let classes = counts(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) \
             WHERE { ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?c } GROUP BY ?c",
        )?;
        tracing::info!(
            triples,
            graphs = graphs.len(),
            classes = classes.len(),
            elapsed = ?started.elapsed(),
            "counted the store for VoID and /health"
        );
        Ok(Stats {
            triples,
            graphs,
            classes,
        })
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    config: Config,
    /// The one read path: every evaluation of every route runs as a job of this engine.
    engine: Engine,
    gallery: RwLock<Arc<Gallery>>,
    stats: StatsSlot,
    /// The UI's network layouts, by store version and seed.
    layouts: crate::ui::Layouts,
    /// The network view analysed once per store version (for `/api/*`).
    views: network::Views,
    /// Answers of stored questions, per store version.
    results: cache::ResultCache,
    started: Instant,
}

impl AppState {
    /// Wraps a loaded store and reads the gallery. The statistics are counted in the
    /// background (a full scan: seconds on ten million triples), so serving starts at once.
    pub fn new(store: Arc<AmityStore>, config: Config) -> crate::Result<AppState> {
        let gallery = Gallery::load(&config.queries_dir);
        let engine = Engine::new(store, config.bounds())?;
        let results = cache::ResultCache::new(config.result_cache_bytes);
        let state = AppState {
            inner: Arc::new(Shared {
                engine,
                config,
                gallery: RwLock::new(Arc::new(gallery)),
                stats: StatsSlot::default(),
                layouts: Default::default(),
                views: Default::default(),
                results,
                started: Instant::now(),
            }),
        };
        state.refresh_stats();
        Ok(state)
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn store(&self) -> &Arc<AmityStore> {
        self.inner.engine.store()
    }

    /// The remote store this server reads instead of its own, if any (`serve --endpoint`).
    pub fn remote(&self) -> Option<&Remote> {
        self.inner.config.remote.as_ref()
    }

    /// The engine every route evaluates through.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Evaluations running right now.
    pub fn in_flight(&self) -> usize {
        self.inner.engine.in_flight()
    }

    /// The latest statistics, `None` until the first count finishes. After a change they can
    /// be a count behind until the recount finishes ([`AppState::stats_current`]).
    pub fn stats(&self) -> Option<Arc<Stats>> {
        self.inner.stats.latest()
    }

    /// Whether the statistics describe the store as it is now.
    pub fn stats_current(&self) -> bool {
        self.inner.stats.current()
    }

    /// Waits up to `timeout` for the statistics to describe the store as it is now.
    pub fn wait_for_stats(&self, timeout: Duration) -> bool {
        self.inner.stats.wait_current(timeout)
    }

    fn layouts(&self) -> &crate::ui::Layouts {
        &self.inner.layouts
    }

    fn results(&self) -> &cache::ResultCache {
        &self.inner.results
    }

    fn views(&self) -> &network::Views {
        &self.inner.views
    }

    fn gallery(&self) -> Arc<Gallery> {
        self.inner.gallery.read().expect("gallery lock").clone()
    }

    /// Recounts the statistics and rebuilds the text index in the background (after start, an
    /// update or a reload). A count started later supersedes one still running; the text index
    /// is kept per store version, so a search never reads an older one.
    fn refresh_stats(&self) {
        self.engine().warm_text_index();
        let generation = self.inner.stats.begin();
        let store = self.store().store();
        let shared = self.inner.clone();
        std::thread::spawn(move || match Stats::compute(&store) {
            Ok(stats) => shared.stats.finish(generation, stats),
            Err(e) => tracing::warn!("counting the store for VoID and /health failed: {e}"),
        });
    }

    fn reload_gallery(&self) {
        let gallery = Gallery::load(&self.inner.config.queries_dir);
        *self.inner.gallery.write().expect("gallery lock") = Arc::new(gallery);
        self.inner.results.clear();
    }
}

/// Answers at least this long are sent gzipped to a client that accepts it.
const COMPRESS_ABOVE: u64 = 1024;

/// The router with every layer (CORS, body cap, gzip, access log).
pub fn app(state: AppState) -> Router {
    let max_body = state.config().max_body;
    // Every text answer over 1 KiB (pages, scripts, the world map, `/api/layout`, results),
    // gzipped when the client sends `Accept-Encoding: gzip`; images (but SVG) are compressed
    // already. A streamed answer has no length yet and is compressed too.
    let compression = CompressionLayer::new().compress_when(
        SizeAbove::new(COMPRESS_ABOVE)
            .and(NotForContentType::GRPC)
            .and(NotForContentType::IMAGES)
            .and(NotForContentType::SSE),
    );
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::DELETE,
        ])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT, header::AUTHORIZATION])
        .expose_headers([HeaderName::from_static(TRUNCATED_HEADER)]);
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &Request<_>| {
            let peer = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.to_string())
                .unwrap_or_default();
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), %peer)
        })
        .on_request(())
        .on_response(
            |res: &axum::response::Response, latency: Duration, _span: &tracing::Span| {
                tracing::info!(
                    status = res.status().as_u16(),
                    ms = format_args!("{:.2}", latency.as_secs_f64() * 1000.0),
                    "served"
                );
            },
        )
        .on_failure(());
    Router::new()
        .route("/sparql", any(sparql::handle))
        .route("/sparql/", any(sparql::handle))
        // SPARQL 1.1 Graph Store Protocol (src/server/gsp.rs).
        .route("/store", any(gsp::indirect))
        .route("/store/{*path}", any(gsp::direct))
        .route("/queries", get(queries::list))
        .route("/queries/{name}", get(queries::run))
        .route("/health", get(admin::health))
        .route("/reload", post(admin::reload))
        // The network view (src/network): summaries, places, paths, graph files.
        .route("/api/summary", get(network::summary))
        .route("/api/places/{id}", get(network::place))
        .route("/api/path", get(network::path))
        // Text search (src/search.rs, src/engine/text.rs).
        .route("/api/search", get(search::search))
        .route(
            "/api/network.gexf",
            get(|s: State<AppState>, q: NetParams| network::file(s.0, NetworkFormat::Gexf, q.0)),
        )
        .route(
            "/api/network.graphml",
            get(|s: State<AppState>, q: NetParams| network::file(s.0, NetworkFormat::GraphMl, q.0)),
        )
        .route(
            "/api/network.geojson",
            get(|s: State<AppState>, q: NetParams| network::file(s.0, NetworkFormat::GeoJson, q.0)),
        )
        .route(
            "/api/network.dot",
            get(|s: State<AppState>, q: NetParams| network::file(s.0, NetworkFormat::Dot, q.0)),
        )
        // The browser UI (assets and page data from src/ui.rs).
        .route("/", get(ui::shell))
        .route("/query", get(ui::shell))
        .route("/network", get(ui::shell))
        .route("/map", get(ui::shell))
        .route("/timeline", get(ui::shell))
        .route("/reports", get(ui::shell))
        .route("/report/{id}", get(ui::shell))
        .route("/search", get(ui::shell))
        .route("/wd/{qid}", get(ui::shell))
        .route("/ui/{*path}", get(ui::asset))
        .route("/id/{kind}/{id}", get(ui::resource))
        .route("/api/gallery", get(ui::gallery))
        .route("/api/layout", get(ui::layout))
        .fallback(admin::not_found)
        // On a remote store, the routes only the embedded one serves answer 501 and why.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            remote::guard,
        ))
        .with_state(state.clone())
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(compression)
        .layer(cors)
        .layer(trace)
}

/// Serves `app(state)` on `listener` (HTTP/1.1) until `shutdown` completes, then lets open
/// connections finish for up to `shutdown_grace`.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_timeout = state.config().header_read_timeout;
    let grace = state.config().shutdown_grace;
    let router = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = router.clone().map_request(move |mut req: Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(%peer, "connection ended: {e}");
                    }
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: letting open requests finish");
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(grace) => {
            tracing::warn!("connections still open after {grace:?}; closing them");
        }
    }
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutdown signal received");
}

#[cfg(test)]
mod tests {
    use super::Stats;
    use oxigraph::io::RdfFormat;
    use oxigraph::store::Store;

    // Proves the aggregate counts match the store: every quad counted once, named graphs by
    // IRI only, and an instance typed in two graphs counted once for its class.
    #[test]
    fn statistics_count_quads_graphs_and_distinct_instances() {
        let store = Store::new().unwrap();
        let data = r#"
            <http://e/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C> .
            <http://e/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C> <http://e/g1> .
            <http://e/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C> <http://e/g1> .
            <http://e/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/D> <http://e/g1> .
            _:x <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C> <http://e/g1> .
            <http://e/c> <http://e/p> "1" <http://e/g2> .
            <http://e/c> <http://e/p> "2" <http://e/g2> .
            <http://e/d> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/D> _:bg .
            <http://e/e> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "not a class" <http://e/g2> .
        "#;
        store
            .load_from_slice(RdfFormat::NQuads, data.as_bytes())
            .unwrap();
        let stats = Stats::compute(&store).unwrap();
        assert_eq!(stats.triples, 9);
        assert_eq!(
            stats.graphs,
            vec![("http://e/g1".into(), 4), ("http://e/g2".into(), 3)]
        );
        assert_eq!(
            stats.classes,
            vec![("http://e/C".into(), 3), ("http://e/D".into(), 2)]
        );
    }
}
