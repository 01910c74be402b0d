//! Bounds on what one request may ask of the recursive code behind it.
//!
//! The SPARQL parser (spargebra), oxigraph's optimiser and evaluator, the deadline guard's
//! rewrite and the destructors of the algebra all recurse once per nesting level, and none of
//! them bounds its depth: a FILTER nested 1,000 parentheses deep overflowed a 2 MiB stack and
//! aborted the process. Two checks keep every request inside a depth those steps can afford:
//!
//! - [`scan`], a linear pass over the raw text before any parser sees it, rejects brackets
//!   (`(`, `{`, `[`; XML elements for RDF/XML) nested deeper than [`Limits::nesting`]. It knows
//!   just enough of each syntax (strings, IRIs, comments, escapes) not to count brackets that
//!   are data.
//! - [`check_query`] and [`check_update`] walk the parsed algebra without recursion and reject
//!   what text depth does not show: a chain of 100,000 `UNION`s or `||`s parses into a tree
//!   100,000 levels deep, and 100,000 triple patterns make the optimiser's join ordering
//!   quadratic. Their bounds are [`Limits::algebra_depth`], [`Limits::triple_patterns`] and
//!   [`Limits::variables`].
//!
//! The threads that parse and evaluate get [`Limits::stack_size`] bytes of stack, sized for
//! these bounds (tests/limits.rs runs every nesting form at the limit; examples/stack_need.rs
//! measures how much of that stack each form uses).

use std::fmt;

use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};
use spargebra::term::TriplePattern;
use spargebra::{GraphUpdateOperation, Query, Update};

/// The bounds one request must keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest bracket nesting in a request's text (`--max-nesting` of `serve` and `query`).
    pub nesting: usize,
    /// Deepest parsed algebra (patterns and expressions counted together).
    pub algebra_depth: usize,
    /// Most triple patterns in one query or update.
    pub triple_patterns: usize,
    /// Most distinct variables in one query or update.
    pub variables: usize,
    /// Most tokens (terms, keywords, operators) in one query or update's text. spargebra's
    /// parser takes time quadratic in the triple patterns of a group (20,000 took 0.77 s,
    /// 100,000 about 20 s in a test build), so width is bounded before it runs.
    pub tokens: usize,
    /// Stack, in bytes, of each thread that parses, rewrites, optimises, evaluates, serializes
    /// and drops requests within these limits: 16 MiB plus 64 KiB per level of algebra depth
    /// (80 MiB at the default nesting). Only the pages a request touches are committed.
    /// `examples/stack_need.rs` measures what each nesting form at the limit really needs;
    /// bench/RESULTS.md has the figures.
    pub stack_size: usize,
}

/// Nesting accepted by default: far above any analyst's query (the gallery's deepest is 6),
/// far below what the recursive steps need stack for.
pub const DEFAULT_NESTING: usize = 128;

impl Default for Limits {
    fn default() -> Self {
        Limits::with_nesting(DEFAULT_NESTING)
    }
}

impl Limits {
    /// The limits that go with a nesting bound; the others follow from it.
    pub fn with_nesting(nesting: usize) -> Limits {
        let nesting = nesting.max(1);
        // Each bracket level becomes a few algebra nodes (a group: join, filter, left join,
        // projection); chains of UNION, || or + add one per link.
        let algebra_depth = (nesting * 8).max(1_024);
        Limits {
            nesting,
            algebra_depth,
            triple_patterns: 10_000,
            variables: 10_000,
            tokens: 50_000,
            stack_size: 16 * 1024 * 1024 + algebra_depth * 64 * 1024,
        }
    }
}

/// The syntax of a text to [`scan`]: what is a string, an IRI or a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// SPARQL queries and updates: `"…"`, `'…'`, long strings, `<IRI>`, `#` comments,
    /// `\`-escapes in prefixed names.
    Sparql,
    /// Turtle, TriG, N-Triples, N-Quads: as SPARQL (`<` always opens an IRI).
    Turtle,
    /// JSON (JSON-LD): `"…"` strings only.
    Json,
    /// RDF/XML: element nesting.
    Xml,
}

