//! The one read path: every SPARQL evaluation amity runs goes through this module.
//!
//! [`evaluate`] is the only place a query meets oxigraph's evaluator: it sets up the dataset
//! (the union of all graphs as the default graph unless the query or the protocol names one),
//! binds stored-query parameters, answers allowlisted SERVICE IRIs offline, and — when it runs
//! inside an [`Engine`] job — installs the [`guard`] with the job's deadline token and memory
//! budget. [`Engine`] owns the rest of the bounds: a semaphore of evaluation slots (waiting at
//! most `queue_wait`, else [`EvalError::Busy`]), the [`Workers`](workers::Workers) (threads
//! whose stack is sized for the request limits), the deadline (the token is cancelled when it
//! passes or when the caller goes away), the row cap and result writing ([`Cx::query`]).
//!
//! The HTTP endpoint (`/sparql`, `/queries`, `/store`, `/id/*`, `/api/*`) and the CLI's
//! `amity query` run their work as [`Engine::run`] jobs; the network view's own queries run
//! inside those jobs and so are bounded the same way. Outside a job [`evaluate`] runs only
//! queries of amity's own making, never request text: the load-time metrics step, the
//! background statistics count and default layout, and the CLI's `summary` and `export`.
//!
//! This module knows nothing about HTTP: [`EvalError`] says what went wrong, the server maps
//! it to a status.

pub mod guard;
mod services;
pub mod text;
mod workers;

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Term, Variable};
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::{CancellationToken, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use spargebra::{Query, Update};
use tokio::sync::Semaphore;

pub use crate::error::EvalError;
pub use services::{check_services, check_update, query_pattern, services_named};

use crate::limits::Limits;
use crate::query::{write_results, Format};
use crate::store::AmityStore;

/// How one evaluation is bounded; every bound is on by default.
#[derive(Clone, Debug)]
pub struct Bounds {
    /// Deadline for one evaluation, serialization included.
    pub timeout: Duration,
    /// Working memory one evaluation may hold, in bytes (enforced when the process runs on
    /// [`crate::alloc::Counting`], as the `amity` binary does); `None` is no budget.
    pub max_query_memory: Option<u64>,
    /// Most solutions (or triples) one answer carries; more is cut and signalled.
    pub max_rows: usize,
    /// Evaluations running at once.
    pub max_concurrent: usize,
    /// How long a job waits for an evaluation slot before [`EvalError::Busy`].
    pub queue_wait: Duration,
    /// SERVICE IRIs that are not refused (answered with a clean error: no outbound client).
    pub service_allowlist: Vec<String>,
    /// How deep and wide a query or update may be; the workers get the stack they need.
    pub limits: Limits,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            timeout: Duration::from_secs(30),
            max_query_memory: Some(1024 * 1024 * 1024),
            max_rows: 10_000,
            max_concurrent: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .max(2),
            queue_wait: Duration::from_secs(2),
            service_allowlist: Vec::new(),
            limits: Limits::default(),
        }
    }
}

/// How one query is evaluated, besides its text.
#[derive(Clone, Default)]
pub struct QueryOptions {
    /// Default graphs (protocol `default-graph-uri`); with `named_graphs` empty too, the
    /// union of all graphs.
    pub default_graphs: Vec<NamedNode>,
    /// Named graphs (protocol `named-graph-uri`); empty means all.
    pub named_graphs: Vec<NamedNode>,
    /// Values bound to variables before evaluation (stored-query parameters).
    pub bindings: Vec<(Variable, Term)>,
    /// Allowlisted SERVICE IRIs the query names; each is answered with a clean error.
    pub services: Vec<NamedNode>,
}

/// What bounds the evaluations of the job running on this thread, and what they may read
/// besides the store (the text index, for `SERVICE am:search`).
#[derive(Clone)]
struct Stop {
    token: CancellationToken,
    memory: Option<u64>,
    text: Arc<text::TextIndexes>,
    amity: Arc<AmityStore>,
    max_rows: usize,
}

thread_local! {
    /// Set by [`Engine::run`] on the worker for the duration of a job.
    static CURRENT: RefCell<Option<Stop>> = const { RefCell::new(None) };
}

/// Whether the calling thread is running an [`Engine`] job (so [`evaluate`] is bounded).
pub fn in_job() -> bool {
    CURRENT.with(|c| c.borrow().is_some())
}

