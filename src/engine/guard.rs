//! Makes deadlines bite inside joins.
//!
//! Built for oxigraph 0.5.13, which Cargo.toml pins exactly: what follows depends on that
//! version's optimiser. On an upgrade re-check three things: that `tests/guard.rs` still finds
//! guarded rows equal to unguarded ones, that `tests/server.rs::every_explosive_shape_is_stopped`
//! still stops every shape at the deadline, and that [`is_check`] still recognises the checks
//! after optimisation (its unit test).
//!
//! oxigraph checks its cancellation token only when it reads the store. A cross product such as
//! `{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }` produces N⁴ rows from 4·N reads: after the
//! last read the token is never looked at again, and the worker stays busy (and allocating)
//! for hours.
//!
//! Before evaluation, rows are routed through a check wherever they can pile up: the parts
//! and the output of every cross product (a join group is split into its unlinked parts for
//! this) get `FILTER(<alive>() || COALESCE(sameTerm(?a, ?a), …))`, a filter the optimizer
//! cannot move below the join or let the query's own filters slip under; the inputs of
//! blocking operators (GROUP, ORDER BY, DISTINCT, the built side of MINUS) and the projection
//! get the lighter `BIND(<alive>() AS ?amity-check)`, once per row on its way out. This
//! holds inside OPTIONAL and EXISTS too. OPTIONAL and EXISTS themselves are not wrapped: a
//! filter there stops the optimizer from evaluating them row by row with the outer bindings
//! (hk-macao-taiwan ran 1.27× oxigraph's time at scale 1), and without a cross product their
//! rows come from store reads, which check the token. The check keeps every row and binds
//! nothing; when the request's token is cancelled (or the memory budget is spent) the
//! function unwinds the worker with a [`Stopped`] payload, which [`catch`] turns back into an
//! error.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use oxigraph::model::{Literal, NamedNode, Term};
use oxigraph::sparql::{CancellationToken, SparqlEvaluator};
use spargebra::algebra::{Expression, Function, GraphPattern};
use spargebra::term::{NamedNodePattern, TermPattern, TriplePattern, Variable};
use spargebra::Query;

const ALIVE: &str = "urn:amity:internal:alive";
/// The variable a [`light_check`] binds; never bound, since the check returns no value. A
/// hyphen cannot appear in a SPARQL variable name, so no query can name it.
const CHECK_VARIABLE: &str = "amity-check";

/// Why the guard stopped an evaluation: its own error type, and the panic payload it
/// unwinds the worker with until [`catch`] turns it back into a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// The token was cancelled (deadline or client gone).
    Cancelled,
    /// The worker thread holds more than this many bytes more than when it started.
    Memory(u64),
}

/// Registers the check function on `evaluator`: it stops the evaluation when `token` is
/// cancelled or, with a `memory_budget` and the counting allocator installed, when the calling
/// thread holds more than that many bytes beyond what it held at this call. Call it on the
/// thread that evaluates.
pub fn install(
    evaluator: SparqlEvaluator,
    token: &CancellationToken,
    memory_budget: Option<u64>,
) -> SparqlEvaluator {
    silence_stopped_panics();
    let token = token.clone();
    let budget = crate::alloc::Budget::start(memory_budget);
    evaluator.with_custom_function(NamedNode::new_unchecked(ALIVE), move |_args: &[Term]| {
        if token.is_cancelled() {
            panic::panic_any(Stopped::Cancelled);
        }
        if let Some(budget) = budget.exceeded() {
            panic::panic_any(Stopped::Memory(budget));
        }
        // No value: the filter's `||` goes on to its right side, `COALESCE(sameTerm(?v, ?v),
        // …, true)`, which is true and compares internal terms only. Returning a boolean would
        // allocate a literal per row (about 8 % of a large GROUP BY).
        None
    })
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::Cancelled => {
                f.write_str("the evaluation was cancelled (deadline or caller gone)")
            }
            Stopped::Memory(b) => write!(
                f,
                "the evaluation held more than {b} bytes of working memory"
            ),
        }
    }
}

impl std::error::Error for Stopped {}

