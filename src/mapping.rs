//! [`Dataset`] → RDF quads. This is the one place where a CSV column becomes a triple.
//!
//! Each report's facts go to the named graph `graph/{report id}`; rows that cite a public source
//! instead of a passage go to `graph/reference`. Every fact node carries `prov:wasDerivedFrom`
//! its passage and `am:quote` the verbatim phrase (or `dcterms:source`), so any triple can be
//! traced to the sentence of the report that states it.
//!
//! [`wikidata`] maps the Wikidata twin network ([`Crawl`]) to its own named graph, so this
//! module is also the one place where a column of `data/wikidata/` becomes a triple.

pub mod wikidata;

use std::collections::HashMap;

use oxigraph::model::{
    GraphName, Literal, LiteralRef, NamedNode, NamedNodeRef, Quad, QuadRef, TermRef,
};

use crate::model::*;
use crate::vocab::{self, am, dcterms, geo, geosparql, prov, rdf, rdfs, schemes, skos, xsd};

/// Maps a validated dataset to quads (the ontology is loaded separately by the store).
pub fn dataset_to_quads(ds: &Dataset) -> Vec<Quad> {
    let mut quads = Vec::with_capacity(ds.row_count() * 12);
    map_dataset(ds, &mut |q| quads.push(q.into_owned()));
    quads
}

/// Maps a validated dataset, handing each quad to `sink` as it is made: nothing is collected,
/// so a store can take ten million quads without holding them all first.
pub fn map_dataset(ds: &Dataset, sink: &mut dyn FnMut(QuadRef<'_>)) {
    map_dataset_with_progress(ds, sink, &mut |_| {})
}

/// As [`map_dataset`], calling `rows_done` with the number of rows mapped so far every
/// [`PROGRESS_STEP`] rows and at the end.
pub fn map_dataset_with_progress(
    ds: &Dataset,
    sink: &mut dyn FnMut(QuadRef<'_>),
    rows_done: &mut dyn FnMut(usize),
) {
    let mut m = Mapper::new(ds, sink);
    let (mut rows, total) = (0, ds.row_count());
    let mut tick = || {
        rows += 1;
        if rows % PROGRESS_STEP == 0 || rows == total {
            rows_done(rows);
        }
    };
    for r in &ds.reports {
        m.report(r);
        tick();
    }
    for p in &ds.passages {
        m.passage(p);
        tick();
    }
    for t in &ds.tasks {
        m.task(t);
        tick();
    }
    for d in &ds.departments {
        m.department(d);
        tick();
    }
    for o in &ds.organisations {
        m.organisation(o);
        tick();
    }
    for p in &ds.persons {
        m.person(p);
        tick();
    }
    for p in &ds.places {
        m.place(p);
        tick();
    }
    for t in &ds.ties {
        m.tie(t);
        tick();
    }
    for a in &ds.agreements {
        m.agreement(a);
        tick();
    }
    for e in &ds.events {
        m.event(e);
        tick();
    }
    for p in &ds.projects {
        m.project(p);
        tick();
    }
    for d in &ds.documents {
        m.document(d);
        tick();
    }
}

/// How often (in rows) [`map_dataset_with_progress`] reports.
pub const PROGRESS_STEP: usize = 10_000;

/// The IRI of a row.
pub fn iri(kind: Kind, id: &str) -> NamedNode {
    NamedNode::new_unchecked(vocab::resource(kind.segment(), id))
}

fn ref_iri(r: &Ref) -> NamedNode {
    iri(r.kind, &r.id)
}

/// The property an [`EventList`] is written with.
pub fn list_property(l: EventList) -> NamedNodeRef<'static> {
    match l {
        EventList::HeldIn => am::HELD_IN,
        EventList::Counterparts => am::COUNTERPART,
        EventList::Participants => am::PARTICIPANT,
        EventList::Fields => am::FIELD,
        EventList::Documents => am::ABOUT,
        EventList::SubEvents => am::SUB_EVENT_OF,
    }
}

fn level_class(l: Level) -> NamedNodeRef<'static> {
    match l {
        Level::Continent => am::CONTINENT,
        Level::Country => am::COUNTRY,
        Level::Region => am::REGION,
        Level::City => am::CITY,
        Level::District => am::DISTRICT,
        Level::Site => am::SITE,
    }
}

