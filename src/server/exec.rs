//! Running evaluations off the async runtime, bounded and with a real deadline.
//!
//! Each evaluation takes a slot from a semaphore (waiting at most `queue_wait`, else 503), runs
//! on one of the [`Workers`] (threads whose stack is sized for the request limits, so parsing,
//! the guard's rewrite, optimisation, evaluation and serialization of anything the limits let
//! through have stack to spare), and carries an oxigraph [`CancellationToken`]. When the
//! deadline passes — or the client goes away — the token is cancelled, oxigraph stops at its
//! next check, and the slot is released only when the worker really returns.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Term, Variable};
use oxigraph::sparql::{CancellationToken, QuerySolutionIter, ServiceHandler, SparqlEvaluator};
use oxigraph::store::Store;
use spargebra::algebra::{Expression, GraphPattern, OrderExpression};
use spargebra::term::NamedNodePattern;
use spargebra::{GraphUpdateOperation, Query, Update};

use super::error::AppError;
use super::AppState;
use crate::query::{write_results, Format};

/// Header that flags a result cut at the row cap.
pub const TRUNCATED_HEADER: &str = "x-amity-truncated";

/// A serialized answer.
pub struct Output {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    /// `Some(cap)` when rows were dropped at the cap.
    pub truncated: Option<usize>,
}

/// Cancels its token when dropped: a handler future dropped because the client disconnected
/// stops its evaluation too.
struct CancelOnDrop(CancellationToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Counts evaluations that are really running (for `/health` and tests).
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

type Task = Box<dyn FnOnce() + Send>;

/// The threads evaluations run on: as many as evaluations may run at once, each with the
/// stack [`crate::limits::Limits::stack_size`] asks for (tokio's blocking threads have 2 MiB).
/// They end when the last handle to the pool is dropped.
pub struct Workers {
    queue: mpsc::Sender<Task>,
}

impl Workers {
    pub fn new(threads: usize, stack_size: usize) -> std::io::Result<Workers> {
        let (queue, tasks) = mpsc::channel::<Task>();
        let tasks = Arc::new(Mutex::new(tasks));
        for i in 0..threads.max(1) {
            let tasks = tasks.clone();
            std::thread::Builder::new()
                .name(format!("amity-eval-{i}"))
                .stack_size(stack_size)
                .spawn(move || loop {
                    let next = tasks.lock().map(|rx| rx.recv());
                    match next {
                        Ok(Ok(task)) => task(),
                        _ => return,
                    }
                })?;
        }
        Ok(Workers { queue })
    }

    /// Runs `f` on a worker; the receiver gets its result, or its panic.
    fn spawn<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> tokio::sync::oneshot::Receiver<std::thread::Result<T>> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task: Task = Box::new(move || {
            let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
        });
        // The workers outlive every request (they stop only when the state is dropped), so a
        // send cannot fail while a handler runs; if it did, the receiver reports it.
        let _ = self.queue.send(task);
        rx
    }
}

/// Runs `job` on a worker within the concurrency bound and the deadline.
pub async fn run_bounded<T, F>(state: &AppState, job: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&CancellationToken) -> Result<T, AppError> + Send + 'static,
{
    let cfg = state.config();
    let permit = match tokio::time::timeout(
        cfg.queue_wait,
        state.inner.pool.clone().acquire_owned(),
    )
    .await
    {
        Ok(Ok(permit)) => permit,
        _ => {
            return Err(AppError::Busy {
                retry_after: cfg.queue_wait.max(std::time::Duration::from_secs(1)),
            })
        }
    };
    let token = CancellationToken::new();
    let guard = CancelOnDrop(token.clone());
    let in_flight = InFlight::enter(&state.inner.in_flight);
    let worker_token = token.clone();
    let handle = state.inner.workers.spawn(move || {
        let _permit = permit;
        let _in_flight = in_flight;
        job(&worker_token)
    });
    let timeout = cfg.timeout;
    let result = match tokio::time::timeout(timeout, handle).await {
        Ok(Ok(Ok(result))) => result,
        Ok(Ok(Err(panic))) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(AppError::internal(format!("evaluation panicked: {what}")))
        }
        Ok(Err(_)) => Err(AppError::internal(
            "the evaluation worker went away".to_string(),
        )),
        Err(_) => {
            token.cancel();
            tracing::warn!("evaluation stopped at its {timeout:?} deadline");
            return Err(AppError::Deadline(timeout));
        }
    };
    drop(guard);
    match result {
        Err(AppError::Deadline(_)) => Err(AppError::Deadline(timeout)),
        other => other,
    }
}