/// Runs `f`, turning a [`Stopped`] unwind into `Err(Stopped)`; any other panic goes on.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Stopped> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => Ok(r),
        Err(payload) => match payload.downcast::<Stopped>() {
            Ok(stopped) => Err(*stopped),
            Err(payload) => panic::resume_unwind(payload),
        },
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
    // `<alive>() || COALESCE(sameTerm(?a, ?a), …, true)`. The right side mentions every
    // variable, so the optimizer cannot push the check below the join that binds them all (it
    // folds `BOUND(?v)` of a certainly bound variable to `true`, and would then push a
    // constant filter down to the quad patterns, leaving the join's output unchecked). It is
    // cheap: `<alive>()` has no arguments and returns no value (or unwinds), and the
    // right side then compares internal terms only; no term is decoded (isIRI was a store
    // lookup per row on RocksDB) and nothing is allocated.
    let mut probes: Vec<Expression> = vars
        .into_iter()
        .map(|v| {
            Expression::SameTerm(
                Box::new(Expression::Variable(v.clone())),
                Box::new(Expression::Variable(v)),
            )
        })
        .collect();
    probes.push(Expression::Literal(Literal::from(true)));
    GraphPattern::Filter {
        expr: Expression::Or(
            Box::new(alive_call()),
            Box::new(Expression::Coalesce(probes)),
        ),
        inner: Box::new(pattern),
    }
}

/// `<alive>()`, the call both forms of the check make.
fn alive_call() -> Expression {
    Expression::FunctionCall(
        Function::Custom(NamedNode::new_unchecked(ALIVE)),
        Vec::new(),
    )
}

/// `pattern` with a check on its output, unless every row it gives has passed one already.
/// For the input of a blocking operator and for the projection.
fn checked_once(pattern: GraphPattern) -> GraphPattern {
    if rows_checked(&pattern) {
        pattern
    } else {
        light_check(pattern)
    }
}

/// `BIND(<alive>() AS ?amity-check)` on the output of `pattern`: the same check as
/// [`checked`], evaluated once per row, binding nothing. The optimizer has less to do with it
/// than with a filter naming every variable (on `project-progress`, the guard's whole cost fell
/// from 238 K to 113 K instructions per request), but it may move the query's own filters
/// below it, so it is used where rows stop or leave, never on a cross product, whose output
/// must be checked before any filter can drop it.
fn light_check(pattern: GraphPattern) -> GraphPattern {
    GraphPattern::Extend {
        inner: Box::new(pattern),
        variable: Variable::new_unchecked(CHECK_VARIABLE),
        expression: alive_call(),
    }
}

/// Whether every row of `pattern` (already guarded) has passed a check: it is a check, or the
/// output of a blocking operator (whose input [`guard`] always checks), under operators that
/// pass rows on one by one. A second check there would only give the optimizer more to do.
fn rows_checked(pattern: &GraphPattern) -> bool {
    match pattern {
        GraphPattern::Filter { expr, .. } => is_check(expr),
        GraphPattern::Extend { variable, .. } if variable.as_str() == CHECK_VARIABLE => true,
        GraphPattern::OrderBy { .. }
        | GraphPattern::Group { .. }
        | GraphPattern::Distinct { .. } => true,
        GraphPattern::Project { inner, .. }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Extend { inner, .. } => rows_checked(inner),
        _ => false,
    }
}

fn is_check(expr: &Expression) -> bool {
    matches!(expr, Expression::Or(left, _) if **left == alive_call())
}

/// One member of a group of joined patterns: a triple pattern or any other pattern.
enum Unit {
    Triple(TriplePattern),
    Other(GraphPattern),
}

