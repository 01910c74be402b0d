//! SPARQL text in and out: parsing within [`Limits`], the one table of output format names,
//! and writing results in a chosen format with a row cap.
//!
//! Evaluation itself is [`crate::engine`]'s (the one read path).

use std::io::Write;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::QueryResults;
use spargebra::{Query, SparqlParser, Update};

use crate::error::{Error, Result};
use crate::limits::Limits;

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

/// Parses a query within the default [`Limits`], reporting syntax errors with the parser's
/// message and position.
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
    Ok(parser.parse_query(text)?)
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
