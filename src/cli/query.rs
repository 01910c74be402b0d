//! `amity query`: runs one SPARQL query against data/ (or an on-disk store) within the same
//! evaluation limits as the endpoint.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;
use oxigraph::io::RdfFormat;
use oxigraph::sparql::results::QueryResultsFormat;

use amity::engine::{self, Bounds, Engine, QueryOptions};
use amity::query::{self, Format};
use amity::{Error, Result};

use super::{open, with_output, EvalArgs, MetricsScope, Source};

/// Flags of `amity query`.
#[derive(clap::Args)]
pub struct Args {
    /// Query file, gallery query name (see queries/), `-` for stdin, or SPARQL text.
    query: String,
    /// Output format: json, xml, csv, tsv for SELECT/ASK; turtle, ntriples, nquads, trig,
    /// rdfxml, jsonld for CONSTRUCT/DESCRIBE. Default: json, or turtle for graphs.
    #[arg(long, value_enum, ignore_case = true)]
    format: Option<OutputFormat>,
    /// Bind a gallery query parameter, as NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    #[command(flatten)]
    source: Source,
    #[command(flatten)]
    eval: EvalArgs,
    /// Most rows (or triples) to write; a longer result is cut with a warning on stderr.
    /// Default: no cap.
    #[arg(long, value_name = "N")]
    max_rows: Option<usize>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run the query on this remote SPARQL 1.1 endpoint instead of the embedded store
    /// (parameters written into the text; the answer read back and written as an embedded
    /// one is). The text search service (am:search) and the evaluation limits exist only in
    /// the embedded store; the remote endpoint applies its own.
    #[arg(long, value_name = "URL", conflicts_with_all = ["data", "with", "store"])]
    endpoint: Option<String>,
    #[command(flatten)]
    auth: super::RemoteAuth,
    /// Print the query text with its parameters written in (as a VALUES row), the text any
    /// SPARQL 1.1 endpoint can run, instead of running it.
    #[arg(long)]
    print_query: bool,
}

/// `--format`: the names (and aliases) [`amity::query::Format::from_name`] accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// SPARQL results JSON.
    #[value(alias = "srj")]
    Json,
    /// SPARQL results XML.
    #[value(alias = "srx")]
    Xml,
    /// SPARQL results CSV.
    Csv,
    /// SPARQL results TSV.
    Tsv,
    /// Turtle.
    #[value(alias = "ttl")]
    Turtle,
    /// N-Triples.
    #[value(aliases = ["nt", "n-triples"])]
    Ntriples,
    /// N-Quads.
    #[value(aliases = ["nq", "n-quads"])]
    Nquads,
    /// TriG.
    Trig,
    /// RDF/XML.
    #[value(aliases = ["rdf", "rdf-xml"])]
    Rdfxml,
    /// JSON-LD.
    #[value(alias = "json-ld")]
    Jsonld,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Self {
        use OutputFormat as F;
        match f {
            F::Json => Format::Results(QueryResultsFormat::Json),
            F::Xml => Format::Results(QueryResultsFormat::Xml),
            F::Csv => Format::Results(QueryResultsFormat::Csv),
            F::Tsv => Format::Results(QueryResultsFormat::Tsv),
            F::Turtle => Format::Graph(RdfFormat::Turtle),
            F::Ntriples => Format::Graph(RdfFormat::NTriples),
            F::Nquads => Format::Graph(RdfFormat::NQuads),
            F::Trig => Format::Graph(RdfFormat::TriG),
            F::Rdfxml => Format::Graph(RdfFormat::RdfXml),
            F::Jsonld => Format::Graph(RdfFormat::JsonLd {
                profile: Default::default(),
            }),
        }
    }
}

