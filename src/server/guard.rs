//! Makes deadlines bite inside joins.
//!
//! oxigraph checks its cancellation token only when it reads the store. A cross product such as
//! `{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }` under COUNT or DISTINCT produces billions of
//! rows from a few reads, so the token alone would leave the worker busy for hours.
//!
//! Before evaluation the input of every blocking operator (GROUP, ORDER BY, DISTINCT, the
//! built side of MINUS, EXISTS) and of the projection is wrapped in
//! `FILTER(<alive>(BOUND(?v), ...))`, naming every variable in scope so the optimizer keeps it
//! above the joins. The filter is always true; when the request's token is cancelled the
//! function unwinds the worker with a [`Stopped`] payload, which [`catch`] turns back into a
//! deadline error. Every row a join produces thus passes a cancellation check.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use oxigraph::model::{Literal, NamedNode, Term};
use oxigraph::sparql::{CancellationToken, SparqlEvaluator};
use spargebra::algebra::{Expression, Function, GraphPattern};
use spargebra::term::Variable;
use spargebra::Query;

use super::error::AppError;

const ALIVE: &str = "urn:amity:internal:alive";

/// Panic payload of a stopped evaluation.
struct Stopped;

/// Registers the check function on `evaluator`.
pub fn install(evaluator: SparqlEvaluator, token: &CancellationToken) -> SparqlEvaluator {
    silence_stopped_panics();
    let token = token.clone();
    evaluator.with_custom_function(NamedNode::new_unchecked(ALIVE), move |_args: &[Term]| {
        if token.is_cancelled() {
            panic::panic_any(Stopped);
        }
        Some(Literal::from(true).into())
    })
}

/// Runs `f`, turning a [`Stopped`] unwind into a deadline error.
pub fn catch<T>(f: impl FnOnce() -> Result<T, AppError>) -> Result<T, AppError> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) if payload.is::<Stopped>() => {
            Err(AppError::Deadline(std::time::Duration::ZERO))
        }
        Err(payload) => panic::resume_unwind(payload),
    }
}

/// The default panic hook would print every stopped query as a crash; skip those only.
fn silence_stopped_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !info.payload().is::<Stopped>() {
                previous(info);
            }
        }));
    });
}

/// Wraps the joins of a query (see the module documentation).
pub fn guard_query(query: Query) -> Query {
    match query {
        Query::Select {
            dataset,
            pattern,
            base_iri,
        } => Query::Select {
            dataset,
            pattern: guard(pattern),
            base_iri,
        },
        Query::Construct {
            template,
            dataset,
            pattern,
            base_iri,
        } => Query::Construct {
            template,
            dataset,
            pattern: guard(pattern),
            base_iri,
        },
        Query::Describe {
            dataset,
            pattern,
            base_iri,
        } => Query::Describe {
            dataset,
            pattern: guard(pattern),
            base_iri,
        },
        Query::Ask {
            dataset,
            pattern,
            base_iri,
        } => Query::Ask {
            dataset,
            pattern: guard(pattern),
            base_iri,
        },
    }
}

fn checked(pattern: GraphPattern) -> GraphPattern {
    let mut vars: Vec<Variable> = Vec::new();
    pattern.on_in_scope_variable(|v| {
        if !vars.contains(v) {
            vars.push(v.clone())
        }
    });
    if vars.is_empty() {
        return pattern;
    }
    GraphPattern::Filter {
        expr: Expression::FunctionCall(
            Function::Custom(NamedNode::new_unchecked(ALIVE)),
            vars.into_iter().map(Expression::Bound).collect(),
        ),
        inner: Box::new(pattern),
    }
}

fn b(p: GraphPattern) -> Box<GraphPattern> {
    Box::new(guard(p))
}

/// Rows reach blocking consumers (aggregates, ORDER BY, DISTINCT, the built side of MINUS,
/// EXISTS) and the final projection through a check. Joins and BGPs themselves are
/// left alone so the optimizer still reorders them and pushes the query's own filters down.
fn guard(pattern: GraphPattern) -> GraphPattern {
    match pattern {
        GraphPattern::Join { left, right } => GraphPattern::Join {
            left: b(*left),
            right: b(*right),
        },
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => GraphPattern::LeftJoin {
            left: b(*left),
            right: b(*right),
            expression: expression.map(guard_expr),
        },
        GraphPattern::Lateral { left, right } => GraphPattern::Lateral {
            left: b(*left),
            right: b(*right),
        },
        GraphPattern::Union { left, right } => GraphPattern::Union {
            left: b(*left),
            right: b(*right),
        },
        GraphPattern::Minus { left, right } => GraphPattern::Minus {
            left: b(*left),
            right: Box::new(checked(guard(*right))),
        },
        GraphPattern::Filter { expr, inner } => GraphPattern::Filter {
            expr: guard_expr(expr),
            inner: b(*inner),
        },
        GraphPattern::Graph { name, inner } => GraphPattern::Graph {
            name,
            inner: b(*inner),
        },
        GraphPattern::Extend {
            inner,
            variable,
            expression,
        } => GraphPattern::Extend {
            inner: b(*inner),
            variable,
            expression: guard_expr(expression),
        },
        GraphPattern::OrderBy { inner, expression } => GraphPattern::OrderBy {
            inner: Box::new(checked(guard(*inner))),
            expression,
        },
        GraphPattern::Project { inner, variables } => GraphPattern::Project {
            inner: Box::new(checked(guard(*inner))),
            variables,
        },
        GraphPattern::Distinct { inner } => GraphPattern::Distinct {
            inner: Box::new(checked(guard(*inner))),
        },
        GraphPattern::Reduced { inner } => GraphPattern::Reduced { inner: b(*inner) },
        GraphPattern::Slice {
            inner,
            start,
            length,
        } => GraphPattern::Slice {
            inner: b(*inner),
            start,
            length,
        },
        GraphPattern::Group {
            inner,
            variables,
            aggregates,
        } => GraphPattern::Group {
            inner: Box::new(checked(guard(*inner))),
            variables,
            aggregates,
        },
        other => other,
    }
}

/// EXISTS / NOT EXISTS hold patterns too.
fn guard_expr(e: Expression) -> Expression {
    match e {
        Expression::Exists(p) => Expression::Exists(Box::new(checked(guard(*p)))),
        Expression::Not(a) => Expression::Not(Box::new(guard_expr(*a))),
        Expression::And(a, c) => {
            Expression::And(Box::new(guard_expr(*a)), Box::new(guard_expr(*c)))
        }
        Expression::Or(a, c) => Expression::Or(Box::new(guard_expr(*a)), Box::new(guard_expr(*c))),
        other => other,
    }
}