/// Evaluates a parsed query on `store`: the one place a query meets the evaluator.
///
/// Inside an [`Engine`] job the evaluation carries the job's cancellation token and the
/// [`guard`] (deadline and memory budget inside joins); outside one it runs unbounded, which
/// only load-time steps do.
pub fn evaluate<'a>(
    store: &Store,
    query: Query,
    opts: &QueryOptions,
) -> crate::Result<QueryResults<'a>> {
    let stop = CURRENT.with(|c| c.borrow().clone());
    let mut evaluator = SparqlEvaluator::new();
    let query = match &stop {
        Some(stop) => {
            evaluator = job_evaluator(stop);
            guard::guard_query(query)
        }
        None => query,
    };
    for s in &opts.services {
        evaluator = evaluator.with_service_handler(s.clone(), services::Offline(s.clone()));
    }
    let mut prepared = evaluator.for_query(query);
    let dataset = prepared.dataset_mut();
    if !opts.default_graphs.is_empty() || !opts.named_graphs.is_empty() {
        dataset.set_default_graph(
            opts.default_graphs
                .iter()
                .cloned()
                .map(GraphName::from)
                .collect(),
        );
        dataset.set_available_named_graphs(
            opts.named_graphs
                .iter()
                .cloned()
                .map(NamedOrBlankNode::from)
                .collect(),
        );
    } else if dataset.is_default_dataset() {
        dataset.set_default_graph_as_union();
    }
    let mut bound = prepared.on_store(store);
    for (var, term) in &opts.bindings {
        bound = bound.substitute_variable(var.clone(), term.clone());
    }
    Ok(bound.execute()?)
}

/// The evaluator of a job: its token, the guard (deadline and memory budget inside joins) and
/// the built-in text search.
fn job_evaluator(stop: &Stop) -> SparqlEvaluator {
    guard::install(
        SparqlEvaluator::new().with_cancellation_token(stop.token.clone()),
        &stop.token,
        stop.memory,
    )
    .with_service_handler(
        text::service_iri(),
        text::SearchService {
            indexes: stop.text.clone(),
            amity: stop.amity.clone(),
            max_rows: stop.max_rows,
        },
    )
}

/// Parses and runs `text`, returning the serialized results (for tools and tests).
pub fn run_to_vec(store: &Store, text: &str, format: Format) -> crate::Result<Vec<u8>> {
    let query = crate::query::parse(text, None)?;
    let results = evaluate(store, query, &QueryOptions::default())?;
    let mut out = Vec::new();
    write_results(results, format, None, &mut out)?;
    Ok(out)
}

/// A serialized answer.
#[derive(Debug)]
pub struct Output {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    /// `Some(cap)` when rows were dropped at the cap.
    pub truncated: Option<usize>,
}

/// A query ready to run in a job.
pub struct QueryJob {
    pub query: Query,
    pub options: QueryOptions,
    pub format: Format,
}

/// An update ready to run in a job.
pub struct UpdateJob {
    pub update: Update,
    pub using_graphs: Vec<NamedNode>,
    pub using_named_graphs: Vec<NamedNode>,
    pub services: Vec<NamedNode>,
}

/// What a job sees: the store snapshot it reads, the bounds, and the token.
pub struct Cx {
    amity: Arc<AmityStore>,
    store: Arc<Store>,
    bounds: Bounds,
    token: CancellationToken,
    text: Arc<text::TextIndexes>,
}

impl Cx {
    /// The store snapshot this job reads (the same for the whole job).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store this job's snapshot comes from (for its derived views and writes).
    pub fn amity(&self) -> &AmityStore {
        &self.amity
    }

    pub fn bounds(&self) -> &Bounds {
        &self.bounds
    }

    pub fn token(&self) -> &CancellationToken {
        &self.token
    }

    /// The text index of the live store (built on first use for each store version).
    pub fn text_index(&self) -> Result<Arc<crate::search::Index>, EvalError> {
        self.text
            .get(&self.amity)
            .map_err(|e| EvalError::Internal(format!("text index: {e}")))
    }

    /// Parses a query within the bounds' limits.
    pub fn parse(&self, text: &str, base_iri: Option<&str>) -> Result<Query, EvalError> {
        Ok(crate::query::parse_within(
            text,
            base_iri,
            &self.bounds.limits,
        )?)
    }

    /// Parses an update within the bounds' limits.
    pub fn parse_update(&self, text: &str, base_iri: &str) -> Result<Update, EvalError> {
        Ok(crate::query::parse_update_within(
            text,
            base_iri,
            &self.bounds.limits,
        )?)
    }

