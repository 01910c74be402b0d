//! The validated content of `data/`: one struct per CSV file, with references already checked;
//! and the Wikidata twin network of `data/wikidata/` merged into undirected pairs ([`Crawl`]).
//!
//! Built only by [`crate::ingest`]; read by [`crate::mapping`]. Nothing here knows about RDF.

use std::collections::HashMap;

use crate::error::Pos;

/// The kind of a row, which is also the path segment of its IRI (`id/{kind}/{id}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Report,
    Passage,
    Task,
    Department,
    Organisation,
    Person,
    Place,
    Tie,
    Agreement,
    Event,
    Project,
    Document,
}

impl Kind {
    /// The IRI path segment.
    pub fn segment(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Passage => "passage",
            Kind::Task => "task",
            Kind::Department => "department",
            Kind::Organisation => "organisation",
            Kind::Person => "person",
            Kind::Place => "place",
            Kind::Tie => "tie",
            Kind::Agreement => "agreement",
            Kind::Event => "event",
            Kind::Project => "project",
            Kind::Document => "document",
        }
    }

    pub fn from_segment(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.segment() == s)
    }

    pub const ALL: [Kind; 12] = [
        Kind::Report,
        Kind::Passage,
        Kind::Task,
        Kind::Department,
        Kind::Organisation,
        Kind::Person,
        Kind::Place,
        Kind::Tie,
        Kind::Agreement,
        Kind::Event,
        Kind::Project,
        Kind::Document,
    ];
}

/// A reference to another row, resolved to its kind during validation.
#[derive(Clone, Debug)]
pub struct Ref {
    pub id: String,
    pub kind: Kind,
    pub at: Pos,
}

/// Where a fact comes from: a passage and the verbatim phrase in it, or a named public source.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    pub passage: Option<Ref>,
    pub quote: Option<String>,
    pub source: Option<String>,
}

/// A date or period with how it is known.
#[derive(Clone, Debug, Default)]
pub struct When {
    pub date: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub basis: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    pub publisher: Ref,
    pub source_zh: String,
    /// Publication date; `None` when the published page does not state one (the period does).
    pub date: Option<String>,
    pub period_start: String,
    pub period_end: String,
    /// The full text, for a report the project keeps whole (the seed); `None` for a report
    /// kept as facts and short spans only (its text stays with its publisher, at `source_url`).
    pub text: Option<String>,
    /// The published page the report was taken from.
    pub source_url: Option<String>,
    /// `complete` or `excerpt` (schemes::COMPLETENESS).
    pub completeness: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Passage {
    pub id: String,
    pub report: Ref,
    pub paragraph: i64,
    pub sentence: i64,
    pub text: String,
    /// Offsets of `text` in the report text, in characters (Unicode scalar values); `None`
    /// when the report keeps no full text (the passage is then the short span itself).
    pub char_start: Option<usize>,
    pub char_end: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct Task {
    pub id: String,
    pub report: Ref,
    pub number: i64,
    pub title_en: String,
    pub lead_department: Ref,
    pub task_passages: Vec<Ref>,
    pub lead_passage: Ref,
    pub progress_passages: Vec<Ref>,
}

#[derive(Clone, Debug)]
pub struct Department {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub parent: Option<Ref>,
    pub prov: Provenance,
}

#[derive(Clone, Debug)]
pub struct Organisation {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub alt_zh: Vec<String>,
    pub kind: String,
    pub parent: Option<Ref>,
    pub based_in: Option<Ref>,
    pub note: Option<String>,
    pub prov: Provenance,
}

#[derive(Clone, Debug)]
pub struct Person {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub role_zh: Option<String>,
    pub role_en: Option<String>,
    pub affiliation: Option<Ref>,
    pub prov: Provenance,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    Continent,
    Country,
    Region,
    City,
    District,
    Site,
}

impl Level {
    pub const KEYS: &'static [&'static str] =
        &["continent", "country", "region", "city", "district", "site"];

    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "continent" => Level::Continent,
            "country" => Level::Country,
            "region" => Level::Region,
            "city" => Level::City,
            "district" => Level::District,
            "site" => Level::Site,
            _ => return None,
        })
    }

    pub fn key(self) -> &'static str {
        Level::KEYS[self as usize]
    }
}

#[derive(Clone, Debug)]
pub struct Place {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub alt_zh: Vec<String>,
    pub level: Level,
    pub admin_type: String,
    pub part_of: Option<Ref>,
    /// The country reached by walking `part_of` (itself for a country); computed by validation.
    pub country: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub coord_source: Option<String>,
    pub wikidata: Option<String>,
    pub note: Option<String>,
    pub prov: Provenance,
    /// Where this row's `part_of` cell is, for errors found across rows.
    pub part_of_at: Pos,
    /// Where this row's `wikidata` cell is, for the one-place-per-QID check.
    pub wikidata_at: Pos,
}

#[derive(Clone, Debug)]
pub struct Tie {
    pub id: String,
    pub place_a: Ref,
    pub place_b: Ref,
    pub kind: String,
    pub start_year: Option<String>,
    pub start_date: Option<String>,
    pub start_basis: Option<String>,
    pub basis_note: Option<String>,
    pub evidence: Option<Ref>,
    pub prov: Provenance,
}