/// Answers the SERVICE IRIs the operator allowlisted. amity has no HTTP client, so it refuses
/// cleanly instead of fetching.
struct OfflineService(NamedNode);

#[derive(Debug, thiserror::Error)]
#[error("the allowlisted service {0} cannot be reached: this server makes no outbound requests")]
struct Offline(NamedNode);

impl ServiceHandler for OfflineService {
    type Error = Offline;

    fn handle(
        &self,
        _pattern: &GraphPattern,
        _base_iri: Option<&oxiri::Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, Offline> {
        Err(Offline(self.0.clone()))
    }
}

/// Refuses SERVICE calls unless their IRI is on the allowlist; returns the allowlisted IRIs used.
pub fn check_services(
    pattern: &GraphPattern,
    allowlist: &[String],
) -> Result<Vec<NamedNode>, AppError> {
    let mut found = Vec::new();
    walk_pattern(pattern, &mut found)?;
    for iri in &found {
        if !allowlist.iter().any(|a| a == iri.as_str()) {
            return Err(AppError::BadRequest(format!(
                "SERVICE <{}> is refused: this endpoint does not query other servers unless the \
                 operator allowlists them (--service-allowlist)",
                iri.as_str()
            )));
        }
    }
    found.dedup();
    Ok(found)
}

fn walk_pattern(p: &GraphPattern, found: &mut Vec<NamedNode>) -> Result<(), AppError> {
    match p {
        GraphPattern::Service { name, inner, .. } => {
            match name {
                NamedNodePattern::NamedNode(n) => found.push(n.clone()),
                NamedNodePattern::Variable(v) => {
                    return Err(AppError::BadRequest(format!(
                        "SERVICE {v} is refused: the endpoint IRI must be written in the query"
                    )))
                }
            }
            walk_pattern(inner, found)
        }
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => {
            Ok(())
        }
        GraphPattern::Join { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            walk_pattern(left, found)?;
            walk_pattern(right, found)
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            walk_pattern(left, found)?;
            walk_pattern(right, found)?;
            expression.iter().try_for_each(|e| walk_expr(e, found))
        }
        GraphPattern::Filter { expr, inner } => {
            walk_expr(expr, found)?;
            walk_pattern(inner, found)
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            walk_expr(expression, found)?;
            walk_pattern(inner, found)
        }
        GraphPattern::OrderBy { inner, expression } => {
            for e in expression {
                match e {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => walk_expr(e, found)?,
                }
            }
            walk_pattern(inner, found)
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. } => walk_pattern(inner, found),
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            for (_, agg) in aggregates {
                if let spargebra::algebra::AggregateExpression::FunctionCall { expr, .. } = agg {
                    walk_expr(expr, found)?;
                }
            }
            walk_pattern(inner, found)
        }
    }
}

fn walk_expr(e: &Expression, found: &mut Vec<NamedNode>) -> Result<(), AppError> {
    match e {
        Expression::Exists(p) => walk_pattern(p, found),
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => Ok(()),
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => {
            walk_expr(a, found)?;
            walk_expr(b, found)
        }
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            walk_expr(a, found)
        }
        Expression::If(a, b, c) => {
            walk_expr(a, found)?;
            walk_expr(b, found)?;
            walk_expr(c, found)
        }
        Expression::In(a, list) => {
            walk_expr(a, found)?;
            list.iter().try_for_each(|e| walk_expr(e, found))
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            list.iter().try_for_each(|e| walk_expr(e, found))
        }
    }
}

/// The graph pattern of a query (its WHERE clause).
pub fn query_pattern(query: &Query) -> &GraphPattern {
    match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern,
    }
}

/// A query ready to run on a worker.
pub struct QueryJob {
    pub query: Query,
    pub default_graphs: Vec<NamedNode>,
    pub named_graphs: Vec<NamedNode>,
    pub bindings: Vec<(Variable, Term)>,
    pub services: Vec<NamedNode>,
    pub format: Format,
    pub max_rows: usize,
    pub max_memory: Option<u64>,
}

fn evaluator(
    token: &CancellationToken,
    services: &[NamedNode],
    max_memory: Option<u64>,
) -> SparqlEvaluator {
    let mut evaluator = super::guard::install(
        SparqlEvaluator::new().with_cancellation_token(token.clone()),
        token,
        max_memory,
    );
    for s in services {
        evaluator = evaluator.with_service_handler(s.clone(), OfflineService(s.clone()));
    }
    evaluator
}

fn cancelled_to_deadline(token: &CancellationToken, e: AppError) -> AppError {
    if token.is_cancelled() {
        AppError::Deadline(std::time::Duration::ZERO)
    } else {
        e
    }
}

