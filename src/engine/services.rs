//! SERVICE and LOAD: amity makes no outbound requests. A query may name only SERVICE IRIs the
//! operator allowlisted, and those are answered with a clean error.

use oxigraph::model::NamedNode;
use oxigraph::sparql::{QuerySolutionIter, ServiceHandler};
use spargebra::algebra::{Expression, GraphPattern, OrderExpression};
use spargebra::term::NamedNodePattern;
use spargebra::{GraphUpdateOperation, Query, Update};

use super::EvalError;

/// Answers the SERVICE IRIs the operator allowlisted. amity has no HTTP client, so it refuses
/// cleanly instead of fetching.
pub(super) struct Offline(pub(super) NamedNode);

#[derive(Debug, thiserror::Error)]
#[error("the allowlisted service {0} cannot be reached: this server makes no outbound requests")]
pub(super) struct Unreachable(NamedNode);

impl ServiceHandler for Offline {
    type Error = Unreachable;

    fn handle(
        &self,
        _pattern: &GraphPattern,
        _base_iri: Option<&oxiri::Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, Unreachable> {
        Err(Unreachable(self.0.clone()))
    }
}

/// Refuses SERVICE calls unless their IRI is on the allowlist; returns the allowlisted IRIs used.
pub fn check_services(
    pattern: &GraphPattern,
    allowlist: &[String],
) -> Result<Vec<NamedNode>, EvalError> {
    let mut found = services_named(pattern)?;
    // The built-in text search is answered here, never a remote call.
    found.retain(|iri| *iri != super::text::service_iri());
    for iri in &found {
        if !allowlist.iter().any(|a| a == iri.as_str()) {
            return Err(EvalError::Invalid(format!(
                "SERVICE <{}> is refused: this endpoint does not query other servers unless the \
                 operator allowlists them (--service-allowlist)",
                iri.as_str()
            )));
        }
    }
    found.dedup();
    Ok(found)
}

/// Every SERVICE IRI a query pattern names, the built-in text search's too; a SERVICE named by a
/// variable is refused.
pub fn services_named(pattern: &GraphPattern) -> Result<Vec<NamedNode>, EvalError> {
    let mut found = Vec::new();
    walk_pattern(pattern, &mut found)?;
    Ok(found)
}

fn walk_pattern(p: &GraphPattern, found: &mut Vec<NamedNode>) -> Result<(), EvalError> {
    match p {
        GraphPattern::Service { name, inner, .. } => {
            match name {
                NamedNodePattern::NamedNode(n) => found.push(n.clone()),
                NamedNodePattern::Variable(v) => {
                    return Err(EvalError::Invalid(format!(
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

fn walk_expr(e: &Expression, found: &mut Vec<NamedNode>) -> Result<(), EvalError> {
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

/// Checks an update before it runs: no LOAD (no outbound requests), SERVICE allowlist, and no
/// protocol dataset together with USING/WITH.
pub fn check_update(update: &Update, allowlist: &[String]) -> Result<Vec<NamedNode>, EvalError> {
    let mut services = Vec::new();
    for op in &update.operations {
        match op {
            GraphUpdateOperation::Load { source, .. } => {
                return Err(EvalError::Invalid(format!(
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