pub fn run(args: Args) -> Result<()> {
    let (text, stored) = amity::gallery::resolve(&args.query, &amity::default_queries_dir())?;
    let mut opts = QueryOptions::default();
    if !args.params.is_empty() {
        let Some(stored) = stored else {
            return Err(Error::Usage(
                "--param only applies to gallery queries (queries/NAME.rq)".into(),
            ));
        };
        let pairs = args
            .params
            .iter()
            .map(|p| {
                p.split_once('=')
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .ok_or_else(|| Error::Usage(format!("--param {p:?}: expected NAME=VALUE")))
            })
            .collect::<Result<Vec<_>>>()?;
        opts.bindings = stored.bind(&pairs)?;
    } else if let Some(stored) = &stored {
        // A gallery query's parameters at their defaults (`home`: the seed's city).
        opts.bindings = stored.bind(&[])?;
    }
    if args.print_query {
        let text = amity::gallery::bind_text(&text, &opts.bindings)?;
        return with_output(args.out.as_deref(), |w| Ok(w.write_all(text.as_bytes())?));
    }
    if let Some(endpoint) = &args.endpoint {
        return remote_query(&args, endpoint, &text, &opts);
    }
    let bounds = Bounds {
        timeout: args.eval.timeout(),
        max_query_memory: args.eval.max_query_memory(),
        max_rows: usize::MAX,
        max_concurrent: 1,
        limits: args.eval.limits(),
        ..Bounds::default()
    };
    let max_rows = evaluate_cli(
        &text,
        opts,
        args.format.map(Format::from),
        &args.source,
        bounds,
        args.max_rows,
        args.out.as_deref(),
    )?;
    if let Some(n) = max_rows {
        eprintln!("warning: result cut at {n} rows (--max-rows)");
    }
    Ok(())
}

/// `--endpoint`: the query (its parameters written in) on a remote store.
fn remote_query(args: &Args, endpoint: &str, text: &str, opts: &QueryOptions) -> Result<()> {
    let url = amity::remote::parse_url("--endpoint", endpoint)?;
    let text = amity::gallery::bind_text(text, &opts.bindings)?;
    let parsed = query::parse(&text, None)?;
    let kind = query::result_kind(&parsed);
    let format = args
        .format
        .map(Format::from)
        .unwrap_or_else(|| query::default_format(kind));
    let client = amity::remote::Client::new(args.auth.auth(), args.eval.timeout())?;
    let results = amity::remote::run_query(&client, &url, &text, kind)?;
    let mut cut = false;
    with_output(args.out.as_deref(), |w| {
        cut = query::write_results(results, format, args.max_rows, w)?;
        Ok(())
    })?;
    if let Some(n) = args.max_rows.filter(|_| cut) {
        eprintln!("warning: result cut at {n} rows (--max-rows)");
    }
    Ok(())
}

/// Loads the store `source` names, then runs the query as one job of the engine (the one
/// read path the endpoint uses): parsed within the nesting limit on a worker with a deep
/// stack, evaluated with the deadline, the guard and the memory budget of `bounds`, and
/// written as it is produced to `out` in `format` (default: by the query's kind), at most
/// `max_rows` rows. Returns the cap when it cut the result.
fn evaluate_cli(
    text: &str,
    opts: QueryOptions,
    format: Option<Format>,
    source: &Source,
    bounds: Bounds,
    max_rows: Option<usize>,
    out: Option<&Path>,
) -> Result<Option<usize>> {
    // Refused before the data is loaded: too deep or too long text never costs a load.
    amity::limits::scan_sparql(text, &bounds.limits)?;
    let (store, _) = open(source, false, MetricsScope::OneShot)?;
    let engine = Engine::new(Arc::new(store), bounds)?;
    let (text, out) = (text.to_string(), out.map(Path::to_path_buf));
    let cut = engine.run_blocking(move |cx| {
        let parsed = cx.parse(&text, None)?;
        let format = format.unwrap_or_else(|| query::default_format(query::result_kind(&parsed)));
        let results = engine::evaluate(cx.store(), parsed, &opts)?;
        let mut cut = false;
        with_output(out.as_deref(), |w| {
            cut = query::write_results(results, format, max_rows, w)?;
            Ok(())
        })?;
        Ok::<_, Error>(cut)
    })?;
    Ok(max_rows.filter(|_| cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_name_and_alias_means_what_the_library_says() {
        let mut names = Vec::new();
        for variant in OutputFormat::value_variants() {
            let value = variant.to_possible_value().unwrap();
            for name in value.get_name_and_aliases() {
                assert_eq!(
                    Format::from_name(name),
                    Some(Format::from(*variant)),
                    "{name}"
                );
                names.push(name.to_string());
            }
        }
        // And every name the library lists is a choice here.
        for name in query::FORMAT_NAMES.split(", ") {
            assert!(names.iter().any(|n| n == name), "{name}");
        }
        assert_eq!(names.len(), 20, "{names:?}");
    }
}