struct Mapper<'a, 's> {
    sink: &'s mut dyn FnMut(QuadRef<'_>),
    /// The graph of each passage (its report's graph).
    passage_graph: HashMap<&'a str, GraphName>,
    reference_graph: GraphName,
    /// Text of each passage, for the task texts.
    passage_text: HashMap<&'a str, &'a str>,
    /// Labels of places, for naming ties.
    place_names: HashMap<&'a str, (&'a str, &'a str)>,
    /// Graph the current subject's triples go to.
    graph: GraphName,
}

impl<'a, 's> Mapper<'a, 's> {
    fn new(ds: &'a Dataset, sink: &'s mut dyn FnMut(QuadRef<'_>)) -> Self {
        let report_graph = |id: &str| GraphName::from(NamedNode::new_unchecked(vocab::graph(id)));
        Mapper {
            sink,
            passage_graph: ds
                .passages
                .iter()
                .map(|p| (p.id.as_str(), report_graph(&p.report.id)))
                .collect(),
            passage_text: ds
                .passages
                .iter()
                .map(|p| (p.id.as_str(), p.text.as_str()))
                .collect(),
            reference_graph: GraphName::from(NamedNode::new_unchecked(vocab::REFERENCE_GRAPH)),
            place_names: ds
                .places
                .iter()
                .map(|p| (p.id.as_str(), (p.name_zh.as_str(), p.name_en.as_str())))
                .collect(),
            graph: GraphName::DefaultGraph,
        }
    }

    fn add<'t>(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, o: impl Into<TermRef<'t>>) {
        (self.sink)(QuadRef::new(s, p, o.into(), self.graph.as_ref()));
    }

