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

/// Picks the format: an explicit `format=` (a short name or a media type) wins; otherwise the
/// best match in `Accept`; otherwise the kind's default.
pub fn choose(
    kind: ResultKind,
    format_param: Option<&str>,
    accept: Option<&str>,
) -> Result<Format, AppError> {
    if let Some(name) = format_param {
        let format = Format::from_name(name)
            .or_else(|| from_media_type(&name.to_ascii_lowercase()))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "unknown format={name:?}; use one of: {}",
                    crate::query::FORMAT_NAMES
                ))
            })?;
        if !fits(format, kind) {
            return Err(AppError::BadRequest(format!(
                "format={name} does not fit: {}",
                kind_words(kind)
            )));
        }
        return Ok(format);
    }
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(default_format(kind));
    };
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
    // Highest q first; among equals, the order the client wrote.
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let formats = offered(kind);
    for (_, _, media) in &ranges {
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
}