/// Where a request went past a limit, for a 400 that says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitError {
    /// Brackets (or XML elements) deeper than the limit, at a 1-based line and column
    /// (in characters).
    Nesting {
        limit: usize,
        line: usize,
        column: usize,
    },
    /// A parsed query or update deeper than the algebra limit.
    AlgebraDepth { limit: usize },
    /// More triple patterns than the limit.
    TriplePatterns { found: usize, limit: usize },
    /// More distinct variables than the limit.
    Variables { found: usize, limit: usize },
    /// More tokens than the limit, the first one past it at a 1-based line and column.
    Tokens {
        limit: usize,
        line: usize,
        column: usize,
    },
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitError::Nesting {
                limit,
                line,
                column,
            } => write!(
                f,
                "the request nests brackets more than {limit} deep (level {} opens at line \
                 {line}, column {column}); the limit is {limit} (--max-nesting)",
                limit + 1
            ),
            LimitError::AlgebraDepth { limit } => write!(
                f,
                "the request is more than {limit} operators deep once parsed (a long chain of \
                 UNION, ||, && or arithmetic nests one level per link); the limit is {limit} \
                 (it grows with --max-nesting)"
            ),
            LimitError::TriplePatterns { found, limit } => write!(
                f,
                "the request has {found} triple patterns; the limit is {limit}"
            ),
            LimitError::Variables { found, limit } => write!(
                f,
                "the request has {found} distinct variables; the limit is {limit}"
            ),
            LimitError::Tokens {
                limit,
                line,
                column,
            } => write!(
                f,
                "the request has more than {limit} tokens (terms, keywords, operators; token \
                 {} is at line {line}, column {column}); the limit is {limit}: split it into \
                 smaller queries",
                limit + 1
            ),
        }
    }
}

impl std::error::Error for LimitError {}

/// Rejects `text` if its brackets nest deeper than `limit`. Linear, allocation-free, and
/// unconfused by brackets inside strings, IRIs and comments.
pub fn scan(text: &str, syntax: Syntax, limit: usize) -> Result<(), LimitError> {
    if syntax == Syntax::Xml {
        return scan_xml(text, limit);
    }
    scan_text(text, syntax, limit, usize::MAX)
}

/// Rejects SPARQL text nested deeper than `limits.nesting` or longer than `limits.tokens`
/// tokens: what must hold before the parser sees it.
pub fn scan_sparql(text: &str, limits: &Limits) -> Result<(), LimitError> {
    scan_text(text, Syntax::Sparql, limits.nesting, limits.tokens)
}

fn scan_text(
    text: &str,
    syntax: Syntax,
    limit: usize,
    max_tokens: usize,
) -> Result<(), LimitError> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    let mut tokens = 0usize;
    // Whether the previous byte ended a token, so the next word character starts one.
    let mut between = true;
    while i < b.len() {
        let c = b[i];
        let word = !(c.is_ascii_whitespace()
            || matches!(
                c,
                b'(' | b')' | b'{' | b'}' | b'[' | b']' | b'.' | b';' | b','
            ));
        if word && between && c != b'#' {
            tokens += 1;
            if tokens > max_tokens {
                let (line, column) = line_column(text, i);
                return Err(LimitError::Tokens {
                    limit: max_tokens,
                    line,
                    column,
                });
            }
        }
        between = !word;
        match c {
            b'(' | b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    let (line, column) = line_column(text, i);
                    return Err(LimitError::Nesting {
                        limit,
                        line,
                        column,
                    });
                }
                i += 1;
            }
            b')' | b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'"' => i = skip_string(b, i, b'"', syntax != Syntax::Json),
            b'\'' if syntax != Syntax::Json => i = skip_string(b, i, b'\'', true),
            b'#' if syntax != Syntax::Json => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if syntax != Syntax::Json => i = skip_iri(b, i, syntax == Syntax::Turtle),
            // An escape in a prefixed name (`ex:a\(b`) or a stray backslash: the next
            // character is data.
            b'\\' if syntax != Syntax::Json => i += 2,
            _ => i += 1,
        }
    }
    Ok(())
}

/// Past a string that opens at `start` with `quote` (and its long form when `long` is
/// allowed); an unterminated string runs to the end (the parser reports it).
fn skip_string(b: &[u8], start: usize, quote: u8, long: bool) -> usize {
    let triple = long && b.len() >= start + 3 && b[start + 1] == quote && b[start + 2] == quote;
    let mut i = start + if triple { 3 } else { 1 };
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == quote => {
                if !triple {
                    return i + 1;
                }
                if b.len() >= i + 3 && b[i + 1] == quote && b[i + 2] == quote {
                    return i + 3;
                }
                i += 1;
            }
            // A short string cannot span lines; stop so a stray quote cannot hide the rest.
            b'\n' | b'\r' if !triple => return i,
            _ => i += 1,
        }
    }
    i
}