    fn iri<'t>(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, o: impl Into<NamedNodeRef<'t>>) {
        self.add(s, p, o.into());
    }

    fn zh(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, text: &str) {
        if !text.is_empty() {
            self.add(
                s,
                p,
                LiteralRef::new_language_tagged_literal_unchecked(text, "zh"),
            );
        }
    }

    fn en(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, text: &str) {
        if !text.is_empty() {
            self.add(
                s,
                p,
                LiteralRef::new_language_tagged_literal_unchecked(text, "en"),
            );
        }
    }

    fn typed(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, value: &str, dt: NamedNodeRef<'_>) {
        self.add(s, p, LiteralRef::new_typed_literal(value, dt));
    }

    /// An `xsd:decimal` in the form Turtle writes bare (`72.0`, not `"72"^^xsd:decimal`).
    fn decimal(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, value: &str) {
        if value.contains('.') {
            self.typed(s, p, value, xsd::DECIMAL);
        } else {
            self.typed(s, p, &format!("{value}.0"), xsd::DECIMAL);
        }
    }

    fn int(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, v: i64) {
        self.add(s, p, &Literal::from(v));
    }

    fn concept(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, scheme: schemes::Scheme, key: &str) {
        if !key.is_empty() {
            self.iri(
                s,
                p,
                &NamedNode::new_unchecked(vocab::concept(scheme.0, key)),
            );
        }
    }

    fn labels(&mut self, s: &NamedNode, zh: &str, en: &str) {
        self.zh(s, rdfs::LABEL, zh);
        self.en(s, rdfs::LABEL, en);
    }

    fn refs(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, refs: &[Ref]) {
        for r in refs {
            self.iri(s, p, &ref_iri(r));
        }
    }

    fn opt_ref(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, r: &Option<Ref>) {
        if let Some(r) = r {
            self.iri(s, p, &ref_iri(r));
        }
    }

    /// Chooses the subject's graph from its provenance and writes the provenance triples.
    fn provenance(&mut self, s: &NamedNode, prov_: &Provenance) {
        self.graph = match &prov_.passage {
            Some(p) => self
                .passage_graph
                .get(p.id.as_str())
                .cloned()
                .unwrap_or_else(|| self.reference_graph.clone()),
            None => self.reference_graph.clone(),
        };
        if let Some(p) = &prov_.passage {
            self.iri(s, prov::WAS_DERIVED_FROM, &ref_iri(p));
        }
        if let Some(q) = &prov_.quote {
            self.zh(s, am::QUOTE, q);
        }
        if let Some(src) = &prov_.source {
            self.add(s, dcterms::SOURCE, LiteralRef::new_simple_literal(src));
        }
    }

    fn when(&mut self, s: &NamedNode, w: &When) {
        if let Some(d) = &w.date {
            self.typed(s, dcterms::DATE, d, xsd::DATE);
        }
        if let Some(d) = &w.period_start {
            self.typed(s, am::PERIOD_START, d, xsd::DATE);
        }
        if let Some(d) = &w.period_end {
            self.typed(s, am::PERIOD_END, d, xsd::DATE);
        }
        if let Some(b) = &w.basis {
            self.concept(s, am::DATE_BASIS, schemes::DATE_BASIS, b);
        }
    }

    fn report(&mut self, r: &Report) {
        let s = iri(Kind::Report, &r.id);
        self.graph = GraphName::from(NamedNode::new_unchecked(vocab::graph(&r.id)));
        self.iri(&s, rdf::TYPE, am::REPORT);
        self.labels(&s, &r.title_zh, &r.title_en);
        self.zh(&s, dcterms::TITLE, &r.title_zh);
        if let Some(d) = &r.date {
            self.typed(&s, dcterms::DATE, d, xsd::DATE);
        }
        self.typed(&s, am::PERIOD_START, &r.period_start, xsd::DATE);
        self.typed(&s, am::PERIOD_END, &r.period_end, xsd::DATE);
        self.iri(&s, dcterms::PUBLISHER, &ref_iri(&r.publisher));
        self.iri(&s, prov::WAS_ATTRIBUTED_TO, &ref_iri(&r.publisher));
        self.zh(&s, am::SOURCE_NAME, &r.source_zh);
        if let Some(t) = &r.text {
            self.zh(&s, am::TEXT, t);
        }
        if let Some(u) = &r.source_url {
            self.iri(&s, dcterms::SOURCE, NamedNodeRef::new_unchecked(u));
        }
        if let Some(c) = &r.completeness {
            self.concept(&s, am::COMPLETENESS, schemes::COMPLETENESS, c);
        }
        if let Some(n) = &r.note {
            self.en(&s, am::NOTE, n);
        }
    }

    fn passage(&mut self, p: &Passage) {
        let s = iri(Kind::Passage, &p.id);
        self.graph = self.passage_graph[p.id.as_str()].clone();
        self.iri(&s, rdf::TYPE, am::PASSAGE);
        self.zh(
            &s,
            rdfs::LABEL,
            &format!("{} 第{}段第{}句", p.report.id, p.paragraph, p.sentence),
        );
        self.en(
            &s,
            rdfs::LABEL,
            &format!("{} ¶{}.{}", p.report.id, p.paragraph, p.sentence),
        );
        self.zh(&s, am::TEXT, &p.text);
        self.int(&s, am::PARAGRAPH, p.paragraph);
        self.int(&s, am::SENTENCE, p.sentence);
        if let (Some(a), Some(b)) = (p.char_start, p.char_end) {
            self.int(&s, am::CHAR_START, a as i64);
            self.int(&s, am::CHAR_END, b as i64);
        }
        self.iri(&s, dcterms::IS_PART_OF, &ref_iri(&p.report));
    }

    fn passages_text(&self, refs: &[Ref]) -> String {
        refs.iter()
            .filter_map(|r| self.passage_text.get(r.id.as_str()).copied())
            .collect::<Vec<_>>()
            .join("")
    }

    fn task(&mut self, t: &Task) {
        let s = iri(Kind::Task, &t.id);
        self.graph = GraphName::from(NamedNode::new_unchecked(vocab::graph(&t.report.id)));
        self.iri(&s, rdf::TYPE, am::TASK);
        self.labels(
            &s,
            &format!("第{}项", t.number),
            &format!("Task {}", t.number),
        );
        self.en(&s, dcterms::DESCRIPTION, &t.title_en);
        self.int(&s, am::TASK_NUMBER, t.number);
        let task_text = self.passages_text(&t.task_passages);
        let progress = self.passages_text(&t.progress_passages);
        self.zh(&s, am::TASK_TEXT, &task_text);
        self.zh(&s, am::PROGRESS_TEXT, &progress);
        self.iri(&s, am::LEAD_DEPARTMENT, &ref_iri(&t.lead_department));
        self.iri(&s, dcterms::IS_PART_OF, &ref_iri(&t.report));
        self.refs(&s, am::TASK_PASSAGE, &t.task_passages);
        self.refs(&s, am::PROGRESS_PASSAGE, &t.progress_passages);
        self.refs(&s, prov::WAS_DERIVED_FROM, &t.task_passages);
        self.iri(&s, prov::WAS_DERIVED_FROM, &ref_iri(&t.lead_passage));
    }

    fn department(&mut self, d: &Department) {
        let s = iri(Kind::Department, &d.id);
        self.provenance(&s, &d.prov);
        self.iri(&s, rdf::TYPE, am::DEPARTMENT);
        self.iri(&s, rdf::TYPE, am::ORGANISATION);
        self.labels(&s, &d.name_zh, &d.name_en);
        self.concept(
            &s,
            am::ORGANISATION_KIND,
            schemes::ORGANISATION_KIND,
            "government_division",
        );
        self.opt_ref(&s, am::PARENT_ORGANISATION, &d.parent);
    }

    fn organisation(&mut self, o: &Organisation) {
        let s = iri(Kind::Organisation, &o.id);
        self.provenance(&s, &o.prov);
        self.iri(&s, rdf::TYPE, am::ORGANISATION);
        self.labels(&s, &o.name_zh, &o.name_en);
        for a in &o.alt_zh {
            self.zh(&s, skos::ALT_LABEL, a);
        }
        self.concept(
            &s,
            am::ORGANISATION_KIND,
            schemes::ORGANISATION_KIND,
            &o.kind,
        );
        self.opt_ref(&s, am::PARENT_ORGANISATION, &o.parent);
        self.opt_ref(&s, am::BASED_IN, &o.based_in);
        if let Some(n) = &o.note {
            self.en(&s, am::NOTE, n);
        }
    }

    fn person(&mut self, p: &Person) {
        let s = iri(Kind::Person, &p.id);
        self.provenance(&s, &p.prov);
        self.iri(&s, rdf::TYPE, am::PERSON);
        self.labels(&s, &p.name_zh, &p.name_en);
        if let Some(r) = &p.role_zh {
            self.zh(&s, am::ROLE, r);
        }
        if let Some(r) = &p.role_en {
            self.en(&s, am::ROLE, r);
        }
        self.opt_ref(&s, am::AFFILIATION, &p.affiliation);
    }

    fn place(&mut self, p: &Place) {
        let s = iri(Kind::Place, &p.id);
        self.provenance(&s, &p.prov);
        self.iri(&s, rdf::TYPE, am::PLACE);
        self.iri(&s, rdf::TYPE, level_class(p.level));
        self.labels(&s, &p.name_zh, &p.name_en);
        for a in &p.alt_zh {
            self.zh(&s, skos::ALT_LABEL, a);
        }
        self.concept(&s, am::ADMIN_TYPE, schemes::ADMIN_TYPE, &p.admin_type);
        self.opt_ref(&s, am::PART_OF, &p.part_of);
        if let Some(c) = &p.country {
            self.iri(&s, am::COUNTRY_OF, &iri(Kind::Place, c));
        }
        if let (Some(lat), Some(lon)) = (&p.lat, &p.lon) {
            self.decimal(&s, geo::LAT, lat);
            self.decimal(&s, geo::LONG, lon);
            let g = NamedNode::new_unchecked(format!("{}#geometry", s.as_str()));
            self.iri(&s, geosparql::HAS_GEOMETRY, &g);
            self.iri(&g, rdf::TYPE, geosparql::GEOMETRY);
            self.typed(
                &g,
                geosparql::AS_WKT,
                &format!("POINT({lon} {lat})"),
                geosparql::WKT_LITERAL,
            );
        }
        if let Some(c) = &p.coord_source {
            self.add(&s, am::COORDINATE_SOURCE, LiteralRef::new_simple_literal(c));
        }
        if let Some(q) = &p.wikidata {
            self.iri(
                &s,
                am::WIKIDATA,
                &NamedNode::new_unchecked(format!("{}{q}", vocab::WD_NS)),
            );
        }
        if let Some(n) = &p.note {
            self.en(&s, am::NOTE, n);
        }
    }

    fn tie(&mut self, t: &'a Tie) {
        let s = iri(Kind::Tie, &t.id);
        self.provenance(&s, &t.prov);
        self.iri(&s, rdf::TYPE, am::FRIENDSHIP_TIE);
        let name = |id: &'a str| self.place_names.get(id).copied().unwrap_or((id, id));
        let (a, b) = (name(&t.place_a.id), name(&t.place_b.id));
        // No English label when a place has no English name (name_en is optional).
        let en = if a.1.is_empty() || b.1.is_empty() {
            String::new()
        } else {
            format!("{} – {}", a.1, b.1)
        };
        self.labels(&s, &format!("{}—{}", a.0, b.0), &en);
        self.iri(&s, am::PARTY, &ref_iri(&t.place_a));
        self.iri(&s, am::PARTY, &ref_iri(&t.place_b));
        self.concept(&s, am::TIE_KIND, schemes::TIE_KIND, &t.kind);
        if let Some(y) = &t.start_year {
            self.typed(&s, am::START_YEAR, y, xsd::G_YEAR);
        }
        if let Some(d) = &t.start_date {
            self.typed(&s, am::START_DATE, d, xsd::DATE);
        }
        if let Some(b) = &t.start_basis {
            self.concept(&s, am::START_BASIS, schemes::DATE_BASIS, b);
        }
        if let Some(n) = &t.basis_note {
            self.en(&s, am::BASIS_NOTE, n);
        }
        self.opt_ref(&s, am::EVIDENCE, &t.evidence);
    }

    fn agreement(&mut self, a: &Agreement) {
        let s = iri(Kind::Agreement, &a.id);
        self.provenance(&s, &a.prov);
        self.iri(&s, rdf::TYPE, am::AGREEMENT);
        self.labels(&s, &a.title_zh, &a.title_en);
        self.opt_ref(&s, am::IN_TASK, &a.task);
        self.concept(&s, am::AGREEMENT_KIND, schemes::AGREEMENT_KIND, &a.kind);
        self.refs(&s, am::PARTY, &a.parties);
        if let Some(l) = &a.signing_level {
            self.concept(&s, am::SIGNING_LEVEL, schemes::SIGNING_LEVEL, l);
        }
        if let Some(st) = &a.status {
            self.concept(&s, am::STATUS, schemes::STATUS, st);
        }
        self.opt_ref(&s, am::PART_OF_AGREEMENT, &a.part_of);
        self.opt_ref(&s, am::OUTCOME_OF, &a.outcome_of);
        self.when(&s, &a.when);
        if let Some(n) = &a.note {
            self.en(&s, am::NOTE, n);
        }
    }

    fn event(&mut self, e: &Event) {
        let s = iri(Kind::Event, &e.id);
        self.provenance(&s, &e.prov);
        self.iri(&s, rdf::TYPE, am::EVENT);
        self.labels(&s, &e.title_zh, &e.title_en);
        self.opt_ref(&s, am::IN_TASK, &e.task);
        self.concept(&s, am::EVENT_KIND, schemes::EVENT_KIND, &e.kind);
        if let Some(st) = &e.status {
            self.concept(&s, am::STATUS, schemes::STATUS, st);
        }
        self.refs(&s, am::HELD_IN, &e.held_in);
        self.refs(&s, am::COUNTERPART, &e.counterparts);
        self.refs(&s, am::PARTICIPANT, &e.participants);
        self.refs(&s, am::ORGANISER, &e.organisers);
        self.refs(&s, am::ABOUT, &e.documents);
        for r in &e.roles_zh {
            self.zh(&s, am::PARTICIPANT_ROLE, r);
        }
        for f in &e.fields_zh {
            self.zh(&s, am::FIELD, f);
        }
        if let Some(l) = e.counted_list {
            self.iri(&s, am::COUNTED_PROPERTY, list_property(l));
        }
        if let Some(n) = e.reported_count {
            self.int(&s, am::REPORTED_COUNT, n);
        }
        if let Some(n) = e.named_count {
            self.int(&s, am::NAMED_COUNT, n as i64);
        }
        if let Some(u) = &e.count_unit {
            self.zh(&s, am::COUNT_UNIT, u);
        }
        for l in &e.partial_lists {
            self.iri(&s, am::PARTIAL_LIST, list_property(*l));
        }
        if let Some(n) = e.ordinal {
            self.int(&s, am::ORDINAL, n);
        }
        if let Some(n) = e.anniversary {
            self.int(&s, am::ANNIVERSARY, n);
        }
        self.opt_ref(&s, am::CELEBRATES, &e.celebrates);
        self.refs(&s, am::IMPLEMENTS, &e.implements);
        self.opt_ref(&s, am::SUB_EVENT_OF, &e.part_of);
        self.when(&s, &e.when);
    }

    fn project(&mut self, p: &Project) {
        let s = iri(Kind::Project, &p.id);
        self.provenance(&s, &p.prov);
        self.iri(&s, rdf::TYPE, am::PROJECT);
        self.labels(&s, &p.name_zh, &p.name_en);
        self.opt_ref(&s, am::IN_TASK, &p.task);
        self.opt_ref(&s, am::PART_OF_PROJECT, &p.part_of);
        self.opt_ref(&s, am::LOCATION, &p.location);
        if let Some(st) = &p.status {
            self.concept(&s, am::STATUS, schemes::STATUS, st);
        }
        if let Some(v) = &p.progress_pct {
            self.decimal(&s, am::PROGRESS_PERCENT, v);
        }
        if let Some(v) = &p.progress_measure_zh {
            self.zh(&s, am::PROGRESS_MEASURE, v);
        }
        if let Some(v) = &p.progress_zh {
            self.zh(&s, am::PROGRESS_TEXT, v);
        }
    }

    fn document(&mut self, d: &Document) {
        let s = iri(Kind::Document, &d.id);
        self.provenance(&s, &d.prov);
        self.iri(&s, rdf::TYPE, am::DOCUMENT);
        self.labels(&s, &d.title_zh, &d.title_en);
        self.opt_ref(&s, am::IN_TASK, &d.task);
        self.concept(&s, am::DOCUMENT_KIND, schemes::DOCUMENT_KIND, &d.kind);
        self.opt_ref(&s, am::ISSUER, &d.issuer);
        if let Some(n) = &d.note {
            self.en(&s, am::NOTE, n);
        }
    }
}