    /// Evaluates a query and writes its results, stopping at the row cap.
    pub fn query(&self, job: QueryJob) -> Result<Output, EvalError> {
        let results =
            evaluate(&self.store, job.query, &job.options).map_err(|e| self.stopped(e.into()))?;
        write_output(results, job.format, self.bounds.max_rows).map_err(|e| self.stopped(e.into()))
    }

    /// Applies an update to the live store (through [`AmityStore::update`]).
    pub fn update(&self, job: UpdateJob) -> Result<(), EvalError> {
        let stop = Stop {
            token: self.token.clone(),
            memory: self.bounds.max_query_memory,
            text: self.text.clone(),
            amity: self.amity.clone(),
            max_rows: self.bounds.max_rows,
        };
        let mut evaluator = job_evaluator(&stop);
        for s in &job.services {
            evaluator = evaluator.with_service_handler(s.clone(), services::Offline(s.clone()));
        }
        let mut prepared = evaluator.for_update(job.update);
        if !job.using_graphs.is_empty() || !job.using_named_graphs.is_empty() {
            let default: Vec<GraphName> = job.using_graphs.into_iter().map(Into::into).collect();
            let named: Vec<NamedOrBlankNode> =
                job.using_named_graphs.into_iter().map(Into::into).collect();
            for using in prepared.using_datasets_mut() {
                if !using.is_default_dataset() {
                    return Err(EvalError::Invalid(
                        "using-graph-uri / using-named-graph-uri cannot be combined with an \
                         update that has its own USING or WITH clause"
                            .into(),
                    ));
                }
                using.set_default_graph(default.clone());
                using.set_available_named_graphs(named.clone());
            }
        }
        self.amity.update(prepared).map_err(|e| {
            use oxigraph::sparql::UpdateEvaluationError as U;
            let err = match e {
                U::Storage(s) => EvalError::Internal(format!("storage: {s}")),
                U::Unexpected(u) => EvalError::Internal(format!("update: {u}")),
                U::Service(s) => EvalError::Service(format!("a SERVICE call failed: {s}")),
                other => EvalError::Invalid(format!("the update cannot be applied: {other}")),
            };
            self.stopped(err)
        })
    }

    /// A failure after the token was cancelled is the deadline, whatever it looked like; a
    /// malformed call of the built-in search is the caller's mistake, not a remote failure.
    fn stopped(&self, e: EvalError) -> EvalError {
        match e {
            _ if self.token.is_cancelled() => EvalError::Deadline(self.bounds.timeout),
            EvalError::Service(m) if m.contains(text::ERROR_PREFIX) => EvalError::Invalid(m),
            e => e,
        }
    }
}

/// Writes results in `format`, at most `cap` rows (or triples); a cut answer says so
/// (`truncated`, and in SPARQL JSON a `"truncated"` field). The endpoint writes an embedded
/// answer and one read back from a remote store with it.
pub fn write_output(
    results: QueryResults<'_>,
    format: Format,
    cap: usize,
) -> crate::Result<Output> {
    let mut body = Vec::with_capacity(4096);
    let truncated = write_results(results, format, Some(cap), &mut body)?.then_some(cap);
    if let (Some(cap), Format::Results(QueryResultsFormat::Json)) = (truncated, format) {
        mark_json_truncated(&mut body, cap);
    }
    Ok(Output {
        body,
        content_type: format.media_type(),
        truncated,
    })
}

/// Adds `"truncated": true, "max_rows": N` to a SPARQL JSON results document.
fn mark_json_truncated(body: &mut Vec<u8>, cap: usize) {
    if let Some(end) = body.iter().rposition(|b| *b == b'}') {
        let tail = body.split_off(end);
        body.extend_from_slice(format!(",\"truncated\":true,\"max_rows\":{cap}").as_bytes());
        body.extend_from_slice(&tail);
    }
}

