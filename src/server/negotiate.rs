//! Content negotiation: picks the output format from `format=` or the `Accept` header.

use oxigraph::io::RdfFormat;
use oxigraph::sparql::results::QueryResultsFormat;

use super::error::AppError;
use crate::query::{default_format, Format, ResultKind};

/// Formats offered for SELECT and ASK, preferred first.
const RESULT_FORMATS: [QueryResultsFormat; 4] = [
    QueryResultsFormat::Json,
    QueryResultsFormat::Xml,
    QueryResultsFormat::Csv,
    QueryResultsFormat::Tsv,
];

/// Formats offered for CONSTRUCT, DESCRIBE and the service description, preferred first.
fn graph_formats() -> [RdfFormat; 6] {
    [
        RdfFormat::Turtle,
        RdfFormat::NTriples,
        RdfFormat::JsonLd {
            profile: Default::default(),
        },
        RdfFormat::RdfXml,
        RdfFormat::NQuads,
        RdfFormat::TriG,
    ]
}

fn offered(kind: ResultKind) -> Vec<Format> {
    match kind {
        ResultKind::Graph => graph_formats().into_iter().map(Format::Graph).collect(),
        _ => RESULT_FORMATS.into_iter().map(Format::Results).collect(),
    }
}

fn offered_list(kind: ResultKind) -> String {
    offered(kind)
        .iter()
        .map(|f| f.media_type())
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_words(kind: ResultKind) -> &'static str {
    match kind {
        ResultKind::Solutions => "a SELECT query gives results: use json, xml, csv or tsv",
        ResultKind::Boolean => "an ASK query gives a boolean: use json, xml, csv or tsv",
        ResultKind::Graph => {
            "this request gives RDF: use turtle, ntriples, jsonld, rdfxml, nquads or trig"
        }
    }
}

/// Which format a media type (without parameters) names, if amity can write it.
fn from_media_type(media: &str) -> Option<Format> {
    if media == "application/json" {
        return Some(Format::Results(QueryResultsFormat::Json));
    }
    if let Some(f) = QueryResultsFormat::from_media_type(media) {
        return Some(Format::Results(f));
    }
    RdfFormat::from_media_type(media).map(Format::Graph)
}

fn fits(format: Format, kind: ResultKind) -> bool {
    matches!(
        (format, kind),
        (Format::Graph(_), ResultKind::Graph)
            | (
                Format::Results(_),
                ResultKind::Solutions | ResultKind::Boolean
            )
    )
}

/// The parameters clients name the output format with: `format` (Virtuoso, oxigraph),
/// `output` (Joseki, Fuseki), `results`. SPARQLWrapper sends all three, some twice (a short
/// name and a media type, or an empty value).
pub const FORMAT_PARAMS: [&str; 3] = ["format", "output", "results"];

/// What one format parameter's value asks for, for a result of `kind`: a short name, a media
/// type, or one of the names other endpoints use for RDF results (`xml` and `json` for a graph
/// mean RDF/XML and JSON-LD; `n3` gets Turtle, which N3 readers read).
fn resolve(kind: ResultKind, name: &str) -> Option<Format> {
    let lower = name.trim().to_ascii_lowercase();
    if kind == ResultKind::Graph {
        match lower.as_str() {
            "xml" | "rdf+xml" | "application/xml" => return Some(Format::Graph(RdfFormat::RdfXml)),
            "json" | "application/json" => {
                return Some(Format::Graph(RdfFormat::JsonLd {
                    profile: Default::default(),
                }))
            }
            "n3" | "text/n3" | "text/rdf+n3" => return Some(Format::Graph(RdfFormat::Turtle)),
            _ => {}
        }
    }
    if lower == "rdf+xml" {
        return Some(Format::Graph(RdfFormat::RdfXml));
    }
    Format::from_name(&lower).or_else(|| from_media_type(&lower))
}

