//! [`Crawl`] → RDF quads in the Wikidata graph [`WIKIDATA_GRAPH`](vocab::WIKIDATA_GRAPH): the
//! Wikidata twin network read by [`ingest::wikidata`](crate::ingest::wikidata).
//!
//! Each merged [`Pair`](crate::model::Pair) becomes one [`am::WIKIDATA_TWIN_PAIR`] with both
//! entities as `am:party`, `am:tieKind` twinning, the side(s) that list the other as `am:listedBy`, `am:reciprocal`,
//! and its source lines, duplicates included, as `am:statementCount`.
//!
//! Entities keep their Wikidata IRIs (`http://www.wikidata.org/entity/Q…`), typed
//! [`am::WIKIDATA_PLACE`], so a report place's `am:wikidata` link points straight at its node.
//! A pair's IRI is `https://w3id.org/amity/id/wd-pair/{QA}-{QB}` with the lower QID first.

use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};

use crate::model::Crawl;
use crate::vocab::{self, am, dcterms, rdf, rdfs, skos};

/// The IRI of a Wikidata entity.
pub fn entity(q: u64) -> NamedNode {
    NamedNode::new_unchecked(format!("{}Q{q}", vocab::WD_NS))
}

/// The IRI of a merged pair.
pub fn pair_iri(a: u64, b: u64) -> NamedNode {
    NamedNode::new_unchecked(vocab::resource("wd-pair", &format!("Q{a}-Q{b}")))
}

/// Maps the crawl to quads in the Wikidata graph.
pub fn to_quads(crawl: &Crawl) -> Vec<Quad> {
    let g = GraphName::from(NamedNode::new_unchecked(vocab::WIKIDATA_GRAPH));
    let mut out = Vec::with_capacity(crawl.pairs.len() * 7 + crawl.names.len() * 2 + 8);
    let mut add = |s: &NamedNode, p: oxigraph::model::NamedNodeRef<'_>, o: Term| {
        out.push(Quad::new(
            NamedOrBlankNode::from(s.clone()),
            p.into_owned(),
            o,
            g.clone(),
        ));
    };
    let graph_node = NamedNode::new_unchecked(vocab::WIKIDATA_GRAPH);
    add(
        &graph_node,
        dcterms::SOURCE,
        Literal::from(
            "Wikidata P190 (twinned administrative body), crawl of 2016-09-12 \
             (L3viathan/sister-cities, commit d3028c2)",
        )
        .into(),
    );
    add(
        &graph_node,
        dcterms::LICENSE,
        NamedNode::new_unchecked("http://creativecommons.org/publicdomain/zero/1.0/").into(),
    );
    let mut nodes: Vec<u64> = crawl.pairs.iter().flat_map(|p| [p.a, p.b]).collect();
    nodes.extend(crawl.names.keys().copied());
    nodes.sort_unstable();
    nodes.dedup();
    let twinning = NamedNode::new_unchecked(vocab::concept(vocab::schemes::TIE_KIND.0, "twinning"));
    // Labels: the gazetteer's Chinese and English names where it knows the QID (the crawl's
    // label, mostly German, then stays as an alternative); else the crawl's label, untagged.
    let names = |n: &crate::model::WdNames| -> Vec<Term> {
        [(&n.en, "en"), (&n.zh, "zh")]
            .into_iter()
            .filter(|(text, _)| !text.is_empty())
            .map(|(text, lang)| Literal::new_language_tagged_literal_unchecked(text, lang).into())
            .collect()
    };
    for &q in &nodes {
        let s = entity(q);
        add(&s, rdf::TYPE, am::WIKIDATA_PLACE.into_owned().into());
        let known = crawl.places.get(&q);
        let crawl_label = crawl.names.get(&q);
        match known {
            Some(n) if !n.zh.is_empty() || !n.en.is_empty() => {
                for l in names(n) {
                    add(&s, rdfs::LABEL, l);
                }
                if let Some(l) = crawl_label.filter(|l| **l != n.en) {
                    add(&s, skos::ALT_LABEL, Literal::from(l.as_str()).into());
                }
            }
            _ => {
                if let Some(label) = crawl_label {
                    add(&s, rdfs::LABEL, Literal::from(label.as_str()).into());
                }
            }
        }
        if let Some(c) = known.and_then(|n| n.country) {
            add(&s, am::WIKIDATA_COUNTRY, entity(c).into());
        }
    }
    let mut countries: Vec<(&u64, &crate::model::WdNames)> = crawl.countries.iter().collect();
    countries.sort_by_key(|(q, _)| **q);
    for (&q, n) in countries {
        if crawl.places.contains_key(&q) {
            continue; // a twin place itself: labelled above
        }
        let s = entity(q);
        for l in names(n) {
            add(&s, rdfs::LABEL, l);
        }
    }
    for p in &crawl.pairs {
        let s = pair_iri(p.a, p.b);
        let (ea, eb) = (entity(p.a), entity(p.b));
        add(&s, rdf::TYPE, am::WIKIDATA_TWIN_PAIR.into_owned().into());
        add(&s, am::PARTY, ea.clone().into());
        add(&s, am::PARTY, eb.clone().into());
        add(&s, am::TIE_KIND, twinning.clone().into());
        if p.a_lists_b {
            add(&s, am::LISTED_BY, ea.into());
        }
        if p.b_lists_a {
            add(&s, am::LISTED_BY, eb.into());
        }
        add(&s, am::RECIPROCAL, Literal::from(p.reciprocal()).into());
        add(
            &s,
            am::STATEMENT_COUNT,
            Literal::from(i64::from(p.statements)).into(),
        );
    }
    out
}