/// Cancels its token when dropped: a job whose caller went away (a handler future dropped
/// because the client disconnected) stops its evaluation too.
struct CancelOnDrop(CancellationToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Counts jobs that are really running (for `/health` and tests).
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        InFlight(counter.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs jobs against a store within [`Bounds`]. Cheap to clone; the workers stop when the
/// last clone is dropped.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<AmityStore>,
    bounds: Bounds,
    pool: Arc<Semaphore>,
    workers: workers::Workers,
    in_flight: Arc<AtomicUsize>,
    text: Arc<text::TextIndexes>,
}

impl Engine {
    /// Starts the workers (one per evaluation slot, each with the stack the limits need).
    pub fn new(store: Arc<AmityStore>, bounds: Bounds) -> crate::Result<Engine> {
        let workers = workers::Workers::new(bounds.max_concurrent, bounds.limits.stack_size)
            .map_err(|e| {
                crate::Error::Usage(format!("cannot start the evaluation threads: {e}"))
            })?;
        Ok(Engine {
            inner: Arc::new(Inner {
                pool: Arc::new(Semaphore::new(bounds.max_concurrent.max(1))),
                store,
                bounds,
                workers,
                in_flight: Arc::new(AtomicUsize::new(0)),
                text: Default::default(),
            }),
        })
    }

    pub fn bounds(&self) -> &Bounds {
        &self.inner.bounds
    }

    pub fn store(&self) -> &Arc<AmityStore> {
        &self.inner.store
    }

    /// Jobs running right now.
    pub fn in_flight(&self) -> usize {
        self.inner.in_flight.load(Ordering::SeqCst)
    }

    /// Runs `job` on a worker within the concurrency bound and the deadline. Every
    /// [`evaluate`] the job makes carries the job's token and memory budget; a job that
    /// passes the deadline gets [`EvalError::Deadline`] at once, and its slot is released
    /// only when the worker really returns.
    pub async fn run<T, E, F>(&self, job: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<EvalError> + Send + 'static,
        F: FnOnce(&Cx) -> Result<T, E> + Send + 'static,
    {
        let bounds = &self.inner.bounds;
        let permit =
            match tokio::time::timeout(bounds.queue_wait, self.inner.pool.clone().acquire_owned())
                .await
            {
                Ok(Ok(permit)) => permit,
                _ => {
                    return Err(EvalError::Busy {
                        retry_after: bounds.queue_wait.max(Duration::from_secs(1)),
                    }
                    .into())
                }
            };
        let token = CancellationToken::new();
        let on_drop = CancelOnDrop(token.clone());
        let in_flight = InFlight::enter(&self.inner.in_flight);
        let cx = Cx {
            amity: self.inner.store.clone(),
            store: self.inner.store.store(),
            bounds: bounds.clone(),
            token: token.clone(),
            text: self.inner.text.clone(),
        };
        let handle = self.inner.workers.spawn(move || {
            let _permit = permit;
            let _in_flight = in_flight;
            let stop = Stop {
                token: cx.token.clone(),
                memory: cx.bounds.max_query_memory,
                text: cx.text.clone(),
                amity: cx.amity.clone(),
                max_rows: cx.bounds.max_rows,
            };
            CURRENT.with(|c| *c.borrow_mut() = Some(stop));
            let result = guard::catch(|| job(&cx));
            CURRENT.with(|c| *c.borrow_mut() = None);
            match result {
                Ok(r) => r,
                Err(stopped) => Err(E::from(match stopped {
                    guard::Stopped::Cancelled => EvalError::Deadline(cx.bounds.timeout),
                    guard::Stopped::Memory(b) => EvalError::OverMemory(b),
                })),
            }
        });
        let timeout = bounds.timeout;
        let result = match tokio::time::timeout(timeout, handle).await {
            Ok(Ok(Ok(result))) => result,
            Ok(Ok(Err(panic))) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(EvalError::Internal(format!("evaluation panicked: {what}")).into())
            }
            Ok(Err(_)) => Err(EvalError::Internal("the evaluation worker went away".into()).into()),
            Err(_) => {
                token.cancel();
                tracing::warn!("evaluation stopped at its {timeout:?} deadline");
                return Err(EvalError::Deadline(timeout).into());
            }
        };
        drop(on_drop);
        result
    }

    /// Builds the text index of the live store in the background (after a start, a reload or
    /// a write), so the first search seldom waits; like the statistics count, this precompute
    /// runs outside the pool.
    pub fn warm_text_index(&self) {
        let (text, amity) = (self.inner.text.clone(), self.inner.store.clone());
        let spawned = std::thread::Builder::new()
            .name("amity-text-index".into())
            .spawn(move || {
                if let Err(e) = text.get(&amity) {
                    tracing::error!("text index failed: {e}");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("could not start the text index thread: {e}");
        }
    }

    /// [`Engine::run`] for callers outside an async runtime (the CLI).
    pub fn run_blocking<T, E, F>(&self, job: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<EvalError> + Send + 'static,
        F: FnOnce(&Cx) -> Result<T, E> + Send + 'static,
    {
        match tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
        {
            Ok(rt) => rt.block_on(self.run(job)),
            Err(e) => Err(EvalError::Internal(format!("cannot start a runtime: {e}")).into()),
        }
    }
}
