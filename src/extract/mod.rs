//! Report intake: a report's Chinese text → candidate facts, each with the sentence it comes
//! from, for an analyst to review (`amity review`) and load.
//!
//! Offline and rule-based, so that every fact says why it was made:
//! - [`text`] splits the text into paragraphs and sentences exactly as `data/passages.csv`
//!   numbers them (joining lines a PDF broke) and folds a copy for matching;
//! - [`gazetteer`] finds place names and resolves chains of them ("德国北威州博特罗普市");
//! - [`rules`] says which act a clause states (会见, 签署 + 备忘录, 结好30周年, …), by the rules
//!   and words of `rules/*.tsv` that [`rulebook`] reads;
//! - this module puts them together into [`Fact`]s, and [`write`] writes them as
//!   `candidates.jsonl` and as CSV rows in the `data/` format.

pub mod gazetteer;
mod header;
pub mod import;
pub mod input;
pub mod lists;
mod places;
pub mod review;
pub mod rulebook;
pub mod rules;
mod sentence;
pub mod short_names;
pub mod text;
pub mod write;

use std::collections::HashMap;

use serde::Serialize;

use crate::model::{Dataset, Level};
use gazetteer::Gazetteer;
use text::{fold, has_han, Split};

/// What the caller knows about the report beyond its text.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The report's id (prefix of its passage ids); made from the home city and year if absent.
    pub report_id: Option<String>,
    /// The reporting city: a place id of `data/` or the gazetteer, or its Chinese name.
    pub home: Option<String>,
    /// The report's date, `YYYY-MM-DD`, when the text does not state it.
    pub date: Option<String>,
    /// Where the report was published, when the text does not say.
    pub source_url: Option<String>,
    /// More rules (rows in the formats of `rules/acts.tsv`, `rules/words.tsv`,
    /// `rules/text.tsv` and `rules/abbreviations.tsv`), added to the embedded ones:
    /// `--rules FILE`.
    pub rules: Option<String>,
    /// The name of that file, for its errors (default: "the rules given").
    pub rules_file: Option<String>,
}

/// Why a text could not be read as a report.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("the rules file {0}")]
    BadRules(#[from] rulebook::RulesError),
    #[error("the report is empty (no non-blank line)")]
    Empty,
    #[error("the report has no Chinese text (first line: {0:?}); amity reads Chinese reports")]
    NotChinese(String),
    #[error("cannot tell which city the report is from: no Chinese city in its header or text; pass --home PLACE")]
    NoHome,
    #[error("--home {0:?} is neither a place id nor a place name amity knows (try the full name, such as 长宁区 or 贵阳市, or a place id)")]
    UnknownHome(String),
    #[error("--home {0:?} names {n} places: {list}; choose one with --home ID", n = .1.len(), list = .1.join("; "))]
    AmbiguousHome(String, Vec<String>),
    #[error("--date {0:?} is not a date of the form YYYY-MM-DD")]
    BadDate(String),
    #[error("--report-id {0:?} must be lowercase ASCII letters, digits and hyphens")]
    BadId(String),
}

/// A place on one side of a fact.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PlaceRef {
    pub id: String,
    pub name_zh: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_zh: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<bool>,
}

/// A year and how it is known.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Year {
    pub value: i32,
    /// `stated` (the sentence gives it), `period` (the report's period), or `derived`
    /// (computed, e.g. a 30th anniversary in 2024 → 1994).
    pub basis: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A date or a span of days and how it is known.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DateSpan {
    /// The day or month stated (`2021-11-08`, `2019-03`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub start: String,
    pub end: String,
    /// `stated` or `period`.
    pub basis: &'static str,
}

/// A stated total.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Count {
    pub value: u64,
    pub unit: String,
}

/// One candidate fact: the fields of a `candidates.jsonl` line, exactly.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Fact {
    pub report: String,
    pub passage: String,
    pub quote: String,
    pub kind: &'static str,
    pub home: PlaceRef,
    pub counterparts: Vec<PlaceRef>,
    pub year: Option<Year>,
    pub date: Option<DateSpan>,
    pub count: Option<Count>,
    pub partial: bool,
    pub rule: String,
    pub confidence: f64,
}

/// A mention of a place or organisation in a sentence (for review and for tests).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Mention {
    pub passage: String,
    /// Char offsets in the sentence.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// `place`, `new_place`, `organisation` or `abbreviation`.
    pub kind: &'static str,
    pub id: String,
    /// The place's part-of chain, nearest first (ids).
    pub part_of: Vec<String>,
}

/// A place the report names that `data/` does not hold: from the gazetteer's tables, or
/// unknown anywhere (`new`), hung under the place named before it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPlace {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub level: Level,
    pub parent: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The gazetteer's source id, or None for a place known to no source.
    pub source: Option<String>,
    pub wikidata: Option<String>,
    /// The first passage naming it and the name as written.
    pub passage: Option<String>,
    pub quote: Option<String>,
    /// Whether no source knows it (a new candidate place).
    pub unknown: bool,
    pub note: Option<String>,
}

