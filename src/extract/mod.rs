//! Report intake: a report's Chinese text → candidate facts, each with the sentence it comes
//! from, for an analyst to review (`amity review`) and load.
//!
//! Offline and rule-based, so that every fact says why it was made:
//! - [`text`] splits the text into paragraphs and sentences exactly as `data/passages.csv`
//!   numbers them (joining lines a PDF broke) and folds a copy for matching;
//! - [`gazetteer`] finds place names and resolves chains of them ("德国北威州博特罗普市");
//! - [`rules`] says which act a clause states (会见, 签署 + 备忘录, 结好30周年, …);
//! - this module puts them together into [`Fact`]s, and [`write`] writes them as
//!   `candidates.jsonl` and as CSV rows in the `data/` format.

pub mod gazetteer;
pub mod import;
pub mod input;
pub mod lists;
pub mod review;
pub mod rules;
pub mod short_names;
pub mod text;
pub mod write;

use std::collections::HashMap;

use serde::Serialize;

use crate::model::{Dataset, Level};
use gazetteer::{slug, strip_cn_suffix, Gazetteer};
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
    /// More short names (rows in the format of `rules/abbreviations.tsv`), added to the
    /// embedded table: `--rules FILE`.
    pub rules: Option<String>,
}

/// Why a text could not be read as a report.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("the rules file: {0}")]
    BadRules(String),
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

/// Names of districts that are not districts: 使馆区, 示范区, … (two characters before 区).
const NOT_DISTRICTS: &[&str] = &[
    "使馆", "示范", "中心", "聚集", "集聚", "开发", "保税", "景区", "社区", "自贸", "试验", "功能",
    "核心", "城区", "市区", "郊区", "地区", "山区", "片区", "街区", "校区", "辖区", "新区", "园区",
    "商区", "展区", "湾区", "灾区", "老区", "全区", "各区", "该区", "本区", "两区", "城乡", "疫区",
];

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
    let split = text::split(input);
    if split.sentences.is_empty() {
        return Err(ExtractError::Empty);
    }
    if !has_han(&split.text) {
        let first = split.sentences[0].text.chars().take(60).collect();
        return Err(ExtractError::NotChinese(first));
    }
    let mut x = Extractor::new(ds, gaz);
    if let Some(extra) = &opts.rules {
        x.short.extend(extra).map_err(ExtractError::BadRules)?;
    }
    let header = x.header(&split, opts)?;
    x.home = gaz.by_id(&header.home);
    x.home_abbr = x
        .home
        .and_then(|h| x.short.home_char(&gaz.entry(h).name_zh));
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
    let task_paragraphs = task_paragraphs(&split);
    for p in &passages {
        let planned_paragraph = task_paragraphs.contains(&p.paragraph);
        let (ms, fs) = x.sentence(p, &header, planned_paragraph);
        mentions.extend(ms);
        facts.extend(fs);
    }
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

/// Paragraphs that state tasks or targets, not progress: 第N项 headings, 重点工作, quarterly
/// targets. Acts in them are plans: their year is only what they state.
fn task_paragraphs(split: &Split) -> Vec<usize> {
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
        let target = [
            "重点工作",
            "年度阶段性工作目标",
            "工作目标",
            "主要任务",
            "工作任务",
        ]
        .iter()
        .any(|k| t.starts_with(k));
        if task || target {
            out.push(s.paragraph);
        }
    }
    out
}

/// Where a fact is made: the passage, the text and the spans of the member and its clause.
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
    /// Short names: the embedded table and `Options::rules`.
    short: short_names::ShortNames,
}

impl<'a> Extractor<'a> {
    fn new(ds: &'a Dataset, gaz: &'a Gazetteer) -> Self {
        Extractor {
            ds,
            gaz,
            home: None,
            home_abbr: None,
            earlier: HashMap::new(),
            unknown: Vec::new(),
            unknown_by_name: HashMap::new(),
            last_named: None,
            short: short_names::ShortNames::embedded().clone(),
        }
    }

