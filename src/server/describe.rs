//! The SPARQL 1.1 Service Description returned by a bare `GET /sparql`, with VoID statistics.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use oxigraph::io::RdfSerializer;
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};

use super::error::AppError;
use super::{negotiate, AppState};
use crate::query::{Format, ResultKind};

const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
const VOID: &str = "http://rdfs.org/ns/void#";
const FORMATS: &str = "http://www.w3.org/ns/formats/";

fn sd(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SD}{local}"))
}

fn void(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{VOID}{local}"))
}

fn count(n: usize) -> Term {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into()
}

pub fn service_description(
    state: &AppState,
    headers: &HeaderMap,
    params: &[(String, String)],
    endpoint: &str,
) -> Result<Response, AppError> {
    let format = negotiate::choose_with_params(
        ResultKind::Graph,
        params,
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()),
    )?;
    let Format::Graph(rdf_format) = format else {
        return Err(AppError::internal(
            "negotiation gave a results format for RDF",
        ));
    };
    // On a remote store (serve --endpoint) nothing is said that amity cannot know: no counts
    // (the local store is empty), no Graph Store endpoint, no union default graph.
    let remote = state.remote().is_some();
    let stats = if remote { None } else { state.stats() };
    let mut t: Vec<Triple> = Vec::new();
    let mut add = |s: &NamedOrBlankNode, p: NamedNode, o: Term| {
        t.push(Triple::new(s.clone(), p, o));
    };
    let service: NamedOrBlankNode = BlankNode::default().into();
    add(&service, rdf::TYPE.into(), sd("Service").into());
    add(
        &service,
        sd("endpoint"),
        NamedNode::new_unchecked(endpoint).into(),
    );
    add(
        &service,
        sd("supportedLanguage"),
        sd("SPARQL11Query").into(),
    );
    // The Graph Store Protocol endpoint beside this one (src/server/gsp.rs).
    let store_endpoint = endpoint
        .strip_suffix("/sparql")
        .map(|root| format!("{root}/store"))
        .unwrap_or_else(|| format!("{endpoint}/store"));
    if !remote {
        add(
            &service,
            crate::vocab::am::GRAPH_STORE.into_owned(),
            NamedNode::new_unchecked(store_endpoint).into(),
        );
    }
    if state.config().update_token.is_some() {
        add(
            &service,
            sd("supportedLanguage"),
            sd("SPARQL11Update").into(),
        );
    }
    if !remote {
        add(&service, sd("feature"), sd("UnionDefaultGraph").into());
    }
    for f in [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
        "N-Quads",
        "TriG",
    ] {
        add(
            &service,
            sd("resultFormat"),
            NamedNode::new_unchecked(format!("{FORMATS}{f}")).into(),
        );
    }
    let dataset: NamedOrBlankNode = BlankNode::default().into();
    add(&service, sd("defaultDataset"), dataset.clone().into());
    add(&dataset, rdf::TYPE.into(), sd("Dataset").into());
    add(&dataset, rdf::TYPE.into(), void("Dataset").into());
    let default_graph: NamedOrBlankNode = BlankNode::default().into();
    add(&dataset, sd("defaultGraph"), default_graph.clone().into());
    add(&default_graph, rdf::TYPE.into(), sd("Graph").into());
    // VoID counts once the background count has finished (a moment after start).
    if let Some(stats) = &stats {
        add(&dataset, void("triples"), count(stats.triples));
        add(&dataset, void("classes"), count(stats.classes.len()));
        add(&default_graph, void("triples"), count(stats.triples));
        for (class, n) in &stats.classes {
            let partition: NamedOrBlankNode = BlankNode::default().into();
            add(&dataset, void("classPartition"), partition.clone().into());
            add(
                &partition,
                void("class"),
                NamedNode::new_unchecked(class.clone()).into(),
            );
            add(&partition, void("entities"), count(*n));
        }
        for (graph, n) in &stats.graphs {
            let named: NamedOrBlankNode = BlankNode::default().into();
            let g: NamedOrBlankNode = BlankNode::default().into();
            add(&dataset, sd("namedGraph"), named.clone().into());
            add(&named, rdf::TYPE.into(), sd("NamedGraph").into());
            add(
                &named,
                sd("name"),
                NamedNode::new_unchecked(graph.clone()).into(),
            );
            add(&named, sd("graph"), g.clone().into());
            add(&g, rdf::TYPE.into(), sd("Graph").into());
            add(&g, void("triples"), count(*n));
        }
    }
    let mut ser = RdfSerializer::from_format(rdf_format)
        .with_prefix("sd", SD)
        .expect("valid prefix")
        .with_prefix("void", VOID)
        .expect("valid prefix")
        .for_writer(Vec::new());
    for triple in &t {
        ser.serialize_triple(triple)
            .map_err(|e| AppError::internal(e.to_string()))?;
    }
    let body = ser
        .finish()
        .map_err(|e| AppError::internal(e.to_string()))?;
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(rdf_format.media_type()),
    );
    Ok(response)
}
