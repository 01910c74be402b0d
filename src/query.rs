//! SPARQL text in and out: parsing within [`Limits`], the one table of output format names,
//! and writing results in a chosen format with a row cap.
//!
//! Evaluation itself is [`crate::engine`]'s (the one read path).

use std::io::Write;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::QueryResults;
use spargebra::algebra::GraphPattern;
use spargebra::term::Variable;
use spargebra::{Query, SparqlParser, Update};

use crate::error::{Error, Result};
use crate::limits::Limits;

mod syntax;

/// An output format: a results format for SELECT/ASK, an RDF format for CONSTRUCT/DESCRIBE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Results(QueryResultsFormat),
    Graph(RdfFormat),
}

impl Format {
    /// Parses a short name as used by `--format` and `format=`.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name.to_ascii_lowercase().as_str() {
            "json" | "srj" => Format::Results(QueryResultsFormat::Json),
            "xml" | "srx" => Format::Results(QueryResultsFormat::Xml),
            "csv" => Format::Results(QueryResultsFormat::Csv),
            "tsv" => Format::Results(QueryResultsFormat::Tsv),
            "turtle" | "ttl" => Format::Graph(RdfFormat::Turtle),
            "ntriples" | "nt" | "n-triples" => Format::Graph(RdfFormat::NTriples),
            "nquads" | "nq" | "n-quads" => Format::Graph(RdfFormat::NQuads),
            "trig" => Format::Graph(RdfFormat::TriG),
            "rdfxml" | "rdf" | "rdf-xml" => Format::Graph(RdfFormat::RdfXml),
            "jsonld" | "json-ld" => Format::Graph(RdfFormat::JsonLd {
                profile: Default::default(),
            }),
            _ => return None,
        })
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Results(f) => f.media_type(),
            Format::Graph(f) => f.media_type(),
        }
    }
}

/// Names accepted by [`Format::from_name`], for help texts and error messages.
pub const FORMAT_NAMES: &str =
    "json, xml, csv, tsv, turtle, ntriples, nquads, trig, rdfxml, jsonld";

/// Parses a query within the default [`Limits`], reporting a syntax error as one sentence with
/// its position ([`syntax::explain`]).
pub fn parse(text: &str, base_iri: Option<&str>) -> Result<Query> {
    parse_within(text, base_iri, &Limits::default())
}

/// Parses a query: the text scan first (no parser sees text nested deeper than
/// `limits.nesting` or longer than `limits.tokens`), then the parser, then the algebra's depth and width. Call it on a thread
/// with [`Limits::stack_size`] bytes of stack.
pub fn parse_within(text: &str, base_iri: Option<&str>, limits: &Limits) -> Result<Query> {
    crate::limits::scan_sparql(text, limits)?;
    let query = parse_unchecked(text, base_iri)?;
    crate::limits::check_query(&query, limits)?;
    Ok(query)
}

/// Parses an update within `limits`, as [`parse_within`] does for a query.
pub fn parse_update_within(text: &str, base_iri: &str, limits: &Limits) -> Result<Update> {
    crate::limits::scan_sparql(text, limits)?;
    let update = SparqlParser::new()
        .with_base_iri(base_iri)
        .map_err(|e| Error::Usage(format!("bad base IRI {base_iri:?}: {e}")))?
        .parse_update(text)?;
    crate::limits::check_update(&update, limits)?;
    Ok(update)
}

fn parse_unchecked(text: &str, base_iri: Option<&str>) -> Result<Query> {
    let mut parser = SparqlParser::new();
    if let Some(b) = base_iri {
        parser = parser
            .with_base_iri(b)
            .map_err(|e| Error::Usage(format!("bad base IRI {b:?}: {e}")))?;
    }
    let mut query = parser
        .parse_query(text)
        .map_err(|e| Error::Syntax(syntax::explain(text, &e.to_string())))?;
    if select_star(text) {
        in_text_order(&mut query, text);
    }
    Ok(query)
}