/// A member of a join group, borrowed (to find the group's parts before taking it apart).
enum UnitRef<'a> {
    Triple(&'a TriplePattern),
    Other(&'a GraphPattern),
}

/// What links a unit to others: its variables and (for triple patterns) blank nodes, as
/// `(is a blank node, name)`.
fn unit_keys<'a>(unit: &UnitRef<'a>, out: &mut Vec<(bool, &'a str)>) {
    match *unit {
        UnitRef::Triple(t) => {
            for p in [&t.subject, &t.object] {
                match p {
                    TermPattern::Variable(v) => out.push((false, v.as_str())),
                    TermPattern::BlankNode(b) => out.push((true, b.as_str())),
                    TermPattern::NamedNode(_) | TermPattern::Literal(_) => {}
                }
            }
            if let NamedNodePattern::Variable(v) = &t.predicate {
                out.push((false, v.as_str()));
            }
        }
        UnitRef::Other(p) => p.on_in_scope_variable(|v| out.push((false, v.as_str()))),
    }
}

/// The members of a join group (nested joins and basic graph patterns flattened), borrowed.
fn unit_refs<'a>(pattern: &'a GraphPattern, out: &mut Vec<UnitRef<'a>>) {
    match pattern {
        GraphPattern::Join { left, right } => {
            unit_refs(left, out);
            unit_refs(right, out);
        }
        GraphPattern::Bgp { patterns } => out.extend(patterns.iter().map(UnitRef::Triple)),
        other => out.push(UnitRef::Other(other)),
    }
}

/// The members of a join group, taken apart in the order of [`unit_refs`].
fn units(pattern: GraphPattern, out: &mut Vec<Unit>) {
    match pattern {
        GraphPattern::Join { left, right } => {
            units(*left, out);
            units(*right, out);
        }
        GraphPattern::Bgp { patterns } => out.extend(patterns.into_iter().map(Unit::Triple)),
        other => out.push(Unit::Other(other)),
    }
}

/// Connected parts of `units` (linked by shared variables or blank nodes), as index lists.
/// Groups are small (a handful of members), so keys are looked up in a list, not hashed.
fn connected_parts(units: &[UnitRef<'_>]) -> Vec<Vec<usize>> {
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut parent: Vec<usize> = (0..units.len()).collect();
    let mut owner: Vec<((bool, &str), usize)> = Vec::new();
    let mut keys = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        keys.clear();
        unit_keys(unit, &mut keys);
        for key in &keys {
            match owner.iter().find(|(k, _)| k == key) {
                Some(&(_, j)) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a] = b;
                }
                None => owner.push((*key, i)),
            }
        }
    }
    let mut parts: Vec<(usize, Vec<usize>)> = Vec::new();
    for i in 0..units.len() {
        let root = find(&mut parent, i);
        match parts.iter_mut().find(|(r, _)| *r == root) {
            Some((_, members)) => members.push(i),
            None => parts.push((root, vec![i])),
        }
    }
    parts.into_iter().map(|(_, members)| members).collect()
}

/// Guards a join group (nested joins and basic graph patterns). When all its members are
/// linked, the group keeps its shape so the optimizer reorders it freely. When they fall
/// into unlinked parts, the engine can only join those by a cross product: the group is
/// rebuilt as checked parts joined through checks, so every row of the product, and every
/// row materialised for a hash join's build side, passes a check.
fn guard_group(pattern: GraphPattern) -> GraphPattern {
    let parts = {
        let mut members = Vec::new();
        unit_refs(&pattern, &mut members);
        connected_parts(&members)
    };
    if parts.len() <= 1 {
        return guard_linked(pattern);
    }
    let mut members = Vec::new();
    units(pattern, &mut members);
    let mut slots: Vec<Option<Unit>> = members.into_iter().map(Some).collect();
    let mut built = parts.into_iter().map(|indexes| {
        let mut triples = Vec::new();
        let mut others = Vec::new();
        for i in indexes {
            match slots[i].take().expect("each unit is in one part") {
                Unit::Triple(t) => triples.push(t),
                Unit::Other(p) => others.push(guard(p)),
            }
        }
        let mut part = (!triples.is_empty()).then_some(GraphPattern::Bgp { patterns: triples });
        for other in others {
            part = Some(match part {
                None => other,
                Some(p) => GraphPattern::Join {
                    left: Box::new(p),
                    right: Box::new(other),
                },
            });
        }
        checked(part.expect("a part has at least one unit"))
    });
    let first = built.next().expect("two parts or more");
    built.fold(first, |acc, part| {
        checked(GraphPattern::Join {
            left: Box::new(acc),
            right: Box::new(part),
        })
    })
}