/// Past an IRI `<…>` that opens at `start`. In SPARQL `<` is also "less than", so it opens an
/// IRI only when the characters up to the next `>` may form one; otherwise it is skipped
/// alone. In Turtle it always opens an IRI.
fn skip_iri(b: &[u8], start: usize, always: bool) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'>' => return i + 1,
            b'<' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\' | 0..=b' ' if !always => {
                return start + 1
            }
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    if always {
        i
    } else {
        start + 1
    }
}

/// Element nesting of an XML document: start tags open a level, end tags and empty-element
/// tags close it; comments, processing instructions, CDATA, DOCTYPE and quoted attribute
/// values are skipped.
fn scan_xml(text: &str, limit: usize) -> Result<(), LimitError> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    let skip_to = |from: usize, end: &[u8]| -> usize {
        b[from..]
            .windows(end.len())
            .position(|w| w == end)
            .map(|p| from + p + end.len())
            .unwrap_or(b.len())
    };
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            i = skip_to(i + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = skip_to(i + 9, b"]]>");
        } else if rest.starts_with(b"<?") {
            i = skip_to(i + 2, b"?>");
        } else if rest.starts_with(b"<!") {
            i = skip_to(i + 2, b">");
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = skip_to(i + 2, b">");
        } else {
            // A start tag: find its end past quoted attribute values.
            let open = i;
            let mut j = i + 1;
            let mut empty = false;
            while j < b.len() {
                match b[j] {
                    q @ (b'"' | b'\'') => {
                        j += 1;
                        while j < b.len() && b[j] != q {
                            j += 1;
                        }
                        j += 1;
                    }
                    b'>' => {
                        empty = j > open + 1 && b[j - 1] == b'/';
                        j += 1;
                        break;
                    }
                    _ => j += 1,
                }
            }
            if !empty {
                depth += 1;
                if depth > limit {
                    let (line, column) = line_column(text, open);
                    return Err(LimitError::Nesting {
                        limit,
                        line,
                        column,
                    });
                }
            }
            i = j;
        }
    }
    Ok(())
}

/// The 1-based line and column (in characters) of byte offset `at`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

/// One node of the parsed algebra, for the walk.
enum Node<'a> {
    Pattern(&'a GraphPattern),
    Expr(&'a Expression),
}

/// What a walk found.
#[derive(Default)]
struct Tally<'a> {
    depth: usize,
    patterns: usize,
    variables: std::collections::HashSet<&'a str>,
}

impl<'a> Tally<'a> {
    fn triple(&mut self, t: &'a TriplePattern) {
        self.patterns += 1;
        use spargebra::term::{NamedNodePattern, TermPattern};
        for term in [&t.subject, &t.object] {
            if let TermPattern::Variable(v) = term {
                self.variables.insert(v.as_str());
            }
        }
        if let NamedNodePattern::Variable(v) = &t.predicate {
            self.variables.insert(v.as_str());
        }
    }

    fn check(&self, limits: &Limits) -> Result<(), LimitError> {
        if self.depth > limits.algebra_depth {
            return Err(LimitError::AlgebraDepth {
                limit: limits.algebra_depth,
            });
        }
        if self.patterns > limits.triple_patterns {
            return Err(LimitError::TriplePatterns {
                found: self.patterns,
                limit: limits.triple_patterns,
            });
        }
        if self.variables.len() > limits.variables {
            return Err(LimitError::Variables {
                found: self.variables.len(),
                limit: limits.variables,
            });
        }
        Ok(())
    }
}