/// Picks the format from the request's format parameters ([`FORMAT_PARAMS`]) and `Accept`.
/// Every non-empty parameter value must name a format that fits the result, and all must name
/// the same one (400 naming the two that differ); they win over `Accept`. Without any, the
/// best match in `Accept`; otherwise the kind's default.
pub fn choose_with_params(
    kind: ResultKind,
    params: &[(String, String)],
    accept: Option<&str>,
) -> Result<Format, AppError> {
    let mut chosen: Option<(String, Format)> = None;
    for (key, value) in params {
        if !FORMAT_PARAMS.contains(&key.as_str()) || value.trim().is_empty() {
            continue;
        }
        let format = choose_named(kind, key, value)?;
        match &chosen {
            None => chosen = Some((format!("{key}={value}"), format)),
            Some((first, earlier)) if *earlier != format => {
                return Err(AppError::BadRequest(format!(
                    "{first} and {key}={value} ask for different formats ({} and {}); send one",
                    earlier.media_type(),
                    format.media_type()
                )))
            }
            Some(_) => {}
        }
    }
    match chosen {
        Some((_, format)) => Ok(format),
        None => choose(kind, None, accept),
    }
}

fn choose_named(kind: ResultKind, key: &str, name: &str) -> Result<Format, AppError> {
    // A comma-separated list of media types (SPARQLWrapper repeats its Accept header so for
    // JSON-LD) names its first member that amity can write for this result.
    if name.contains(',') {
        return name
            .split(',')
            .map(|m| m.split(';').next().unwrap_or("").trim())
            .filter_map(|m| resolve(kind, m))
            .find(|f| fits(*f, kind))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "{key}={name:?} names no format for this result; {}",
                    kind_words(kind)
                ))
            });
    }
    let format = resolve(kind, name).ok_or_else(|| {
        AppError::BadRequest(format!(
            "unknown {key}={name:?}; use one of: {} (or a media type)",
            crate::query::FORMAT_NAMES
        ))
    })?;
    if !fits(format, kind) {
        return Err(AppError::BadRequest(format!(
            "{key}={name} does not fit: {}",
            kind_words(kind)
        )));
    }
    Ok(format)
}

/// The media ranges of an `Accept` header with q > 0, lower-cased, parameters dropped:
/// highest q first, among equals the order the client wrote.
fn ranked(accept: &str) -> Vec<String> {
    let mut ranges: Vec<(f32, usize, String)> = Vec::new();
    for (i, item) in accept.split(',').enumerate() {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        if media.is_empty() {
            continue;
        }
        let mut q = 1.0f32;
        for p in parts {
            if let Some((k, v)) = p.split_once('=') {
                if k.trim().eq_ignore_ascii_case("q") {
                    q = v.trim().parse().unwrap_or(0.0);
                }
            }
        }
        if q > 0.0 {
            ranges.push((q, i, media));
        }
    }
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges.into_iter().map(|(_, _, m)| m).collect()
}

/// What a resource request (`/id/{kind}/{id}`) asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Representation {
    /// The app shell, which draws the resource page.
    Html,
    /// The resource's description in an RDF format.
    Rdf(RdfFormat),
}