/// Guards the members of a linked group without changing its shape.
fn guard_linked(pattern: GraphPattern) -> GraphPattern {
    match pattern {
        GraphPattern::Join { left, right } => GraphPattern::Join {
            left: Box::new(guard_linked(*left)),
            right: Box::new(guard_linked(*right)),
        },
        bgp @ GraphPattern::Bgp { .. } => bgp,
        other => guard(other),
    }
}

fn b(p: GraphPattern) -> Box<GraphPattern> {
    Box::new(guard(p))
}

/// Rows reach blocking consumers (aggregates, ORDER BY, DISTINCT, the built side of MINUS),
/// the final projection and every cross product through a check.
/// Joins that share variables are left alone so the optimizer still reorders them and pushes
/// the query's own filters down.
fn guard(pattern: GraphPattern) -> GraphPattern {
    match pattern {
        join @ (GraphPattern::Join { .. } | GraphPattern::Bgp { .. }) => guard_group(join),
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
            right: Box::new(checked_once(guard(*right))),
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
            inner: Box::new(checked_once(guard(*inner))),
            expression,
        },
        GraphPattern::Project { inner, variables } => GraphPattern::Project {
            inner: Box::new(checked_once(guard(*inner))),
            variables,
        },
        GraphPattern::Distinct { inner } => GraphPattern::Distinct {
            inner: Box::new(checked_once(guard(*inner))),
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
            inner: Box::new(checked_once(guard(*inner))),
            variables,
            aggregates,
        },
        other => other,
    }
}