    /// Title, date, issuer and home, from the header lines and the options.
    fn header(&self, split: &Split, opts: &Options) -> Result<Header, ExtractError> {
        let gaz = self.gaz;
        let first_lines: Vec<&str> = split
            .sentences
            .iter()
            .filter(|s| s.paragraph <= 4)
            .map(|s| s.text.as_str())
            .collect();
        let p1: Vec<&text::Sentence> = split
            .sentences
            .iter()
            .filter(|s| s.paragraph == 1)
            .collect();
        let title = (p1.len() == 1
            && !p1[0].text.contains('。')
            && !p1[0].text.starts_with(['(', '（', '第', '#'])
            && p1[0].text.chars().count() <= 80
            && has_han(&p1[0].text))
        .then(|| p1[0].text.trim().to_string());
        let mut date = opts.date.clone();
        let mut issuer = None;
        let mut source_url = opts.source_url.clone();
        for l in &first_lines {
            let t = l.trim();
            for k in ["日期", "发布日期", "发布时间", "时间"] {
                if let Some(rest) = t.strip_prefix(k).and_then(|r| r.strip_prefix([':', '：'])) {
                    if date.is_none() {
                        date = parse_day(rest);
                    }
                }
            }
            for k in ["来源", "发布机构", "发文机关"] {
                if let Some(rest) = t.strip_prefix(k).and_then(|r| r.strip_prefix([':', '：'])) {
                    if !rest.trim().is_empty() {
                        issuer = Some(rest.trim().to_string());
                    }
                }
            }
            // (2020年10月26日在…会议上), or a line that is only the date: 2023年12月20日
            let date_only = t.chars().count() <= 16
                && t.chars()
                    .all(|c| c.is_ascii_digit() || "年月日号 .-/".contains(c) || c.is_whitespace());
            if date.is_none() && (t.starts_with(['(', '（']) || date_only) {
                date = parse_day(t);
            }
            // A short line naming an office: 杭州市人大常委会民宗侨、外事工委
            if issuer.is_none()
                && !t.contains('。')
                && t.chars().count() <= 30
                && [
                    "外办",
                    "外事办公室",
                    "外事工委",
                    "人民政府",
                    "常委会",
                    "外事局",
                    "外事处",
                ]
                .iter()
                .any(|k| t.ends_with(k) || t.contains(&format!("{k}、")))
                && Some(t.to_string()) != title
            {
                issuer = Some(t.to_string());
            }
        }
        if let Some(src) = &split.source_line {
            // # source: URL | date: 2021-01-19 (…) | issuer | completeness
            let parts: Vec<&str> = src.trim_start_matches("# source:").split('|').collect();
            if source_url.is_none() {
                source_url = parts
                    .first()
                    .map(|s| s.trim().to_string())
                    .filter(|s| s.starts_with("http"));
            }
            if date.is_none() {
                date = parts.get(1).and_then(|d| parse_day(d));
            }
            if issuer.is_none() {
                issuer = parts
                    .get(2)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
            }
        }
        if issuer.is_none() {
            if let Some(t) = &title {
                for k in ["外事办公室", "外办", "人民政府"] {
                    if let Some(i) = t.find(k) {
                        issuer = Some(t[..i + k.len()].to_string());
                        break;
                    }
                }
            }
        }
        // Home: as given, else the first Chinese city in the header, else in the text.
        let mut home_basis = Some("given by --home".to_string());
        let home = match &opts.home {
            Some(h) => self.home_from(h)?,
            None => {
                let header_text: String = [title.clone(), issuer.clone()]
                    .into_iter()
                    .flatten()
                    .chain(first_lines.iter().map(|s| s.to_string()))
                    .collect::<Vec<_>>()
                    .join("。");
                let (i, words, place) = match self.first_city(&header_text) {
                    Some((i, w)) => (i, w, "the header"),
                    None => self
                        .first_city(&split.text)
                        .map(|(i, w)| (i, w, "the text"))
                        .ok_or(ExtractError::NoHome)?,
                };
                home_basis = Some(format!(
                    "guessed from 「{words}」 in {place}; pass --home to choose another"
                ));
                i
            }
        };
        let home_id = gaz.entry(home).id.clone();
        // The period: the title's year (上半年: to the report's date), else the date's year.
        let title_year = title
            .as_deref()
            .and_then(|t| rules::stated_year(&t.chars().collect::<Vec<_>>()))
            .map(|(y, _)| y);
        let date_year = date
            .as_deref()
            .and_then(|d| d.get(..4)?.parse::<i32>().ok())
            .or_else(|| {
                split.source_line.as_deref().and_then(|s| {
                    rules::stated_year(&s.chars().collect::<Vec<_>>()).map(|(y, _)| y)
                })
            });
        let year = title_year.or(date_year).unwrap_or(0);
        let period_start = if year > 0 {
            format!("{year:04}-01-01")
        } else {
            String::new()
        };
        let mut period_end = if year > 0 {
            format!("{year:04}-12-31")
        } else {
            String::new()
        };
        if title.as_deref().is_some_and(|t| t.contains("上半年")) {
            period_end = format!("{year:04}-06-30");
        }
        if let Some(d) = &date {
            if d.as_str() >= period_start.as_str() && d.as_str() < period_end.as_str() {
                period_end = d.clone();
            }
        }
        let id = match &opts.report_id {
            Some(id) => id.clone(),
            None => {
                let base = slug(&gaz.entry(home).name_en);
                let base = if base.is_empty() {
                    home_id.clone()
                } else {
                    base
                };
                match &date {
                    Some(d) => format!("{base}-{}", d.replace('-', "")),
                    None if year > 0 => format!("{base}-{year}"),
                    None => format!("{base}-report"),
                }
            }
        };
        Ok(Header {
            id,
            title,
            date,
            issuer,
            source_url,
            period_start,
            period_end,
            home: home_id,
            home_basis,
        })
    }

    /// `--home`: a place id, else a name; a name several places bear is refused with the
    /// candidates (each with its id and what it lies in), never guessed.
    fn home_from(&self, h: &str) -> Result<usize, ExtractError> {
        if let Some(i) = self.gaz.by_id(h) {
            return Ok(i);
        }
        match self.gaz.lookup(h, None) {
            gazetteer::Lookup::One(i) => Ok(i),
            gazetteer::Lookup::Many(c) => {
                // A home is in China: foreign namesakes do not make a Chinese name ambiguous.
                let domestic: Vec<usize> = c
                    .iter()
                    .copied()
                    .filter(|&i| !self.gaz.is_counterpart(i) || self.gaz.entry(i).framed_region)
                    .collect();
                match domestic[..] {
                    [one] => Ok(one),
                    _ => Err(ExtractError::AmbiguousHome(
                        h.to_string(),
                        (if domestic.is_empty() { c } else { domestic })
                            .iter()
                            .map(|&i| self.gaz.describe(i))
                            .collect(),
                    )),
                }
            }
            gazetteer::Lookup::None => Err(ExtractError::UnknownHome(h.to_string())),
        }
    }