/// Picks a resource's representation: a format parameter (`html`, or any RDF format name
/// [`choose_with_params`] takes) wins; then `Accept`, by quality: `text/html` or
/// `application/xhtml+xml` (and `text/*`) give the page, an RDF media type that RDF; no
/// header, or `*/*`, gives Turtle (what linked-data clients expect). 406 when nothing fits.
pub fn choose_resource(
    params: &[(String, String)],
    accept: Option<&str>,
) -> Result<Representation, AppError> {
    let html = |v: &str| matches!(v.trim().to_ascii_lowercase().as_str(), "html" | "text/html");
    let named: Vec<&(String, String)> = params
        .iter()
        .filter(|(k, v)| FORMAT_PARAMS.contains(&k.as_str()) && !v.trim().is_empty())
        .collect();
    if !named.is_empty() {
        if named.iter().all(|(_, v)| html(v)) {
            return Ok(Representation::Html);
        }
        if let Some((k, _)) = named.iter().find(|(_, v)| html(v)) {
            return Err(AppError::BadRequest(format!(
                "{k}=html conflicts with another format parameter; give one"
            )));
        }
        return match choose_with_params(ResultKind::Graph, params, None)? {
            Format::Graph(f) => Ok(Representation::Rdf(f)),
            Format::Results(_) => Err(AppError::internal("negotiation gave a results format")),
        };
    }
    let turtle = Representation::Rdf(RdfFormat::Turtle);
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(turtle);
    };
    for media in ranked(accept) {
        match media.as_str() {
            "text/html" | "application/xhtml+xml" | "text/*" => return Ok(Representation::Html),
            "*/*" => return Ok(turtle),
            m => {
                if let Some(prefix) = m.strip_suffix("/*") {
                    if let Some(f) = graph_formats()
                        .into_iter()
                        .find(|f| f.media_type().starts_with(&format!("{prefix}/")))
                    {
                        return Ok(Representation::Rdf(f));
                    }
                } else if let Some(Format::Graph(f)) = from_media_type(m) {
                    return Ok(Representation::Rdf(f));
                }
            }
        }
    }
    Err(AppError::NotAcceptable(
        "a resource is available as text/html, text/turtle, application/ld+json, \
         application/n-triples, application/rdf+xml, application/n-quads or application/trig"
            .into(),
    ))
}