/// Evaluates and serializes a query (on a blocking worker).
pub fn run_query(
    store: &Store,
    job: QueryJob,
    token: &CancellationToken,
) -> Result<Output, AppError> {
    super::guard::catch(|| query_inner(store, job, token))
}

fn query_inner(
    store: &Store,
    job: QueryJob,
    token: &CancellationToken,
) -> Result<Output, AppError> {
    let query = super::guard::guard_query(job.query);
    let mut prepared = evaluator(token, &job.services, job.max_memory).for_query(query);
    let dataset = prepared.dataset_mut();
    if !job.default_graphs.is_empty() || !job.named_graphs.is_empty() {
        dataset.set_default_graph(
            job.default_graphs
                .into_iter()
                .map(GraphName::from)
                .collect(),
        );
        dataset.set_available_named_graphs(
            job.named_graphs
                .into_iter()
                .map(NamedOrBlankNode::from)
                .collect(),
        );
    } else if dataset.is_default_dataset() {
        dataset.set_default_graph_as_union();
    }
    let mut bound = prepared.on_store(store);
    for (var, term) in job.bindings {
        bound = bound.substitute_variable(var, term);
    }
    let results = bound
        .execute()
        .map_err(|e| cancelled_to_deadline(token, e.into()))?;
    let mut body = Vec::with_capacity(4096);
    let truncated = write_results(results, job.format, Some(job.max_rows), &mut body)
        .map_err(|e| cancelled_to_deadline(token, e.into()))?;
    let truncated = truncated.then_some(job.max_rows);
    if let (Some(cap), Format::Results(oxigraph::sparql::results::QueryResultsFormat::Json)) =
        (truncated, job.format)
    {
        mark_json_truncated(&mut body, cap);
    }
    Ok(Output {
        body,
        content_type: job.format.media_type(),
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

/// An update ready to run on a worker.
pub struct UpdateJob {
    pub update: Update,
    pub max_memory: Option<u64>,
    pub using_graphs: Vec<NamedNode>,
    pub using_named_graphs: Vec<NamedNode>,
    pub services: Vec<NamedNode>,
}

/// Checks an update before it runs: no LOAD (no outbound requests), SERVICE allowlist, and no
/// protocol dataset together with USING/WITH.
pub fn check_update(update: &Update, allowlist: &[String]) -> Result<Vec<NamedNode>, AppError> {
    let mut services = Vec::new();
    for op in &update.operations {
        match op {
            GraphUpdateOperation::Load { source, .. } => {
                return Err(AppError::BadRequest(format!(
                    "LOAD <{}> is refused: this server makes no outbound requests",
                    source.as_str()
                )))
            }
            GraphUpdateOperation::DeleteInsert { pattern, .. } => {
                services.extend(check_services(pattern, allowlist)?);
            }
            _ => {}
        }
    }
    Ok(services)
}

/// Runs an update (on a blocking worker).
pub fn run_update(
    store: &Store,
    job: UpdateJob,
    token: &CancellationToken,
) -> Result<(), AppError> {
    super::guard::catch(|| update_inner(store, job, token))
}

fn update_inner(store: &Store, job: UpdateJob, token: &CancellationToken) -> Result<(), AppError> {
    let mut prepared = evaluator(token, &job.services, job.max_memory).for_update(job.update);
    if !job.using_graphs.is_empty() || !job.using_named_graphs.is_empty() {
        let default: Vec<GraphName> = job.using_graphs.into_iter().map(Into::into).collect();
        let named: Vec<NamedOrBlankNode> =
            job.using_named_graphs.into_iter().map(Into::into).collect();
        for using in prepared.using_datasets_mut() {
            if !using.is_default_dataset() {
                return Err(AppError::BadRequest(
                    "using-graph-uri / using-named-graph-uri cannot be combined with an update \
                     that has its own USING or WITH clause"
                        .into(),
                ));
            }
            using.set_default_graph(default.clone());
            using.set_available_named_graphs(named.clone());
        }
    }
    prepared.on_store(store).execute().map_err(|e| {
        use oxigraph::sparql::UpdateEvaluationError as U;
        let err = match e {
            U::Storage(s) => AppError::internal(format!("storage: {s}")),
            U::Unexpected(u) => AppError::internal(format!("update: {u}")),
            U::Service(s) => AppError::BadGateway(format!("a SERVICE call failed: {s}")),
            other => AppError::BadRequest(format!("the update cannot be applied: {other}")),
        };
        cancelled_to_deadline(token, err)
    })
}