/// EXISTS / NOT EXISTS hold patterns too.
fn guard_expr(e: Expression) -> Expression {
    match e {
        Expression::Exists(p) => Expression::Exists(b(*p)),
        Expression::Not(a) => Expression::Not(Box::new(guard_expr(*a))),
        Expression::And(a, c) => {
            Expression::And(Box::new(guard_expr(*a)), Box::new(guard_expr(*c)))
        }
        Expression::Or(a, c) => Expression::Or(Box::new(guard_expr(*a)), Box::new(guard_expr(*c))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::sparql::QueryExplanation;

    fn plan(query: &str) -> String {
        let store = oxigraph::store::Store::new().unwrap();
        let query = spargebra::SparqlParser::new().parse_query(query).unwrap();
        let token = CancellationToken::new();
        let (_, explanation): (_, QueryExplanation) = install(SparqlEvaluator::new(), &token, None)
            .for_query(guard_query(query))
            .on_store(&store)
            .explain();
        let mut json = Vec::new();
        explanation.write_in_json(&mut json).unwrap();
        String::from_utf8(json).unwrap()
    }

    /// Plan nodes as (name, parent name) pairs.
    fn edges(node: &serde_json::Value, parent: &str, out: &mut Vec<(String, String)>) {
        let name = node["name"].as_str().unwrap().to_string();
        for child in node["children"].as_array().unwrap() {
            edges(child, &name, out);
        }
        out.push((name, parent.to_string()));
    }

    // Proves every cross product in the plan oxigraph runs has its output checked (the
    // optimizer neither folds the check away nor pushes it below the join), one inside
    // OPTIONAL included.
    #[test]
    fn every_cross_product_and_optional_side_is_checked() {
        for query in [
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
            "SELECT (COUNT(*) AS ?n) WHERE { {?a ?b ?c} {?d ?e ?f} {?g ?h ?i} }",
            "SELECT * WHERE { ?a ?b ?c OPTIONAL { ?d ?e ?f . ?g ?h ?i } }",
            "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?c = ?f) } ORDER BY ?a",
        ] {
            let json: serde_json::Value = serde_json::from_str(&plan(query)).unwrap();
            let mut all = Vec::new();
            edges(&json["plan"], "", &mut all);
            // Either form: a filter (on cross products) or a BIND (where rows stop or leave).
            let checked = |name: &str| {
                (name.starts_with("Filter(") || name.starts_with("Extend(")) && name.contains(ALIVE)
            };
            let products: Vec<_> = all
                .iter()
                .filter(|(n, _)| n.starts_with("Join(") && n.ends_with("keys = )"))
                .collect();
            for (join, parent) in &products {
                assert!(checked(parent), "{query}: {join} under {parent}");
            }
            fn left_joins<'a>(node: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
                if node["name"].as_str().unwrap().starts_with("LeftJoin(") {
                    out.push(node);
                }
                for child in node["children"].as_array().unwrap() {
                    left_joins(child, out);
                }
            }
            let mut optionals = Vec::new();
            left_joins(&json["plan"], &mut optionals);
            assert_eq!(optionals.len(), usize::from(query.contains("OPTIONAL")));
            for lj in optionals {
                let built = lj["children"][1]["name"].as_str().unwrap();
                assert!(checked(built), "{query}: OPTIONAL side {built}");
            }
            // Filter checks name variables, never constants only (which the optimizer would
            // push down to the quad patterns).
            for (name, _) in &all {
                if checked(name) && name.starts_with("Filter(") {
                    assert!(name.contains("sameTerm(?"), "{query}: {name}");
                }
            }
            // The optimizer keeps every check the guard put in: none is dropped as unused.
            let guarded = guard_query(spargebra::SparqlParser::new().parse_query(query).unwrap());
            assert_eq!(
                all.iter().filter(|(name, _)| checked(name)).count(),
                guarded.to_string().matches(ALIVE).count(),
                "{query}"
            );
            if !query.contains("OPTIONAL") {
                assert!(
                    !products.is_empty(),
                    "{query}: no cross product in the plan"
                );
            }
        }
    }

    // Proves rows pass one check on their way out, not one per operator: the output of
    // ORDER BY, GROUP BY and DISTINCT has been checked already, and a check stacked on their
    // projection would only give the optimizer more to do.
    #[test]
    fn blocking_operators_are_checked_once() {
        for (query, checks) in [
            ("SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a", 1),
            (
                "SELECT DISTINCT ?a WHERE { ?a ?b ?c } ORDER BY ?a LIMIT 3",
                1,
            ),
            (
                "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?b ?c } GROUP BY ?a ORDER BY ?n",
                1,
            ),
            ("SELECT ?a WHERE { ?a ?b ?c }", 1),
            // Two parts and their product, whose check also serves ORDER BY.
            ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a", 3),
            (
                "SELECT * WHERE { { SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a } ?a ?d ?e }",
                2,
            ),
        ] {
            let Query::Select { pattern, .. } =
                guard_query(spargebra::SparqlParser::new().parse_query(query).unwrap())
            else {
                unreachable!()
            };
            let text = pattern.to_string();
            assert_eq!(text.matches(ALIVE).count(), checks, "{query}: {text}");
        }
    }

    // Proves a join group splits into its connected parts, blank nodes linking like
    // variables, and stays whole when its members are linked, even through a GRAPH member.
    #[test]
    fn bgp_splits_into_connected_parts() {
        let parts = |q: &str| {
            let Query::Select { pattern, .. } =
                spargebra::SparqlParser::new().parse_query(q).unwrap()
            else {
                unreachable!()
            };
            let mut n = 0;
            fn count(p: &GraphPattern, n: &mut usize) {
                match p {
                    GraphPattern::Bgp { .. } => *n += 1,
                    GraphPattern::Join { left, right } => {
                        count(left, n);
                        count(right, n)
                    }
                    GraphPattern::Filter { inner, .. }
                    | GraphPattern::Extend { inner, .. }
                    | GraphPattern::Project { inner, .. } => count(inner, n),
                    _ => {}
                }
            }
            count(&guard(pattern), &mut n);
            n
        };
        assert_eq!(parts("SELECT * { ?a ?b ?c . ?d ?e ?f }"), 2);
        assert_eq!(parts("SELECT * { ?a ?b ?c . ?c ?e ?f . ?g ?h ?i }"), 2);
        assert_eq!(parts("SELECT * { ?a ?b _:x . _:x ?e ?f }"), 1);
        assert_eq!(parts("SELECT * { ?a ?p ?c . ?d ?p ?f }"), 1);
        assert_eq!(parts("SELECT * { ?a ?b ?c }"), 1);
        // Linked through another member of the group: left whole for the optimizer.
        assert_eq!(
            parts("SELECT * { ?p <u:w> ?q . <u:b> <u:w> ?c . GRAPH <u:g> { ?x <u:y> ?c, ?q } }"),
            1
        );
        assert_eq!(parts("SELECT * { { ?a ?b ?c } { ?d ?e ?f } }"), 2);
    }
}