/// Whether the outermost query form is `SELECT *` (or `SELECT DISTINCT *`, `REDUCED *`).
fn select_star(text: &str) -> bool {
    let mut words = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() && words.len() < 64 {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'<' => {
                while i < b.len() && b[i] != b'>' && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
            }
            b'*' => words.push("*".to_string()),
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b':')
                {
                    i += 1;
                }
                words.push(text[start..i].to_ascii_uppercase());
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let Some(at) = words
        .iter()
        .position(|w| matches!(w.as_str(), "SELECT" | "CONSTRUCT" | "ASK" | "DESCRIBE"))
    else {
        return false;
    };
    let mut rest = words[at..].iter().map(String::as_str);
    rest.next() == Some("SELECT") && {
        let next = rest.next();
        next == Some("*")
            || (matches!(next, Some("DISTINCT" | "REDUCED")) && rest.next() == Some("*"))
    }
}

/// `SELECT *` lists its variables in the order they first appear in the text (the parser
/// sorts them by name, which shows `?s ?p ?o` as o, p, s).
fn in_text_order(query: &mut Query, text: &str) {
    let Query::Select { pattern, .. } = query else {
        return;
    };
    let mut p = pattern;
    loop {
        match p {
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner } => p = inner,
            GraphPattern::Project { variables, .. } => {
                let first = |v: &Variable| {
                    let name = v.as_str();
                    text.match_indices(['?', '$'])
                        .map(|(i, _)| i)
                        .find(|&i| {
                            let after = &text[i + 1..];
                            after.starts_with(name)
                                && !after[name.len()..]
                                    .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                        })
                        .unwrap_or(usize::MAX)
                };
                variables.sort_by_cached_key(first);
                return;
            }
            _ => return,
        }
    }
}

/// What kind of result a query gives, to pick a format before evaluating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultKind {
    Solutions,
    Boolean,
    Graph,
}

pub fn result_kind(query: &Query) -> ResultKind {
    match query {
        Query::Select { .. } => ResultKind::Solutions,
        Query::Ask { .. } => ResultKind::Boolean,
        Query::Construct { .. } | Query::Describe { .. } => ResultKind::Graph,
    }
}

/// Writes results; `max_rows` stops after that many solutions or triples and returns `true` if
/// it had to (the caller must signal the truncation).
pub fn write_results<W: Write>(
    results: QueryResults<'_>,
    format: Format,
    max_rows: Option<usize>,
    out: W,
) -> Result<bool> {
    let limit = max_rows.unwrap_or(usize::MAX);
    let mut truncated = false;
    match (results, format) {
        (QueryResults::Boolean(b), Format::Results(f)) => {
            QueryResultsSerializer::from_format(f).serialize_boolean_to_writer(out, b)?;
        }
        (QueryResults::Solutions(solutions), Format::Results(f)) => {
            let mut ser = QueryResultsSerializer::from_format(f)
                .serialize_solutions_to_writer(out, solutions.variables().to_vec())?;
            for (i, s) in solutions.enumerate() {
                if i >= limit {
                    truncated = true;
                    break;
                }
                ser.serialize(&s?)?;
            }
            ser.finish()?;
        }
        (QueryResults::Graph(triples), Format::Graph(f)) => {
            let mut ser = RdfSerializer::from_format(f)
                .with_prefix("am", crate::vocab::AM_NS)
                .expect("valid prefix")
                .with_prefix("rdfs", "http://www.w3.org/2000/01/rdf-schema#")
                .expect("valid prefix")
                .for_writer(out);
            for (i, t) in triples.enumerate() {
                if i >= limit {
                    truncated = true;
                    break;
                }
                ser.serialize_triple(&t?)?;
            }
            ser.finish()?;
        }
        (QueryResults::Graph(_), Format::Results(_)) => return Err(Error::Usage(
            "CONSTRUCT and DESCRIBE give RDF: use turtle, ntriples, nquads, trig, rdfxml or jsonld"
                .into(),
        )),
        (_, Format::Graph(_)) => {
            return Err(Error::Usage(
                "SELECT and ASK give results: use json, xml, csv or tsv".into(),
            ))
        }
    }
    Ok(truncated)
}

/// The default format for a query's result kind.
pub fn default_format(kind: ResultKind) -> Format {
    match kind {
        ResultKind::Graph => Format::Graph(RdfFormat::Turtle),
        _ => Format::Results(QueryResultsFormat::Json),
    }
}