    /// The first city (or district's city) of China named in `text`, with the words it was
    /// read from. Only a name written as a place counts: one `data/` holds, or one followed by
    /// its administrative suffix (市, 区, 县…) or by the office that speaks for it (外办,
    /// 人民政府…), so 成功 in 成功举办 or 浦江 in a river's name never makes a home.
    fn first_city(&self, text: &str) -> Option<(usize, String)> {
        let f: String = fold(text).into_iter().collect();
        let chars: Vec<char> = f.chars().collect();
        for (s, e, ids) in self.gaz.find(&f) {
            let Some((i, _)) = self.gaz.resolve(&ids, None, None) else {
                continue;
            };
            if !self.gaz.is_domestic(i) {
                continue;
            }
            let words: String = chars[s..e].iter().collect();
            let after: String = chars[e..chars.len().min(e + 6)].iter().collect();
            let written_as_place = self.gaz.entry(i).in_data
                || words.ends_with(['市', '区', '县', '省', '州', '旗', '盟'])
                || ["外办", "外事", "人民政府", "政府", "人大", "政协"]
                    .iter()
                    .any(|w| after.starts_with(w));
            if !written_as_place {
                continue;
            }
            let e = self.gaz.entry(i);
            match e.level {
                Level::City => return Some((i, words)),
                Level::District => {
                    if let Some(p) = self
                        .gaz
                        .ancestors(i)
                        .find(|&a| self.gaz.entry(a).level == Level::City)
                    {
                        return Some((p, words));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Mentions and facts of one sentence.
    fn sentence(
        &mut self,
        p: &Passage,
        header: &Header,
        planned_paragraph: bool,
    ) -> (Vec<Mention>, Vec<Fact>) {
        let folded: Vec<char> = fold(&p.text);
        let fs: String = folded.iter().collect();
        let orig: Vec<char> = p.text.chars().collect();
        let mut found = self.places(&folded, &fs, p);
        self.abbreviations(&folded, &mut found);
        self.districts(&folded, &mut found, p);
        found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        // Chains: a mention followed at once by one inside it is that one's prefix.
        for i in 0..found.len().saturating_sub(1) {
            let (a, b) = (&found[i], &found[i + 1]);
            let gap: String = folded[a.end..b.start.max(a.end)].iter().collect();
            // 德国北威州, 某国首都X, 美国加利福尼亚州的阿尔汉布拉市.
            let adjacent = a.end <= b.start && (gap.is_empty() || gap == "首都" || gap == "的");
            let inside = match (b.place, a.place, b.unknown) {
                (Some(bp), Some(ap), _) => self.gaz.within(bp, ap),
                (None, Some(ap), Some(u)) => {
                    self.unknown[u].parent.as_deref() == Some(self.gaz.entry(ap).id.as_str())
                }
                // 菲律宾宿务省的拉普拉普市: a new region, then a known place of the region's
                // country (the gazetteer files it elsewhere in the country): the region is
                // the place's prefix.
                (Some(bp), None, _) => a.unknown.is_some_and(|u| {
                    let np = &self.unknown[u];
                    np.level == Level::Region
                        && np
                            .parent
                            .as_deref()
                            .and_then(|p| self.gaz.by_id(p))
                            .is_some_and(|c| {
                                self.gaz.entry(c).level == Level::Country && self.gaz.within(bp, c)
                            })
                }),
                _ => false,
            };
            if adjacent && inside {
                found[i].prefix = true;
            }
        }
        let mut mentions: Vec<Mention> = found.iter().map(|f| self.mention(f, p, &orig)).collect();
        for (s, e, id) in self.gaz.find_orgs(&fs, self.home) {
            mentions.push(Mention {
                passage: p.id.clone(),
                start: s,
                end: e,
                text: orig[s..e].iter().collect(),
                kind: "organisation",
                id,
                part_of: Vec::new(),
            });
        }
        mentions.sort_by_key(|m| (m.start, m.end));

        let mut facts = Vec::new();
        let clauses = clauses(&folded);
        let mut sentence_year: Option<(i32, Option<String>)> = None;
        let home_district = found.iter().find_map(|f| {
            let i = f.place?;
            (self.gaz.entry(i).level == Level::District
                && self.home.is_some_and(|h| self.gaz.within(i, h)))
            .then_some(i)
        });
        let home_district_new = found.iter().find_map(|f| {
            let u = f.unknown?;
            let np = &self.unknown[u];
            (np.level == Level::District && np.parent.as_deref() == Some(header.home.as_str()))
                .then_some(u)
        });
        // A list opened by a clause ending in a colon: the act its members take.
        let mut list: Option<rules::Act> = None;
        // The sentence's last act without a counterpart, and its clause: "…有12个,包括:" opens
        // the list in a clause of its own.
        let mut pending: Option<(rules::Act, usize, usize)> = None;
        let mut had_total = false;
        let mut as_of: Option<(i32, Option<String>)> = None;
        // The counterparts of a delegation that came or a place visited, for the clauses after.
        let mut subject: Option<Vec<Found>> = None;
        let mut next_subject: Option<Vec<Found>> = None;
        let mut carry_buf: Vec<Found>;
        for (cs, ce) in clauses {
            if let Some(s) = next_subject.take() {
                subject = Some(s);
            }
            // The home's character after 来/访/抵/莅/到 reads as 京 for the rules (访津 is 访京
            // in a Tianjin report), one character for one.
            let for_rules: Vec<char> = match self.home_abbr {
                Some(h) if h != '京' => folded[cs..ce]
                    .iter()
                    .enumerate()
                    .map(|(k, &c)| {
                        let after_verb = k > 0 && "来访抵莅到".contains(folded[cs + k - 1]);
                        if c == h && after_verb {
                            '京'
                        } else {
                            c
                        }
                    })
                    .collect(),
                _ => folded[cs..ce].to_vec(),
            };
            let clause = &for_rules[..];
            let own_year = year_of(&folded[cs..ce], header);
            let mut counterparts = self.counterparts(&found, cs, ce);
            let mut carried = false;
            let raw: String = folded[cs..ce].iter().collect();
            if counterparts.is_empty() {
                // The foreign side of an earlier clause: the visiting delegation (…率代表团
                // 访津, 拜会…, 签署…) or the place visited, for the acts after it; the two sides
                // (双方, 两市) of the paragraph's last named place.
                if let Some(s) = &subject {
                    counterparts = s.iter().collect();
                    carried = true;
                } else if ["双方", "两市", "两地", "两城", "两国"]
                    .iter()
                    .any(|w| raw.contains(w))
                {
                    if let Some((para, named)) = &self.last_named {
                        if *para == p.paragraph {
                            carry_buf = named.clone();
                            counterparts = carry_buf.iter().collect();
                            carried = true;
                        }
                    }
                }
            } else {
                self.last_named = Some((
                    p.paragraph,
                    counterparts.iter().map(|f| (*f).clone()).collect(),
                ));
            }
            let count = rules::count(clause);
            let mut own_act = rules::act(clause, !counterparts.is_empty(), count.as_ref());
            // A visit goes abroad only to a place named after its verb: 洪都拉斯代表团访问福建
            // and 四国友城官方访问威海 are visits to China, received.
            if let Some(a) = own_act.as_ref().filter(|a| a.kind == "visit_abroad") {
                let verb_at = cs + a.trigger.0;
                // …率代表团对法国X进行访问: the place before the verb, the home's side leading.
                let visited = counterparts.iter().any(|f| f.start >= verb_at)
                    || raw.contains('率')
                    || (raw.contains('对') && raw.contains("进行"));
                let home_named = self.home.is_some_and(|h| {
                    let name = strip_cn_suffix(&self.gaz.entry(h).name_zh).to_string();
                    raw[raw
                        .char_indices()
                        .nth(a.trigger.0)
                        .map(|(b, _)| b)
                        .unwrap_or(0)..]
                        .contains(name.as_str())
                });
                if !visited || home_named {
                    own_act = (raw.contains("代表团")
                        || raw.contains("访问团")
                        || raw.contains("一行")
                        || raw.contains("友城"))
                    .then(|| rules::Act {
                        kind: "delegation_received",
                        rule: "delegation_received: a foreign delegation 访问 a place at home"
                            .into(),
                        needs_counterpart: true,
                        ..a.clone()
                    });
                }
            }
            // 其中市级5对、县级1对: sub-totals, each member with its own number, after a total
            // (or as one).
            let parts = lists::members(&folded, cs, ce);
            // Continents name a share of the total, not a side (其中亚洲地区8个).
            let no_side = counterparts.iter().all(|f| {
                f.place
                    .is_some_and(|i| self.gaz.entry(i).level == Level::Continent)
            });
            let subtotals = no_side
                && parts.len() >= 2
                && parts
                    .iter()
                    .all(|&(s, e)| rules::count(&folded[s..e]).is_some());
            // ,其中,省级13对,市级21对 / ,亚洲地区8个,欧洲14个: short clauses of a number each
            // after a total are its parts too.
            let short_part = own_act.is_none()
                && no_side
                && had_total
                && count.is_some()
                && (raw.trim_start().starts_with("其中") || raw.chars().count() <= 12);
            if (subtotals || short_part) && own_act.is_none() && had_total {
                own_act = Some(rules::Act {
                    kind: "count_total",
                    rule: "count_total: sub-totals after a total (其中…、…)".into(),
                    trigger: (0, clause.len()),
                    years_since: None,
                    document: None,
                    needs_counterpart: false,
                });
            }
            if own_act
                .as_ref()
                .is_some_and(|a| a.kind == "count_total" || count.is_some())
            {
                had_total = true;
            }
            // 截至1997年底, …共有34对: the date a total stands at, in a clause of its own.
            if own_act.is_none() {
                let t = raw.trim_start();
                if ["截至", "截止", "截止到", "到", "至"]
                    .iter()
                    .any(|w| t.starts_with(w))
                {
                    if let Some(y) = own_year.clone() {
                        as_of = Some(y);
                    }
                }
            }
            // A statement that opens a list ("…的12个城市:", "参加会见的嘉宾有:") names no
            // counterpart itself; its members, in the clauses after it, do.
            if counterparts.is_empty() && lists::opens_list(&folded, cs, ce) {
                let intro = own_act
                    .clone()
                    .or_else(|| rules::act(clause, true, count.as_ref()))
                    .map(|a| (a, cs, ce))
                    .or_else(|| pending.clone());
                if let Some((a, s0, e0)) = intro {
                    if let Some(kind) = lists::member_kind(&a, &folded[s0..e0]) {
                        list = Some(rules::Act {
                            kind,
                            rule: format!("list member ← {}", a.rule),
                            needs_counterpart: true,
                            years_since: None,
                            ..a
                        });
                    }
                }
            }
            if counterparts.is_empty() {
                if let Some(a) = &own_act {
                    pending = Some((a.clone(), cs, ce));
                }
            }
            let (act, member) = match (own_act, &list) {
                (None, Some(l)) if !counterparts.is_empty() => (l.clone(), true),
                (Some(a), _) => (a, false),
                (None, _) => {
                    if let Some(y) = own_year {
                        sentence_year = Some(y);
                    }
                    continue;
                }
            };
            if act.needs_counterpart && counterparts.is_empty() {
                if let Some(y) = own_year {
                    sentence_year = Some(y);
                }
                continue;
            }
            // A place visited is never carried: the visiting side of an earlier clause does
            // not go abroad (…共赴这场盛会).
            if carried && act.kind == "visit_abroad" {
                continue;
            }
            let act = if carried {
                rules::Act {
                    rule: format!("{} (the other side named earlier)", act.rule),
                    ..act
                }
            } else {
                act
            };
            // Members with their own dates (or numbers) are one fact each.
            let split_totals = subtotals && act.kind == "count_total";
            let parts = if lists::dated_members(&folded, &parts)
                || (member && act.kind == "tie_established")
                || split_totals
            {
                parts
            } else {
                vec![(cs, ce)]
            };
            if parts.len() == 1 {
                if let Some(y) = own_year.clone() {
                    sentence_year = Some(y);
                }
            }
            let one_part = parts.len() == 1;
            for (ps, pe) in parts {
                let counterparts = if one_part {
                    counterparts.clone()
                } else {
                    self.counterparts(&found, ps, pe)
                };
                if act.needs_counterpart && counterparts.is_empty() {
                    continue;
                }
                // A member of a list of ties is dated by its own words only: the statement's
                // year is when the total stood, not when each tie began.
                let own = year_of(&folded[ps..pe], header);
                // A total over a span of years stands at its end: 2011至2022年发展了23个.
                let own = match rules::range_end(&folded[ps..pe]) {
                    Some(y) if act.kind == "count_total" => Some((y, None)),
                    _ => own,
                };
                let part_count = rules::count(&folded[ps..pe]);
                // A tie stated as a standing fact (已与…, with a total) began before, at a
                // time the report does not give.
                // A tie is dated by the period only when the clause says it is new (新缔结,
                // 正式, 此次, 成为第N个…); a tie named in passing began at a time not given.
                let new_tie = [
                    "新缔结",
                    "新增",
                    "正式",
                    "此次",
                    "本次",
                    "今年",
                    "成为",
                    "签署",
                    "签订",
                    "举行",
                ]
                .iter()
                .any(|w| raw.contains(w));
                let standing = act.kind == "tie_established"
                    && (count.is_some() || raw.contains('已') || raw.contains("是") || !new_tie);
                let year_of_list = (member || standing) && act.kind == "tie_established";
                let fact = self.fact(
                    FactAt {
                        p,
                        header,
                        orig: &orig,
                        folded: &folded,
                        span: (ps, pe),
                        clause_span: (cs, ce),
                        planned_paragraph,
                        home_district,
                        home_district_new,
                    },
                    &act,
                    &counterparts,
                    if split_totals {
                        part_count.as_ref()
                    } else {
                        count.as_ref().filter(|_| !member)
                    },
                    match (own, year_of_list) {
                        (Some(y), _) => Some(y),
                        // A listed tie: only its own words date it.
                        (None, true) if member => None,
                        // A standing tie: a date the sentence gives, never the period.
                        (None, true) => own_year.clone().or_else(|| sentence_year.clone()),
                        // A total stands at the report's date: only a year in its own clause
                        // or in the 截至… clause before it.
                        (None, false) if act.kind == "count_total" => as_of.clone(),
                        (None, false) => own_year.clone().or_else(|| sentence_year.clone()),
                    },
                    year_of_list,
                );
                facts.push(fact);
            }
            if !carried && matches!(act.kind, "delegation_received" | "visit_abroad") {
                next_subject = Some(counterparts.iter().map(|f| (*f).clone()).collect());
            }
        }
        (mentions, facts)
    }

    /// The counterparts named inside `[s, e)`: foreign places (and new ones), not prefixes of
    /// a longer chain.
    fn counterparts<'f>(&self, found: &'f [Found], s: usize, e: usize) -> Vec<&'f Found> {
        found
            .iter()
            .filter(|f| f.start >= s && f.end <= e && !f.prefix)
            .filter(|f| match (f.place, f.unknown) {
                (Some(i), _) => self.gaz.is_counterpart(i),
                (None, Some(u)) => self.unknown_is_counterpart(u),
                _ => false,
            })
            .collect()
    }

    /// One fact: the act of the clause (or list) at `at.span`, with its counterparts and year.
    fn fact(
        &self,
        at: FactAt,
        act: &rules::Act,
        counterparts: &[&Found],
        count: Option<&rules::Count>,
        stated: Option<(i32, Option<String>)>,
        no_period: bool,
    ) -> Fact {
        let FactAt {
            p,
            header,
            orig,
            folded,
            span: (cs, ce),
            clause_span,
            planned_paragraph,
            home_district,
            home_district_new,
        } = at;
        {
            let clause = &folded[clause_span.0..clause_span.1];
            let clause_text: String = clause.iter().collect();
            let planned = planned_paragraph
                || rules::PLANNING.iter().any(|w| clause_text.contains(w))
                // 落实…会议成果: a meeting whose outcomes are carried out was held before.
                || (act.kind == "conference" && clause_text.contains("落实"));
            // Year: as the caller found it (stated in the clause or earlier in the sentence);
            // else the report's period (not for plans, whose time the report does not give,
            // nor for a listed tie, whose start the statement does not give).
            let (mut year, mut date) = match (&stated, planned) {
                (Some((y, d)), _) => (
                    Some(Year {
                        value: *y,
                        basis: "stated",
                        note: None,
                    }),
                    Some(stated_span(*y, d.as_deref())),
                ),
                (None, false) if !header.period_start.is_empty() && !no_period => (
                    Some(Year {
                        value: header.period_start[..4].parse().unwrap_or(0),
                        basis: "period",
                        note: None,
                    }),
                    Some(DateSpan {
                        value: None,
                        start: header.period_start.clone(),
                        end: header.period_end.clone(),
                        basis: "period",
                    }),
                ),
                _ => (None, None),
            };
            if let (Some(n), Some(y)) = (act.years_since, &year) {
                let celebrated = y.value;
                year = Some(Year {
                    value: celebrated - n,
                    basis: "derived",
                    note: Some(format!(
                        "{n}th anniversary in {celebrated}: {celebrated} - {n}"
                    )),
                });
            }
            if act.kind == "count_total" && stated.is_none() {
                // A total stands at the report's date, not in its period.
                date = None;
                year = year.filter(|_| !planned);
            }
            let partial = clause_text.contains('等');
            let home = match (home_district, home_district_new) {
                (Some(d), _) => self.place_ref(Some(d), None),
                (None, Some(u)) => self.place_ref(None, Some(u)),
                _ => self.place_ref(self.home, None),
            };
            // A country (or region) that another counterpart lies in is that one's context, not
            // a side of its own: 俄勒冈州是天津在美国的第一个友好州.
            let counterparts: Vec<&Found> = counterparts
                .iter()
                .copied()
                .filter(|f| {
                    let Some(i) = f.place else { return true };
                    !counterparts.iter().any(|g| match (g.place, g.unknown) {
                        (Some(j), _) => j != i && self.gaz.within(j, i),
                        (None, Some(u)) => {
                            self.unknown[u].parent.as_deref() == Some(self.gaz.entry(i).id.as_str())
                        }
                        _ => false,
                    })
                })
                .collect();
            let cps: Vec<PlaceRef> = counterparts
                .iter()
                .map(|f| self.place_ref(f.place, f.unknown))
                .fold(Vec::new(), |mut v, r| {
                    if !v.iter().any(|x: &PlaceRef| x.id == r.id) {
                        v.push(r);
                    }
                    v
                });
            let mut confidence: f64 = 0.9;
            for f in counterparts {
                confidence = confidence.min(f.confidence);
            }
            if planned {
                confidence *= 0.9;
            }
            let quote = trim_quote(&orig[cs..ce]);
            let rule = match act.document {
                Some(d) => format!("{} → {d}", act.rule),
                None => act.rule.clone(),
            };
            Fact {
                report: header.id.clone(),
                passage: p.id.clone(),
                quote,
                kind: act.kind,
                home,
                counterparts: cps,
                year,
                date,
                count: count.map(|c| Count {
                    value: c.value,
                    unit: c.unit.clone(),
                }),
                partial,
                rule,
                confidence: (confidence * 100.0).round() / 100.0,
            }
        }
    }

    fn unknown_is_counterpart(&self, u: usize) -> bool {
        let np = &self.unknown[u];
        match np.parent.as_deref().and_then(|p| self.gaz.by_id(p)) {
            Some(p) => self.gaz.is_counterpart(p),
            None => false,
        }
    }

    /// Place names of a sentence, resolved along their chains; unknown names after a known
    /// foreign place become new places.
    fn places(&mut self, folded: &[char], fs: &str, p: &Passage) -> Vec<Found> {
        let raw = self.gaz.find(fs);
        let mut out: Vec<Found> = Vec::new();
        let mut prev: Option<(usize, usize)> = None; // (end, entry)
        for (s, e, ids) in raw {
            let gap: String = prev
                .map(|(pe, _)| folded[pe.min(s)..s].iter().collect())
                .unwrap_or_default();
            let context = prev
                .filter(|(pe, _)| *pe <= s && (gap.is_empty() || gap == "首都" || gap == "的"))
                .map(|(_, i)| i);
            let form: String = folded[s..e].iter().collect();
            let earlier = self.earlier.get(&form).copied();
            match self.gaz.resolve(&ids, context, earlier) {
                Some((i, conf)) => {
                    self.earlier.insert(form, i);
                    out.push(Found {
                        start: s,
                        end: e,
                        place: Some(i),
                        unknown: None,
                        confidence: conf,
                        prefix: false,
                    });
                    prev = Some((e, i));
                }
                None => {
                    // More than one place goes by this name and the text does not say
                    // which: a new candidate place, never a guess.
                    let options: Vec<String> = ids
                        .iter()
                        .map(|&i| {
                            let en = &self.gaz.entry(i).name_en;
                            match self.gaz.country_zh(i) {
                                Some(c) => format!("{en} ({c})"),
                                None => en.clone(),
                            }
                        })
                        .collect();
                    let u = self.new_place(
                        &form,
                        None,
                        Level::City,
                        p,
                        Some(format!("ambiguous: {}", options.join("; "))),
                    );
                    out.push(Found {
                        start: s,
                        end: e,
                        place: None,
                        unknown: Some(u),
                        confidence: 0.5,
                        prefix: false,
                    });
                    prev = None;
                }
            }
        }
        // Unknown names right after a known foreign place: 印尼 + 占碑, 某国 + 首都 + X. A
        // name of another country matched inside such a name (米拉 in 塔什干市米拉巴德区) is
        // part of the unknown name, not a place of its own.
        out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let mut result: Vec<Found> = Vec::with_capacity(out.len());
        let mut k = 0;
        while k < out.len() {
            let f = out[k].clone();
            result.push(f.clone());
            k += 1;
            let Some(i) = f.place else { continue };
            if !self.gaz.is_counterpart(i) || self.gaz.entry(i).level == Level::Continent {
                continue;
            }
            let mut s = f.end;
            if folded[s..].starts_with(&['首', '都']) {
                s += 2;
            }
            // 加利福尼亚州的阿尔汉布拉市: a name after 的 only with a place's suffix.
            let via_de = folded.get(s) == Some(&'的');
            if via_de {
                s += 1;
            }
            let next = out.get(k);
            let conflict = next.is_some_and(|n| {
                n.start == s
                    && n.place.is_none_or(|np| {
                        !self.gaz.within(np, i)
                            && self.gaz.entry(np).country != self.gaz.entry(i).country
                    })
            });
            if next.is_some_and(|n| n.start <= s + 1) && !conflict {
                continue;
            }
            let Some((ns, ne, level)) = unknown_name(folded, s) else {
                continue;
            };
            if via_de && !"市城区县郡州省邦道".contains(folded[ne - 1]) {
                continue;
            }
            if conflict && next.is_some_and(|n| ne < n.end) {
                continue;
            }
            while out.get(k).is_some_and(|n| n.start < ne) {
                k += 1;
            }
            let name: String = folded[ns..ne].iter().collect();
            let parent = self.gaz.entry(i).id.clone();
            let u = self.new_place(&name, Some(parent), level, p, None);
            result.push(Found {
                start: ns,
                end: ne,
                place: None,
                unknown: Some(u),
                confidence: 0.6,
                prefix: false,
            });
        }
        result
    }

    /// 京港, 京澳, 京台 (and 穗港…): the home's short name with Hong Kong, Macao or Taiwan.
    fn abbreviations(&self, folded: &[char], found: &mut Vec<Found>) {
        // 中韩, 中尼: the second character names the country (rules/abbreviations.tsv).
        for (at, name) in self.short.country_pairs(folded) {
            if found.iter().any(|f| f.start <= at && at < f.end) {
                continue;
            }
            let Some(c) = self
                .gaz
                .named(&name)
                .into_iter()
                .find(|&k| self.gaz.entry(k).level == Level::Country)
            else {
                continue;
            };
            found.push(Found {
                start: at,
                end: at + 1,
                place: Some(c),
                unknown: None,
                confidence: 0.8,
                prefix: false,
            });
        }
        let Some(h) = self.home_abbr else { return };
        for i in 0..folded.len().saturating_sub(1) {
            if folded[i] != h {
                continue;
            }
            let name = match folded[i + 1] {
                '港' => "香港",
                '澳' => "澳门",
                '台' => "台湾",
                _ => continue,
            };
            if found.iter().any(|f| f.start <= i + 1 && i + 1 < f.end) {
                continue;
            }
            let Some(r) = (0..self.gaz.entries.len()).find(|&k| {
                let e = self.gaz.entry(k);
                e.framed_region && e.name_zh == name
            }) else {
                continue;
            };
            found.push(Found {
                start: i + 1,
                end: i + 2,
                place: Some(r),
                unknown: None,
                confidence: 0.85,
                prefix: false,
            });
        }
    }

    /// Districts of the home city acting or taking part: data/'s districts are found by the
    /// gazetteer; an unknown "XX区" in the subject's place (before 与, 参加, 签署 …, or after
    /// 组织) becomes a new district of the home city.
    fn districts(&mut self, folded: &[char], found: &mut Vec<Found>, p: &Passage) {
        let Some(home) = self.home else { return };
        let home_id = self.gaz.entry(home).id.clone();
        for i in 2..folded.len() {
            if folded[i] != '区' {
                continue;
            }
            let s = i - 2;
            if !folded[s..i].iter().all(|&c| text::is_han(c)) {
                continue;
            }
            let name: String = folded[s..=i].iter().collect();
            let stem: String = folded[s..i].iter().collect();
            if NOT_DISTRICTS.contains(&stem.as_str())
                || found.iter().any(|f| f.start < i + 1 && s < f.end)
            {
                continue;
            }
            let after: String = folded[i + 1..folded.len().min(i + 3)].iter().collect();
            let before: String = folded[s.saturating_sub(2)..s].iter().collect();
            let subject = [
                "与", "同", "和", "参加", "签署", "组织", "举办", "开展", "接待", "会见", "代表",
            ]
            .iter()
            .any(|w| after.starts_with(w))
                && (s == 0
                    || !text::is_han(folded[s - 1])
                    || ["组织", "推动", "支持", "指导"].contains(&before.as_str())
                    || before.ends_with('。'));
            let object = ["组织", "推动", "支持", "指导", "协调"].contains(&before.as_str());
            if !(subject || object) {
                continue;
            }
            let u = self.new_place(&name, Some(home_id.clone()), Level::District, p, None);
            found.push(Found {
                start: s,
                end: i + 1,
                place: None,
                unknown: Some(u),
                confidence: 0.6,
                prefix: false,
            });
        }
    }

    fn new_place(
        &mut self,
        name: &str,
        parent: Option<String>,
        level: Level,
        p: &Passage,
        note: Option<String>,
    ) -> usize {
        let key = (name.to_string(), parent.clone());
        if let Some(&u) = self.unknown_by_name.get(&key) {
            return u;
        }
        let u = self.unknown.len();
        // A new place has no coordinates until a source gives them: never its parent's or its
        // country's point, which the map would draw as if it were the place.
        let (lat, lon) = (None, None);
        let orig: Vec<char> = p.text.chars().collect();
        let folded: Vec<char> = fold(&p.text);
        let quote =
            find_chars(&folded, name).map(|s| orig[s..s + name.chars().count()].iter().collect());
        let note = note.or_else(|| {
            Some(
                "New place named in the report; no source checked yet, so no coordinates."
                    .to_string(),
            )
        });
        self.unknown.push(NewPlace {
            id: format!("new-{}-{}", p.id, u + 1),
            name_zh: name.to_string(),
            name_en: String::new(),
            level,
            parent,
            lat,
            lon,
            source: None,
            wikidata: None,
            passage: Some(p.id.clone()),
            quote,
            unknown: true,
            note,
        });
        self.unknown_by_name.insert(key, u);
        u
    }

    fn mention(&self, f: &Found, p: &Passage, orig: &[char]) -> Mention {
        let (kind, id, part_of) = match (f.place, f.unknown) {
            (Some(i), _) => (
                if f.end - f.start == 1 {
                    "abbreviation"
                } else {
                    "place"
                },
                self.gaz.entry(i).id.clone(),
                self.gaz
                    .ancestors(i)
                    .map(|a| self.gaz.entry(a).id.clone())
                    .collect(),
            ),
            (None, Some(u)) => {
                let np = &self.unknown[u];
                let mut chain: Vec<String> = Vec::new();
                if let Some(pid) = &np.parent {
                    chain.push(pid.clone());
                    if let Some(pi) = self.gaz.by_id(pid) {
                        chain.extend(self.gaz.ancestors(pi).map(|a| self.gaz.entry(a).id.clone()));
                    }
                }
                ("new_place", np.id.clone(), chain)
            }
            _ => ("place", String::new(), Vec::new()),
        };
        Mention {
            passage: p.id.clone(),
            start: f.start,
            end: f.end,
            text: orig[f.start..f.end].iter().collect(),
            kind,
            id,
            part_of,
        }
    }

    fn place_ref(&self, place: Option<usize>, unknown: Option<usize>) -> PlaceRef {
        match (place, unknown) {
            (Some(i), _) => {
                let e = self.gaz.entry(i);
                PlaceRef {
                    id: e.id.clone(),
                    name_zh: e.name_zh.clone(),
                    name_en: Some(e.name_en.clone()).filter(|s| !s.is_empty()),
                    country_zh: self.gaz.country_zh(i).map(str::to_string),
                    level: Some(e.level_key().to_string()),
                    new: Some(!e.in_data),
                }
            }
            (None, Some(u)) => {
                let np = &self.unknown[u];
                let country = np
                    .parent
                    .as_deref()
                    .and_then(|p| self.gaz.by_id(p))
                    .and_then(|i| self.gaz.country_zh(i))
                    .map(str::to_string);
                PlaceRef {
                    id: np.id.clone(),
                    name_zh: np.name_zh.clone(),
                    name_en: None,
                    country_zh: country,
                    level: Some(crate::model::Level::KEYS[np.level as usize].to_string()),
                    new: Some(true),
                }
            }
            _ => PlaceRef {
                id: String::new(),
                name_zh: String::new(),
                name_en: None,
                country_zh: None,
                level: None,
                new: None,
            },
        }
    }

    /// Places the facts and mentions name that data/ lacks: gazetteer entries (with their
    /// parents up to a place data/ has) and the unknown ones, parents first.
    fn places_needed(&self, facts: &[Fact], mentions: &[Mention]) -> Vec<NewPlace> {
        let _ = self.ds;
        let mut out: Vec<NewPlace> = Vec::new();
        let mut seen: HashMap<String, ()> = HashMap::new();
        let mut first_mention: HashMap<&str, &Mention> = HashMap::new();
        for m in mentions {
            first_mention.entry(m.id.as_str()).or_insert(m);
        }
        let mut need: Vec<String> = Vec::new();
        for f in facts {
            need.push(f.home.id.clone());
            need.extend(f.counterparts.iter().map(|c| c.id.clone()));
        }
        let add_entry = |i: usize, out: &mut Vec<NewPlace>, seen: &mut HashMap<String, ()>| {
            for c in self.gaz.chain_down(i) {
                let e = self.gaz.entry(c);
                if e.in_data || seen.contains_key(&e.id) {
                    continue;
                }
                seen.insert(e.id.clone(), ());
                let m = first_mention.get(e.id.as_str());
                out.push(NewPlace {
                    passage: m.map(|m| m.passage.clone()),
                    quote: m.map(|m| m.text.clone()),
                    ..NewPlace::from_entry(self.gaz, c)
                });
            }
        };
        for id in need {
            if let Some(i) = self.gaz.by_id(&id) {
                add_entry(i, &mut out, &mut seen);
            } else if let Some(np) = self.unknown.iter().find(|u| u.id == id) {
                if let Some(pi) = np.parent.as_deref().and_then(|p| self.gaz.by_id(p)) {
                    add_entry(pi, &mut out, &mut seen);
                }
                if !seen.contains_key(&np.id) {
                    seen.insert(np.id.clone(), ());
                    out.push(np.clone());
                }
            }
        }
        out
    }
}

/// The year a text states: written out (2022年3月), or relative to the report's year (去年,
/// 今年; the report's date, else its period).
fn year_of(text: &[char], header: &Header) -> Option<(i32, Option<String>)> {
    if let Some(y) = rules::stated_year(text) {
        return Some(y);
    }
    let offset = rules::relative_year(text)?;
    let base: i32 = header
        .date
        .as_deref()
        .or(Some(header.period_start.as_str()))
        .and_then(|d| d.get(..4)?.parse().ok())?;
    Some((base + offset, None))
}

fn stated_span(y: i32, d: Option<&str>) -> DateSpan {
    match d {
        Some(day) if day.len() == 10 => DateSpan {
            value: Some(day.to_string()),
            start: day.to_string(),
            end: day.to_string(),
            basis: "stated",
        },
        Some(month) if month.len() == 7 => {
            let m: u32 = month[5..].parse().unwrap_or(1);
            let last = (28..=31)
                .rev()
                .find(|d| crate::ingest::is_valid_date(&format!("{month}-{d:02}")))
                .unwrap_or(28);
            let _ = m;
            DateSpan {
                value: Some(month.to_string()),
                start: format!("{month}-01"),
                end: format!("{month}-{last:02}"),
                basis: "stated",
            }
        }
        _ => DateSpan {
            value: None,
            start: format!("{y:04}-01-01"),
            end: format!("{y:04}-12-31"),
            basis: "stated",
        },
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

fn find_chars(hay: &[char], needle: &str) -> Option<usize> {
    let n: Vec<char> = needle.chars().collect();
    if n.is_empty() || n.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - n.len()).find(|&i| hay[i..i + n.len()] == n[..])
}

/// A name right after a foreign place that no source knows: Han characters up to a list
/// delimiter, at most ten, not starting with an office or a common word. With a place
/// suffix its level follows the suffix (市 city, 区 district, 州/省 region).
fn unknown_name(folded: &[char], mut s: usize) -> Option<(usize, usize, Level)> {
    // "美国友城布法罗市": the word for friendship city before the name is not part of it.
    for w in ["友好城市", "友好交流城市", "友城"] {
        let w: Vec<char> = w.chars().collect();
        if folded[s..].starts_with(&w) {
            s += w.len();
            break;
        }
    }
    const STOP_AT: &str = "、,，。;；:：等和与及的在为同将于(（“《";
    const NOT_START: &[&str] = &[
        "总统", "总理", "主席", "国王", "首相", "副", "驻", "政府", "议会", "大使", "代表", "外交",
        "有关", "城市", "地方", "国家", "友好", "人民", "企业", "大学", "市长", "州长", "省长",
        "领导", "客人", "方面", "各", "相关", "共", "举办", "签署", "开展", "合作", "交流", "文化",
        "经贸", "驻华", "使馆", "总领", "青年", "媒体", "商会", "侨", "华人", "华侨", "籍", "语",
        "留学", "学生", "专家", "官员", "民众", "是", "也", "已", "与", "和", "首都",
    ];
    let mut e = s;
    while e < folded.len() && e < s + 10 && text::is_han(folded[e]) && !STOP_AT.contains(folded[e])
    {
        e += 1;
    }
    if e - s < 2 {
        return None;
    }
    let name: String = folded[s..e].iter().collect();
    if NOT_START.iter().any(|w| name.starts_with(w)) {
        return None;
    }
    // A verb or noun of the act after the name ends it: 占碑举办… → 占碑.
    for w in [
        "签署",
        "举办",
        "开展",
        "代表团",
        "市长",
        "政府",
        "议会",
        "领导",
        "友好",
        "城市",
        "合作",
        "交流",
        "建立",
        "缔结",
    ] {
        if let Some(k) = name.find(w) {
            let cut = name[..k].chars().count();
            if cut < 2 {
                return None;
            }
            e = s + cut;
            break;
        }
    }
    // The first city or district suffix ends the name: 布法罗市建设… → 布法罗市.
    if let Some(k) = (s + 2..e).find(|&k| matches!(folded[k], '市' | '区') && k + 1 < e) {
        e = k + 1;
    }
    let last = folded[e - 1];
    let level = match last {
        '市' | '城' => Level::City,
        '区' | '县' | '郡' => Level::District,
        '州' | '省' | '邦' | '道' => Level::Region,
        // 友谊节, 文化周, 图片展: an event's name, not a place's.
        '节' | '展' | '会' | '赛' | '周' | '日' | '班' => return None,
        _ => {
            // Without a suffix, only as a member of a list: followed by 、 or 等, or after 、.
            let next = folded.get(e).copied();
            let listed = s >= 1 && folded[..s].contains(&'、');
            if !(matches!(next, Some('、') | Some('等'))
                || listed && matches!(next, Some(',') | Some('。') | None))
            {
                return None;
            }
            Level::City
        }
    };
    Some((s, e, level))
}

/// Clauses: char ranges between , ; : 。 outside “quotes”, 《titles》 and (brackets).
fn clauses(folded: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, &c) in folded.iter().enumerate() {
        match c {
            '“' | '《' | '(' | '「' | '【' => depth += 1,
            '”' | '》' | ')' | '」' | '】' => depth = (depth - 1).max(0),
            ',' | ';' | ':' | '。' | '!' | '?' if depth == 0 => {
                if i > start {
                    out.push((start, i));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < folded.len() {
        out.push((start, folded.len()));
    }
    out
}

/// The clause as written, without surrounding spaces and list numbers ("2.").
fn trim_quote(chars: &[char]) -> String {
    let s: String = chars.iter().collect();
    let t = s.trim_matches(|c: char| c.is_whitespace() || "|、".contains(c));
    t.to_string()
}