impl NewPlace {
    /// Gazetteer entry `i` as a place row, without provenance (the caller adds a mention).
    pub fn from_entry(gaz: &Gazetteer, i: usize) -> NewPlace {
        let e = gaz.entry(i);
        NewPlace {
            id: e.id.clone(),
            name_zh: e.name_zh.clone(),
            name_en: e.name_en.clone(),
            level: e.level,
            parent: e.parent.map(|p| gaz.entry(p).id.clone()),
            lat: e.lat,
            lon: e.lon,
            source: Some(e.source.clone()),
            wikidata: e.wikidata.clone(),
            passage: None,
            quote: None,
            unknown: false,
            note: None,
        }
    }
}

/// The report's header, as far as the text gives it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Header {
    pub id: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub source_url: Option<String>,
    pub period_start: String,
    pub period_end: String,
    pub home: String,
    /// How the home was found: given by `--home`, or guessed from which words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_basis: Option<String>,
}

/// A numbered sentence with its passage id.
#[derive(Clone, Debug, Serialize)]
pub struct Passage {
    pub id: String,
    pub paragraph: usize,
    pub sentence: usize,
    pub text: String,
}

/// Everything `extract` found.
#[derive(Clone, Debug)]
pub struct Extraction {
    /// How the text was made from the input (set by the caller; `text` by default).
    pub input_format: &'static str,
    pub input_how: String,
    pub header: Header,
    pub split: Split,
    pub passages: Vec<Passage>,
    pub mentions: Vec<Mention>,
    pub facts: Vec<Fact>,
    /// Places the facts or mentions need that `data/` lacks, parents before children.
    pub places: Vec<NewPlace>,
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Runs extraction on one report's text.
pub fn extract(
    input: &str,
    opts: &Options,
    ds: &Dataset,
    gaz: &Gazetteer,
) -> Result<Extraction, ExtractError> {
    if let Some(d) = &opts.date {
        if !crate::ingest::is_valid_date(d) {
            return Err(ExtractError::BadDate(d.clone()));
        }
    }
    if let Some(id) = &opts.report_id {
        if !valid_id(id) {
            return Err(ExtractError::BadId(id.clone()));
        }
    }
    // The embedded rules, or those with the rows of `--rules FILE` (an error in them is told
    // after the report's own).
    let merged = opts.rules.as_deref().map(|extra| {
        rulebook::Rules::with(
            opts.rules_file.as_deref().unwrap_or("the rules given"),
            extra,
        )
    });
    let rules = match &merged {
        Some(Ok(r)) => r,
        _ => rulebook::Rules::embedded(),
    };
    let split = text::split_with(input, rules);
    if split.sentences.is_empty() {
        return Err(ExtractError::Empty);
    }
    if !has_han(&split.text) {
        let first = split.sentences[0].text.chars().take(60).collect();
        return Err(ExtractError::NotChinese(first));
    }
    if let Some(Err(e)) = &merged {
        return Err(ExtractError::BadRules(e.clone()));
    }
    let mut x = Extractor::new(ds, gaz, rules);
    let header = x.header(&split, opts)?;
    x.home = gaz.by_id(&header.home);
    x.home_abbr = x
        .home
        .and_then(|h| x.rules.short.home_char(&gaz.entry(h).name_zh));
    let passages: Vec<Passage> = split
        .sentences
        .iter()
        .map(|s| Passage {
            id: format!("{}-p{:02}s{:02}", header.id, s.paragraph, s.sentence),
            paragraph: s.paragraph,
            sentence: s.sentence,
            text: s.text.clone(),
        })
        .collect();
    let mut facts = Vec::new();
    let mut mentions = Vec::new();
    let task_paragraphs = task_paragraphs(&split, rules);
    for p in &passages {
        let planned_paragraph = task_paragraphs.contains(&p.paragraph);
        let (ms, fs) = x.sentence(p, &header, planned_paragraph);
        mentions.extend(ms);
        facts.extend(fs);
    }
    anniversaries_from_stated_ties(&mut facts);
    let places = x.places_needed(&facts, &mentions);
    Ok(Extraction {
        input_format: "text",
        input_how: "the text as given".into(),
        header,
        split,
        passages,
        mentions,
        facts,
        places,
    })
}

/// An anniversary's tie began in the year the report states for that tie (合肥市与久留米市于
/// 1980年缔结…), not in the year the ordinal gives when the celebration came late (the 40th in
/// 2021): a derived year gives way to a stated tie's with the same counterparts.
fn anniversaries_from_stated_ties(facts: &mut [Fact]) {
    let stated: Vec<(Vec<String>, Year)> = facts
        .iter()
        .filter(|f| f.kind == "tie_established" && !f.counterparts.is_empty())
        .filter_map(|f| {
            let y = f.year.as_ref().filter(|y| y.basis == "stated")?;
            Some((
                f.counterparts.iter().map(|c| c.id.clone()).collect(),
                y.clone(),
            ))
        })
        .collect();
    for f in facts.iter_mut().filter(|f| f.kind == "anniversary") {
        if f.year.as_ref().is_none_or(|y| y.basis != "derived") {
            continue;
        }
        let ids: Vec<String> = f.counterparts.iter().map(|c| c.id.clone()).collect();
        let mut years = stated
            .iter()
            .filter(|(c, _)| *c == ids)
            .map(|(_, y)| y.value);
        if let Some(first) = years.next() {
            if years.all(|y| y == first) {
                let note = format!("the year the report states for the tie ({first})");
                f.year = Some(Year {
                    value: first,
                    basis: "stated",
                    note: Some(note),
                });
            }
        }
    }
}

/// Paragraphs that state tasks or targets, not progress: 第N项 headings, 重点工作, quarterly
/// targets. Acts in them are plans: their year is only what they state.
fn task_paragraphs(split: &Split, r: &rulebook::Rules) -> Vec<usize> {
    let mut out = Vec::new();
    for s in &split.sentences {
        if s.sentence != 1 {
            continue;
        }
        let t = s.text.trim_start();
        let task = t.starts_with('第')
            && t.chars()
                .skip(1)
                .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十百".contains(*c))
                .count()
                > 0
            && t.contains('项')
            && t.chars().position(|c| c == '项').is_some_and(|i| i <= 6);
        let target = rulebook::starts_any(t, r.words("task_heading"));
        if task || target {
            out.push(s.paragraph);
        }
    }
    out
}

/// Where a fact is made: the passage, the text and the spans of the member and its clause.
#[derive(Clone, Copy)]
struct FactAt<'t> {
    p: &'t Passage,
    header: &'t Header,
    orig: &'t [char],
    folded: &'t [char],
    span: (usize, usize),
    clause_span: (usize, usize),
    planned_paragraph: bool,
    home_district: Option<usize>,
    home_district_new: Option<usize>,
}

