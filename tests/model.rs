//! The knowledge model: the ontology declares every term the code emits, every fact traces to
//! a passage that really states it, the seed facts the report states are present, and an export
//! re-imports to the same dataset.

mod common;

use std::collections::{BTreeSet, HashMap};

use amity::mapping;
use amity::model::Kind;
use amity::vocab;
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{
    dataset::CanonicalizationAlgorithm, Dataset, GraphNameRef, NamedNodeRef, Term, TermRef,
};
use oxigraph::store::Store;

use common::*;

fn ontology() -> Store {
    let store = Store::new().unwrap();
    store
        .load_from_slice(RdfFormat::Turtle, amity::store::ONTOLOGY_TTL)
        .unwrap();
    store
}

fn has_label(onto: &Store, iri: &str, lang: &str) -> bool {
    onto.quads_for_pattern(
        Some(NamedNodeRef::new_unchecked(iri).into()),
        Some(vocab::rdfs::LABEL),
        None,
        None,
    )
    .filter_map(Result::ok)
    .any(|q| matches!(q.object, Term::Literal(ref l) if l.language() == Some(lang) && !l.value().is_empty()))
}

/// Every IRI in amity's vocabulary or concept namespaces that the mapper emits — as a
/// predicate, a class or a concept object — is declared in the ontology with en and zh labels.
#[test]
fn ontology_declares_every_emitted_term() {
    let ds = amity::ingest::load_dir(&data_dir()).unwrap();
    let quads = mapping::dataset_to_quads(&ds);
    let onto = ontology();
    let mut emitted = BTreeSet::new();
    for q in &quads {
        emitted.insert(q.predicate.as_str().to_string());
        if let Term::NamedNode(n) = &q.object {
            emitted.insert(n.as_str().to_string());
        }
    }
    let ours: Vec<_> = emitted
        .iter()
        .filter(|i| i.starts_with(vocab::AM_NS) || i.starts_with(vocab::CONCEPT_NS))
        .collect();
    assert!(
        ours.len() > 60,
        "the mapper emits many terms: {}",
        ours.len()
    );
    let missing: Vec<_> = ours
        .iter()
        .filter(|i| !(has_label(&onto, i, "en") && has_label(&onto, i, "zh")))
        .collect();
    assert!(
        missing.is_empty(),
        "not declared with en+zh labels: {missing:?}"
    );
}

/// Every term of `vocab::am` and every concept of every scheme is declared, used or not.
#[test]
fn ontology_declares_the_whole_vocabulary_and_every_concept() {
    let onto = ontology();
    for (scheme, keys) in vocab::schemes::ALL {
        for key in *keys {
            let iri = vocab::concept(scheme, key);
            assert!(
                has_label(&onto, &iri, "en") && has_label(&onto, &iri, "zh"),
                "{iri}"
            );
        }
    }
    for term in vocab::am::ALL {
        assert!(
            has_label(&onto, term.as_str(), "en") && has_label(&onto, term.as_str(), "zh"),
            "{term} is not declared with en+zh labels"
        );
    }
    assert!(vocab::am::ALL.len() > 60);
}