#[derive(Clone, Debug)]
pub struct Agreement {
    pub id: String,
    pub task: Option<Ref>,
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    pub parties: Vec<Ref>,
    pub signing_level: Option<String>,
    pub status: Option<String>,
    pub part_of: Option<Ref>,
    pub outcome_of: Option<Ref>,
    pub when: When,
    pub note: Option<String>,
    pub prov: Provenance,
}

/// The lists of an event that a reported count or a "等" (and others) can refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventList {
    HeldIn,
    Counterparts,
    Participants,
    Fields,
    Documents,
    SubEvents,
}

impl EventList {
    pub const KEYS: &'static [&'static str] = &[
        "held_in",
        "counterparts",
        "participants",
        "fields",
        "documents",
        "sub_events",
    ];

    pub fn parse(s: &str) -> Option<EventList> {
        Some(match s {
            "held_in" => EventList::HeldIn,
            "counterparts" => EventList::Counterparts,
            "participants" => EventList::Participants,
            "fields" => EventList::Fields,
            "documents" => EventList::Documents,
            "sub_events" => EventList::SubEvents,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Event {
    pub id: String,
    pub task: Option<Ref>,
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    pub status: Option<String>,
    pub held_in: Vec<Ref>,
    pub counterparts: Vec<Ref>,
    pub participants: Vec<Ref>,
    pub organisers: Vec<Ref>,
    pub documents: Vec<Ref>,
    pub roles_zh: Vec<String>,
    pub fields_zh: Vec<String>,
    pub counted_list: Option<EventList>,
    pub reported_count: Option<i64>,
    pub count_unit: Option<String>,
    /// How many members of `counted_list` the report names; computed by validation.
    pub named_count: Option<usize>,
    pub partial_lists: Vec<EventList>,
    pub ordinal: Option<i64>,
    pub anniversary: Option<i64>,
    pub celebrates: Option<Ref>,
    pub implements: Vec<Ref>,
    pub part_of: Option<Ref>,
    pub when: When,
    pub prov: Provenance,
    /// Where this row's `reported_count` cell is, for errors found across rows.
    pub reported_count_at: Pos,
}

#[derive(Clone, Debug)]
pub struct Project {
    pub id: String,
    pub task: Option<Ref>,
    pub name_zh: String,
    pub name_en: String,
    pub part_of: Option<Ref>,
    pub location: Option<Ref>,
    pub status: Option<String>,
    pub progress_pct: Option<String>,
    pub progress_measure_zh: Option<String>,
    pub progress_zh: Option<String>,
    pub prov: Provenance,
}

#[derive(Clone, Debug)]
pub struct Document {
    pub id: String,
    pub task: Option<Ref>,
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    pub issuer: Option<Ref>,
    pub note: Option<String>,
    pub prov: Provenance,
}

/// Everything in one `data/` folder, validated.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub reports: Vec<Report>,
    pub passages: Vec<Passage>,
    pub tasks: Vec<Task>,
    pub departments: Vec<Department>,
    pub organisations: Vec<Organisation>,
    pub persons: Vec<Person>,
    pub places: Vec<Place>,
    pub ties: Vec<Tie>,
    pub agreements: Vec<Agreement>,
    pub events: Vec<Event>,
    pub projects: Vec<Project>,
    pub documents: Vec<Document>,
}

impl Dataset {
    /// Number of rows across all files.
    pub fn row_count(&self) -> usize {
        self.reports.len()
            + self.passages.len()
            + self.tasks.len()
            + self.departments.len()
            + self.organisations.len()
            + self.persons.len()
            + self.places.len()
            + self.ties.len()
            + self.agreements.len()
            + self.events.len()
            + self.projects.len()
            + self.documents.len()
    }
}

/// One undirected pair of the Wikidata crawl after merging (see [`crate::ingest::wikidata`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// Lower QID number.
    pub a: u64,
    /// Higher QID number.
    pub b: u64,
    /// `a` lists `b`.
    pub a_lists_b: bool,
    /// `b` lists `a`.
    pub b_lists_a: bool,
    /// Source lines stating the pair, duplicates included.
    pub statements: u32,
}

impl Pair {
    pub fn reciprocal(&self) -> bool {
        self.a_lists_b && self.b_lists_a
    }
}

/// The parsed Wikidata crawl (`data/wikidata/`).
#[derive(Clone, Debug, Default)]
pub struct Crawl {
    /// Labels by QID number.
    pub names: HashMap<u64, String>,
    /// Chinese and English names and the country of crawl places, from the gazetteer
    /// (`data/gazetteer/wikidata_places.tsv`), by QID number.
    pub places: HashMap<u64, WdNames>,
    /// The countries those places lie in, by QID number: Chinese and English names.
    pub countries: HashMap<u64, WdNames>,
    /// Undirected pairs, sorted by `(a, b)`.
    pub pairs: Vec<Pair>,
    /// Lines read from `relations.tsv` (non-empty).
    pub statements: usize,
    /// Lines repeating an earlier line exactly.
    pub duplicate_lines: usize,
}

/// A Wikidata place's names (either may be empty) and its country's QID number.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WdNames {
    pub zh: String,
    pub en: String,
    pub country: Option<u64>,
}

impl Crawl {
    /// Pairs stated on one side only.
    pub fn one_sided(&self) -> usize {
        self.pairs.iter().filter(|p| !p.reciprocal()).count()
    }

    /// Distinct entities that take part in a pair.
    pub fn node_count(&self) -> usize {
        let mut seen: Vec<u64> = self.pairs.iter().flat_map(|p| [p.a, p.b]).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }
}