/// A place mention inside one sentence, before facts are made.
#[derive(Clone, Debug)]
struct Found {
    start: usize,
    end: usize,
    /// The gazetteer entry, or a new place (index into `Extractor::unknown`).
    place: Option<usize>,
    unknown: Option<usize>,
    confidence: f64,
    /// The next mention continues this one's chain (this is a prefix: 德国 of 德国北威州…).
    prefix: bool,
}

struct Extractor<'a> {
    ds: &'a Dataset,
    gaz: &'a Gazetteer,
    home: Option<usize>,
    home_abbr: Option<char>,
    /// Forms resolved earlier in the report.
    earlier: HashMap<String, usize>,
    /// Places no source knows, found in this report.
    unknown: Vec<NewPlace>,
    unknown_by_name: HashMap<(String, Option<String>), usize>,
    /// The counterparts last named in the current paragraph (paragraph, places), for 双方 and
    /// 两市 in a later clause.
    last_named: Option<(usize, Vec<Found>)>,
    /// Every counterpart below country level the report has named so far, each once: when
    /// there is one, 两市 and 双方 in any later paragraph are it and the home.
    partners: Vec<Found>,
    /// The paragraph whose last sentence stated a total (its sub-totals may follow in the next
    /// sentence: …建立了34对友好城市。亚洲地区8个,欧洲14个…) and whether it counted ties.
    last_total: Option<(usize, bool)>,
    /// The words and rules: the embedded ones and `Options::rules`.
    rules: &'a rulebook::Rules,
}

impl<'a> Extractor<'a> {
    fn new(ds: &'a Dataset, gaz: &'a Gazetteer, rules: &'a rulebook::Rules) -> Self {
        Extractor {
            ds,
            gaz,
            home: None,
            home_abbr: None,
            earlier: HashMap::new(),
            unknown: Vec::new(),
            unknown_by_name: HashMap::new(),
            last_named: None,
            partners: Vec::new(),
            last_total: None,
            rules,
        }
    }
}

/// `YYYY-MM-DD` or `YYYY年M月D日` (spaces allowed) in `s`, as `YYYY-MM-DD`.
pub fn parse_day(s: &str) -> Option<String> {
    let t: String = fold(s).into_iter().filter(|c| !c.is_whitespace()).collect();
    let b: Vec<char> = t.chars().collect();
    for i in 0..b.len() {
        if i + 10 <= b.len() {
            let cand: String = b[i..i + 10].iter().collect();
            if crate::ingest::is_valid_date(&cand) {
                return Some(cand);
            }
        }
    }
    rules::stated_year(&b).and_then(|(_, d)| d.filter(|d| d.len() == 10))
}