/// The key Chinese name or number of a fact, which its passage must contain.
fn keys_of(store: &Store, fact: &Term) -> Vec<String> {
    let TermRef::NamedNode(n) = fact.as_ref() else {
        return vec![];
    };
    let iri = n.as_str();
    let value = |p: NamedNodeRef<'_>| -> Vec<String> {
        store
            .quads_for_pattern(Some(n.into()), Some(p), None, None)
            .filter_map(Result::ok)
            .filter_map(|q| match q.object {
                Term::Literal(l) => Some(l.value().to_string()),
                _ => None,
            })
            .collect()
    };
    let zh_labels = || {
        store
            .quads_for_pattern(Some(n.into()), Some(vocab::rdfs::LABEL), None, None)
            .chain(store.quads_for_pattern(
                Some(n.into()),
                Some(vocab::skos::ALT_LABEL),
                None,
                None,
            ))
            .filter_map(Result::ok)
            .filter_map(|q| match q.object {
                Term::Literal(l) if l.language() == Some("zh") => Some(l.value().to_string()),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let seg = iri
        .strip_prefix(vocab::ID_NS)
        .and_then(|r| r.split('/').next())
        .and_then(Kind::from_segment);
    match seg {
        // Tasks: their number as the report writes it (第7项).
        Some(Kind::Task) => value(vocab::am::TASK_NUMBER)
            .into_iter()
            .map(|n| format!("第{n}项"))
            .collect(),
        // Named things: their Chinese name (or a Chinese alias) is in the sentence.
        Some(Kind::Place | Kind::Organisation | Kind::Department | Kind::Person) => zh_labels(),
        // Projects: the stated percentage, else the Chinese name.
        Some(Kind::Project) => {
            let pct = value(vocab::am::PROGRESS_PERCENT);
            if pct.is_empty() {
                zh_labels()
            } else {
                pct
            }
        }
        // Events with a reported total: the number; ties: the anniversary number or a party's
        // name; others: the quote, which the loader already checked.
        Some(Kind::Event) => {
            let n = value(vocab::am::REPORTED_COUNT);
            if n.is_empty() {
                value(vocab::am::QUOTE)
            } else {
                n
            }
        }
        _ => value(vocab::am::QUOTE),
    }
}

/// Every fact node with a passage: the passage is an am:Passage of a report, and its text
/// contains the fact's key Chinese name or number. Rows without a passage name a public source.
#[test]
fn every_fact_traces_to_a_passage_that_states_it() {
    let store = real_store().store();
    let passages: HashMap<Term, String> = store
        .quads_for_pattern(None, Some(vocab::am::TEXT), None, None)
        .filter_map(Result::ok)
        .filter(|q| q.subject.to_string().contains("/id/passage/"))
        .map(|q| {
            (
                Term::from(q.subject),
                match q.object {
                    Term::Literal(l) => l.value().to_string(),
                    _ => String::new(),
                },
            )
        })
        .collect();
    assert!(passages.len() > 50);
    let mut facts = 0;
    let mut subjects = std::collections::HashSet::new();
    for q in store
        .quads_for_pattern(None, Some(vocab::rdf::TYPE), None, None)
        .filter_map(Result::ok)
    {
        // Rows of data/*.csv (the Wikidata crawl has its own provenance, tested elsewhere).
        let s = q.subject.to_string();
        let kind = s
            .trim_matches(['<', '>'])
            .strip_prefix(vocab::ID_NS)
            .and_then(|r| r.split('/').next())
            .and_then(Kind::from_segment);
        if !s.contains('#') && kind.is_some_and(|k| !matches!(k, Kind::Passage | Kind::Report)) {
            subjects.insert(q.subject.clone());
        }
    }
    for s in &subjects {
        let derived: Vec<Term> = store
            .quads_for_pattern(
                Some(s.as_ref()),
                Some(vocab::prov::WAS_DERIVED_FROM),
                None,
                None,
            )
            .filter_map(Result::ok)
            .map(|q| q.object)
            .collect();
        if derived.is_empty() {
            let source = store
                .quads_for_pattern(Some(s.as_ref()), Some(vocab::dcterms::SOURCE), None, None)
                .next();
            assert!(source.is_some(), "{s} has neither a passage nor a source");
            continue;
        }
        let texts: Vec<&String> = derived
            .iter()
            .map(|p| {
                passages
                    .get(p)
                    .unwrap_or_else(|| panic!("{s}: {p} is not a passage"))
            })
            .collect();
        let keys = keys_of(&store, &s.clone().into());
        assert!(!keys.is_empty(), "{s} has no key name or number to check");
        assert!(
            keys.iter()
                .any(|k| texts.iter().any(|t| t.contains(k.as_str()))),
            "{s}: none of {keys:?} occurs in {texts:?}"
        );
        facts += 1;
    }
    assert!(facts > 100, "checked {facts} facts");
}

/// The facts named in the brief are in the graph, at their real level.
#[test]
fn the_seed_report_facts_are_present() {
    let store = real_store().store();
    let ask = |q: &str| -> bool {
        let text = format!("{}ASK {{ {q} }}", vocab::SPARQL_PREFIXES);
        let out = amity::engine::run_to_vec(
            &store,
            &text,
            amity::query::Format::from_name("json").unwrap(),
        )
        .unwrap_or_else(|e| panic!("{q}: {e}"));
        String::from_utf8(out).unwrap().contains("true")
    };
    // Seven tasks with their lead departments.
    for (n, dept) in [
        (7, "协调督办处"),
        (8, "国际处"),
        (9, "欧非处"),
        (10, "环太处"),
        (12, "国际处"),
        (91, "港澳处"),
        (113, "涉外处"),
    ] {
        assert!(
            ask(&format!(
                "?t am:taskNumber {n} ; am:leadDepartment/rdfs:label \"{dept}\"@zh"
            )),
            "task {n}"
        );
    }
    // Levels: a US state is not a city; Olmazor is a district of Tashkent; Bottrop is in NRW.
    assert!(ask("place:california a am:Region ; am:partOf place:usa"));
    assert!(!ask("place:california a am:City"));
    assert!(ask(
        "place:olmazor a am:District ; am:partOf place:tashkent"
    ));
    assert!(ask("place:bottrop a am:City ; am:partOf place:nrw . place:nrw a am:Region ; am:partOf place:germany"));
    // HK, Macao, Taiwan are regions of China, not countries.
    for r in ["hong-kong", "macao", "taiwan"] {
        assert!(
            ask(&format!("place:{r} a am:Region ; am:country place:china")),
            "{r}"
        );
        assert!(!ask(&format!("place:{r} a am:Country")), "{r}");
    }
    // Project progress.
    for (name, pct) in [
        ("国家会议中心二期", "78.5"),
        ("记者之家", "60"),
        ("雁栖湖北二路", "72"),
    ] {
        let q = format!("?p rdfs:label \"{name}\"@zh ; am:progressPercent ?v FILTER(?v = {pct})");
        assert!(ask(&q), "{name}");
    }
    // Partial lists keep the reported total.
    assert!(ask(
        "?e am:reportedCount 128 ; am:partialList am:participant"
    ));
    assert!(ask("?e am:reportedCount 13 ; am:countedProperty am:heldIn ; am:namedCount 2 ; am:partialList am:heldIn"));
    assert!(ask(
        "?e am:reportedCount 11 ; am:partialList am:counterpart"
    ));
    assert!(ask(
        "?e am:reportedCount 17 ; am:countedProperty am:about ; am:namedCount 4"
    ));
    // Derived start years.
    assert!(ask("?t am:party place:beijing, place:hanoi ; am:startYear \"1994\"^^xsd:gYear ; am:startBasis <https://w3id.org/amity/concept/date-basis/derived>"));
    assert!(ask(
        "?t am:party place:beijing, place:mexico-city ; am:startYear \"2009\"^^xsd:gYear"
    ));
    // Agreements: who signed what with whom.
    assert!(ask("?a am:party place:shijingshan, place:olmazor ; am:agreementKind <https://w3id.org/amity/concept/agreement-kind/letter_of_intent>"));
    assert!(ask("?a am:party place:mentougou, place:bottrop ; am:agreementKind <https://w3id.org/amity/concept/agreement-kind/memorandum>"));
    assert!(ask("?a am:party place:beijing, place:minsk ; am:agreementKind <https://w3id.org/amity/concept/agreement-kind/cooperation_plan>"));
    // Facts live in the report's named graph with provenance to the report.
    assert!(ask("GRAPH <https://w3id.org/amity/graph/bjfao-2024h1> { ?e prov:wasDerivedFrom ?p } ?p dcterms:isPartOf <https://w3id.org/amity/id/report/bjfao-2024h1>"));
}

/// Passage offsets point at the passage text inside the report text; a report kept as
/// facts and spans (no text) has spans without offsets, each at most MAX_SPAN_CHARS long.
#[test]
fn passage_offsets_locate_the_sentence_in_the_report() {
    let ds = amity::ingest::load_dir(&data_dir()).unwrap();
    let (mut whole, mut spans) = (0, 0);
    for p in &ds.passages {
        let r = ds.reports.iter().find(|r| r.id == p.report.id).unwrap();
        match &r.text {
            Some(text) => {
                let text: Vec<char> = text.chars().collect();
                let slice: String = text[p.char_start.unwrap()..p.char_end.unwrap()]
                    .iter()
                    .collect();
                assert_eq!(slice, p.text, "{}", p.id);
                whole += 1;
            }
            None => {
                assert!(p.char_start.is_none() && p.char_end.is_none(), "{}", p.id);
                assert!(
                    p.text.chars().count() <= amity::ingest::MAX_SPAN_CHARS,
                    "{}",
                    p.id
                );
                assert!(r.source_url.is_some(), "{} has its published page", r.id);
                spans += 1;
            }
        }
    }
    assert_eq!(whole, 53, "the seed's sentences");
    assert!(spans >= 15, "the excerpts' spans: {spans}");
}

fn dataset_of(store: &Store) -> Dataset {
    let mut ds: Dataset = store.iter().map(Result::unwrap).collect();
    ds.canonicalize(CanonicalizationAlgorithm::Unstable);
    ds
}

/// Export → re-import gives an isomorphic dataset, in N-Quads and in TriG.
#[test]
fn export_reimport_round_trips() {
    let store = real_store().store();
    let original = dataset_of(&store);
    for format in [RdfFormat::NQuads, RdfFormat::TriG] {
        let mut ser = RdfSerializer::from_format(format).for_writer(Vec::new());
        for q in store.iter() {
            ser.serialize_quad(&q.unwrap()).unwrap();
        }
        let bytes = ser.finish().unwrap();
        let copy = Store::new().unwrap();
        copy.load_from_slice(RdfParser::from_format(format), &bytes)
            .unwrap();
        assert_eq!(copy.len().unwrap(), store.len().unwrap(), "{format}");
        assert_eq!(dataset_of(&copy), original, "{format}");
    }
    // And the named graphs survive.
    let graphs: BTreeSet<String> = store
        .named_graphs()
        .map(|g| g.unwrap().to_string())
        .collect();
    assert!(graphs.contains("<https://w3id.org/amity/graph/bjfao-2024h1>"));
    assert!(graphs.contains("<https://w3id.org/amity/graph/ontology>"));
    let _ = GraphNameRef::DefaultGraph;
}

/// The CLI's export and load work end to end from the built binary.
/// Runs the built `amity` binary with `args` and `--data data/`.
fn amity(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_amity"))
        .args(args)
        .arg("--data")
        .arg(data_dir())
        .output()
        .unwrap()
}

#[test]
fn cli_export_and_query_from_a_fresh_checkout() {
    let out = amity(&["export", "--format", "nquads"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() > 2000);
    let out = amity(&[
        "query",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/amity/ns#Task> }",
        "--format",
        "csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n"),
        "n\n7\n"
    );
    // A syntax error is reported with its position and a failing exit code.
    let out = amity(&["query", "SELECT ?x WHERE { ?x "]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// A mistyped all-pairs limit is refused by name and value before any work, not replaced by a
// default the user did not ask for; a valid one is accepted.
#[test]
fn cli_refuses_an_unparsable_all_pairs_limit() {
    let run = |v: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_amity"))
            .args(["summary", "--data"])
            .arg(data_dir())
            .env("AMITY_ALL_PAIRS_MAX_NODES", v)
            .output()
            .unwrap()
    };
    let out = run("25k");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("AMITY_ALL_PAIRS_MAX_NODES") && err.contains("25k"),
        "{err}"
    );
    let out = run("10");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The same place named in two reports is one node, and each report's fact about it keeps its
/// own provenance (its report's graph, passage and quote): Longview in Changzhou's April item and
/// its mid-year report; the Fourth Embassy Area in Beijing's 2020 and 2024 reports. A second
/// report's facts sit beside the first's, they do not replace them.
#[test]
fn one_place_in_two_reports_is_one_node_with_two_provenances() {
    let store = real_store().store();
    let select = |q: &str| -> Vec<String> {
        let text = format!("{}{q}", vocab::SPARQL_PREFIXES);
        let out = amity::engine::run_to_vec(
            &store,
            &text,
            amity::query::Format::from_name("tsv").unwrap(),
        )
        .unwrap_or_else(|e| panic!("{q}: {e}"));
        String::from_utf8(out)
            .unwrap()
            .lines()
            .skip(1)
            .map(str::to_string)
            .collect()
    };
    for (place, a, b) in [
        ("longview-wa", "cz-20140422", "cz-2014h1"),
        ("fourth-embassy-area", "bjfao-2020", "bjfao-2024h1"),
    ] {
        // One node by that name.
        let nodes = select(&format!(
            "SELECT DISTINCT ?p WHERE {{ ?p a am:Place ; rdfs:label ?l . place:{place} rdfs:label ?l }}"
        ));
        assert_eq!(
            nodes,
            vec![format!("<https://w3id.org/amity/id/place/{place}>")],
            "{place}"
        );
        // Facts about it from both reports, each in its own report's graph with its passage.
        let rows = select(&format!(
            "SELECT DISTINCT ?g ?r WHERE {{ GRAPH ?g {{ ?f ?prop place:{place} ; prov:wasDerivedFrom ?p ; am:quote ?q }} ?p dcterms:isPartOf ?r }} ORDER BY ?r"
        ));
        for rep in [a, b] {
            assert!(
                rows.iter().any(|r| r.contains(&format!("graph/{rep}>"))
                    && r.contains(&format!("report/{rep}>"))),
                "{place} in {rep}: {rows:?}"
            );
        }
    }
}