/// Walks `root` with an explicit stack (no recursion, so a tree of any depth is safe to
/// measure), stopping early once the depth passes the limit.
fn walk<'a>(roots: Vec<Node<'a>>, tally: &mut Tally<'a>, limits: &Limits) {
    let mut stack: Vec<(Node<'a>, usize)> = roots.into_iter().map(|n| (n, 1)).collect();
    while let Some((node, d)) = stack.pop() {
        tally.depth = tally.depth.max(d);
        if d > limits.algebra_depth {
            return;
        }
        let mut push_p = |p: &'a GraphPattern| stack.push((Node::Pattern(p), d + 1));
        match node {
            Node::Pattern(p) => match p {
                GraphPattern::Bgp { patterns } => {
                    for t in patterns {
                        tally.triple(t);
                    }
                }
                GraphPattern::Path {
                    subject, object, ..
                } => {
                    tally.patterns += 1;
                    for term in [subject, object] {
                        if let spargebra::term::TermPattern::Variable(v) = term {
                            tally.variables.insert(v.as_str());
                        }
                    }
                }
                GraphPattern::Values { variables, .. } => {
                    for v in variables {
                        tally.variables.insert(v.as_str());
                    }
                }
                GraphPattern::Join { left, right }
                | GraphPattern::Lateral { left, right }
                | GraphPattern::Union { left, right }
                | GraphPattern::Minus { left, right } => {
                    push_p(left);
                    push_p(right);
                }
                GraphPattern::LeftJoin {
                    left,
                    right,
                    expression,
                } => {
                    push_p(left);
                    push_p(right);
                    if let Some(e) = expression {
                        stack.push((Node::Expr(e), d + 1));
                    }
                }
                GraphPattern::Filter { expr, inner } => {
                    push_p(inner);
                    stack.push((Node::Expr(expr), d + 1));
                }
                GraphPattern::Extend {
                    inner,
                    expression,
                    variable,
                } => {
                    tally.variables.insert(variable.as_str());
                    push_p(inner);
                    stack.push((Node::Expr(expression), d + 1));
                }
                GraphPattern::OrderBy { inner, expression } => {
                    push_p(inner);
                    for e in expression {
                        let (OrderExpression::Asc(e) | OrderExpression::Desc(e)) = e;
                        stack.push((Node::Expr(e), d + 1));
                    }
                }
                GraphPattern::Project { inner, variables } => {
                    for v in variables {
                        tally.variables.insert(v.as_str());
                    }
                    push_p(inner);
                }
                GraphPattern::Graph { inner, .. }
                | GraphPattern::Distinct { inner }
                | GraphPattern::Reduced { inner }
                | GraphPattern::Slice { inner, .. }
                | GraphPattern::Service { inner, .. } => push_p(inner),
                GraphPattern::Group {
                    inner, aggregates, ..
                } => {
                    push_p(inner);
                    for (v, agg) in aggregates {
                        tally.variables.insert(v.as_str());
                        if let AggregateExpression::FunctionCall { expr, .. } = agg {
                            stack.push((Node::Expr(expr), d + 1));
                        }
                    }
                }
            },
            Node::Expr(e) => {
                let mut push_e = |e: &'a Expression| stack.push((Node::Expr(e), d + 1));
                match e {
                    Expression::NamedNode(_) | Expression::Literal(_) => {}
                    Expression::Variable(v) | Expression::Bound(v) => {
                        tally.variables.insert(v.as_str());
                    }
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
                        push_e(a);
                        push_e(b);
                    }
                    Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
                        push_e(a)
                    }
                    Expression::If(a, b, c) => {
                        push_e(a);
                        push_e(b);
                        push_e(c);
                    }
                    Expression::In(a, list) => {
                        push_e(a);
                        list.iter().for_each(&mut push_e);
                    }
                    Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
                        list.iter().for_each(&mut push_e)
                    }
                    Expression::Exists(p) => stack.push((Node::Pattern(p), d + 1)),
                }
            }
        }
    }
}

/// Rejects a parsed query deeper or wider than `limits` allow.
pub fn check_query(query: &Query, limits: &Limits) -> Result<(), LimitError> {
    let (Query::Select { pattern, .. }
    | Query::Construct { pattern, .. }
    | Query::Describe { pattern, .. }
    | Query::Ask { pattern, .. }) = query;
    let mut tally = Tally::default();
    if let Query::Construct { template, .. } = query {
        for t in template {
            tally.triple(t);
        }
    }
    walk(vec![Node::Pattern(pattern)], &mut tally, limits);
    tally.check(limits)
}