/// Picks the format: an explicit `format=` (a short name or a media type) wins; otherwise the
/// best match in `Accept`; otherwise the kind's default.
pub fn choose(
    kind: ResultKind,
    format_param: Option<&str>,
    accept: Option<&str>,
) -> Result<Format, AppError> {
    if let Some(name) = format_param {
        return choose_named(kind, "format", name);
    }
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(default_format(kind));
    };
    let ranges = ranked(accept);
    let formats = offered(kind);
    for media in &ranges {
        if media == "*/*" {
            return Ok(default_format(kind));
        }
        if let Some(prefix) = media.strip_suffix("/*") {
            if let Some(f) = formats
                .iter()
                .find(|f| f.media_type().starts_with(&format!("{prefix}/")))
            {
                return Ok(*f);
            }
            continue;
        }
        if let Some(f) = from_media_type(media) {
            if fits(f, kind) {
                return Ok(f);
            }
        }
    }
    Err(AppError::NotAcceptable(format!(
        "none of the accepted media types ({accept}) can carry this result; {}; \
         available: {}",
        kind_words(kind),
        offered_list(kind)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves resource negotiation: browsers get the page, linked-data clients Turtle, quality
    // decides, and a format parameter wins.
    #[test]
    fn resource_negotiation() {
        let ttl = Representation::Rdf(RdfFormat::Turtle);
        let pick = |a: Option<&str>| choose_resource(&[], a).ok();
        assert_eq!(pick(None), Some(ttl));
        assert_eq!(pick(Some("*/*")), Some(ttl));
        assert_eq!(
            pick(Some(
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            )),
            Some(Representation::Html)
        );
        assert_eq!(pick(Some("text/turtle")), Some(ttl));
        assert!(matches!(
            pick(Some("application/ld+json")),
            Some(Representation::Rdf(RdfFormat::JsonLd { .. }))
        ));
        assert_eq!(pick(Some("text/html;q=0.5, text/turtle")), Some(ttl));
        assert_eq!(pick(Some("image/png")), None);
        assert_eq!(pick(Some("text/turtle;q=0, */*;q=0")), None);
        let p = |v: &str| vec![("format".to_string(), v.to_string())];
        assert_eq!(
            choose_resource(&p("html"), Some("text/turtle")).ok(),
            Some(Representation::Html)
        );
        assert_eq!(
            choose_resource(&p("nt"), Some("text/html")).ok(),
            Some(Representation::Rdf(RdfFormat::NTriples))
        );
        assert!(choose_resource(&p("bogus"), None).is_err());
    }

    // Proves the Accept parser honours q-values and falls back on wildcards.
    #[test]
    fn accept_header_is_ranked_by_quality() {
        let f = choose(
            ResultKind::Solutions,
            None,
            Some("text/csv;q=0.5, application/sparql-results+xml"),
        )
        .unwrap();
        assert_eq!(f, Format::Results(QueryResultsFormat::Xml));
        let f = choose(ResultKind::Graph, None, Some("text/html, */*;q=0.1")).unwrap();
        assert_eq!(f, Format::Graph(RdfFormat::Turtle));
        assert!(matches!(
            choose(
                ResultKind::Graph,
                None,
                Some("application/sparql-results+json")
            ),
            Err(AppError::NotAcceptable(_))
        ));
        assert!(matches!(
            choose(ResultKind::Solutions, Some("turtle"), None),
            Err(AppError::BadRequest(_))
        ));
    }

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // Proves SPARQLWrapper's repeated parameters are read as one request: agreeing names and
    // media types, empty values skipped, graph aliases (xml, json, n3) resolved by result
    // kind, parameters over Accept, and a real conflict refused naming both values.
    #[test]
    fn repeated_format_parameters_that_agree_are_one_choice() {
        let tsv = params(&[
            ("format", "tsv"),
            ("format", "text/tab-separated-values"),
            ("output", "tsv"),
            ("output", "text/tab-separated-values"),
            ("results", "tsv"),
            ("results", "text/tab-separated-values"),
        ]);
        assert_eq!(
            choose_with_params(
                ResultKind::Solutions,
                &tsv,
                Some("text/tab-separated-values")
            )
            .unwrap(),
            Format::Results(QueryResultsFormat::Tsv)
        );
        let jsonld = params(&[
            ("format", "json-ld"),
            ("format", "application/ld+json,application/x-json+ld"),
            ("output", "json-ld"),
            ("output", ""),
        ]);
        // A list of media types names its first writable member.
        let ld = Format::Graph(RdfFormat::JsonLd {
            profile: Default::default(),
        });
        assert_eq!(
            choose_with_params(ResultKind::Graph, &jsonld, None).unwrap(),
            ld
        );
        let e = choose_with_params(
            ResultKind::Graph,
            &params(&[("format", "text/html,image/png")]),
            None,
        )
        .unwrap_err();
        assert!(
            matches!(&e, AppError::BadRequest(m) if m.contains("text/html,image/png")),
            "{e:?}"
        );
        let jsonld = params(&[
            ("format", "json-ld"),
            ("format", ""),
            ("results", "json-ld"),
        ]);
        assert_eq!(
            choose_with_params(ResultKind::Graph, &jsonld, Some("*/*")).unwrap(),
            Format::Graph(RdfFormat::JsonLd {
                profile: Default::default()
            })
        );
        let rdfxml = params(&[("format", "rdf+xml"), ("format", "application/rdf+xml")]);
        assert_eq!(
            choose_with_params(ResultKind::Graph, &rdfxml, None).unwrap(),
            Format::Graph(RdfFormat::RdfXml)
        );
        let xml = params(&[("format", "xml"), ("output", "xml")]);
        assert_eq!(
            choose_with_params(ResultKind::Graph, &xml, None).unwrap(),
            Format::Graph(RdfFormat::RdfXml)
        );
        assert_eq!(
            choose_with_params(ResultKind::Solutions, &xml, None).unwrap(),
            Format::Results(QueryResultsFormat::Xml)
        );
        // The parameter wins over a browser's Accept.
        assert_eq!(
            choose_with_params(
                ResultKind::Solutions,
                &params(&[("format", "json")]),
                Some("text/html,*/*;q=0.8")
            )
            .unwrap(),
            Format::Results(QueryResultsFormat::Json)
        );
        let clash = params(&[("format", "csv"), ("output", "json")]);
        let e = choose_with_params(ResultKind::Solutions, &clash, None).unwrap_err();
        let AppError::BadRequest(msg) = e else {
            panic!("a conflict is a 400: {e:?}")
        };
        assert!(
            msg.contains("format=csv") && msg.contains("output=json"),
            "{msg}"
        );
    }
}