/// Rejects a parsed update deeper or wider than `limits` allow.
pub fn check_update(update: &Update, limits: &Limits) -> Result<(), LimitError> {
    let mut tally = Tally::default();
    let mut roots = Vec::new();
    for op in &update.operations {
        match op {
            GraphUpdateOperation::DeleteInsert {
                delete,
                insert,
                pattern,
                ..
            } => {
                tally.patterns += delete.len() + insert.len();
                roots.push(Node::Pattern(pattern));
            }
            GraphUpdateOperation::InsertData { data } => tally.patterns += data.len(),
            GraphUpdateOperation::DeleteData { data } => tally.patterns += data.len(),
            _ => {}
        }
    }
    walk(roots, &mut tally, limits);
    tally.check(limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, close: &str, n: usize, inner: &str) -> String {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    }

    // Proves the scan counts real brackets up to the limit and names where it was passed.
    #[test]
    fn scan_counts_brackets_and_says_where() {
        let at = nested("(", ")", 10, "1");
        assert!(scan(&at, Syntax::Sparql, 10).is_ok());
        let past = format!("ASK {{\n FILTER{} }}", nested("(", ")", 11, "1"));
        // `{` is level 1; the 11th `(` of FILTER is level 12 at line 2.
        assert_eq!(
            scan(&past, Syntax::Sparql, 11),
            Err(LimitError::Nesting {
                limit: 11,
                line: 2,
                column: 18
            })
        );
        let mixed = "{ [ ( { } ) ] }";
        assert!(scan(mixed, Syntax::Sparql, 4).is_ok());
        assert!(scan(mixed, Syntax::Sparql, 3).is_err());
    }

    // Proves brackets that are data (strings, long strings, IRIs, comments, escapes) are not
    // counted, while `<` as "less than" does not hide the brackets after it.
    #[test]
    fn scan_skips_brackets_that_are_data() {
        let many = "(".repeat(500);
        for text in [
            format!("ASK {{ FILTER(\"{many}\" = '{many}') }}"),
            format!("ASK {{ FILTER(\"\"\"{many}\n{many}\"\"\" = '''{many}''') }}"),
            format!("ASK {{ <http://e/{many}> ?p ?o }}"),
            format!("ASK {{ ?s ?p ?o }} # {many}"),
            format!(
                "PREFIX e: <http://e/> ASK {{ ?s e:a{} ?o }}",
                "\\(".repeat(500)
            ),
            format!("ASK {{ FILTER(\"a\\\"{many}\" != \"\") }}"),
        ] {
            assert!(scan(&text, Syntax::Sparql, 3).is_ok(), "{text}");
        }
        let lt = format!("ASK {{ FILTER(1 < 2 && {}) }}", nested("(", ")", 5, "1"));
        assert!(scan(&lt, Syntax::Sparql, 6).is_err());
        let json = format!("{{\"@id\": \"{many}\", \"x\": [[[1]]]}}");
        assert!(scan(&json, Syntax::Json, 4).is_ok());
        assert!(scan(&json, Syntax::Json, 3).is_err());
        let ttl = format!("<http://e/a> <http://e/b> \"{many}\" . # {many}");
        assert!(scan(&ttl, Syntax::Turtle, 0).is_ok());
        let ttl = "<http://e/a> <http://e/b> ( ( [ <http://e/c> ( 1 ) ] ) ) .";
        assert!(scan(ttl, Syntax::Turtle, 4).is_ok());
        assert!(scan(ttl, Syntax::Turtle, 3).is_err());
    }

    // Proves element nesting is what counts in RDF/XML, not comments, CDATA or attributes.
    #[test]
    fn scan_xml_counts_elements() {
        let doc = r#"<?xml version="1.0"?><!-- <a><a><a> --><r a="<b>"><x/><y><z><![CDATA[<q><q>]]></z></y></r>"#;
        assert!(scan(doc, Syntax::Xml, 3).is_ok());
        assert!(scan(doc, Syntax::Xml, 2).is_err());
        let deep = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
        assert!(scan(&deep, Syntax::Xml, 200).is_ok());
        assert!(scan(&deep, Syntax::Xml, 199).is_err());
    }

    // Proves the algebra walk finds depth the text does not show (a UNION chain) and counts
    // triple patterns and variables.
    #[test]
    fn algebra_walk_measures_chains_and_width() {
        let limits = Limits::with_nesting(128);
        let union = format!(
            "SELECT * {{ {} }}",
            vec!["{ ?s ?p ?o }"; 2_000].join(" UNION ")
        );
        let q = spargebra::SparqlParser::new().parse_query(&union).unwrap();
        assert_eq!(
            check_query(&q, &limits),
            Err(LimitError::AlgebraDepth {
                limit: limits.algebra_depth
            })
        );
        let wide = format!(
            "SELECT * {{ {} }}",
            (0..10_001)
                .map(|i| format!("?s <http://e/p> ?o{i} ."))
                .collect::<String>()
        );
        let q = spargebra::SparqlParser::new().parse_query(&wide).unwrap();
        assert!(matches!(
            check_query(&q, &limits),
            Err(LimitError::TriplePatterns { found: 10_001, .. })
        ));
        let ok = spargebra::SparqlParser::new()
            .parse_query("SELECT * { ?s ?p ?o OPTIONAL { ?s ?q ?x } FILTER(?x > 1) }")
            .unwrap();
        assert_eq!(check_query(&ok, &limits), Ok(()));
    }
}
