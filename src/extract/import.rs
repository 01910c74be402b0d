//! `amity import ties`: an official friendship-city table (one row per partner: Chinese name,
//! often English, country, continent, signing date) into `ties.csv` and `places.csv` rows whose
//! `source` is the table and its row, the partners resolved through the gazetteer `extract`
//! uses. Every row that cannot be read is reported with its line and the reason, and then
//! nothing is written.

use std::collections::HashSet;

use super::gazetteer::{slug, Cell, Gazetteer, Lookup};
use super::text::fold;
use super::write::{Row, Rows};
use super::NewPlace;
use crate::model::{Dataset, Level};

/// One problem of the table: line, column (1-based; 0 when the row is at fault as a whole),
/// the value and the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct TableError {
    pub line: u64,
    pub column: usize,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column > 0 {
            write!(
                f,
                "line {} column {}: {:?}: {}",
                self.line, self.column, self.value, self.reason
            )
        } else {
            write!(f, "line {}: {:?}: {}", self.line, self.value, self.reason)
        }
    }
}

/// A signing date as tables write it: "1974年2月1日", "1979.03.14", "1979-3-14",
/// "1979/03/14", "1974年2月", "1999", "1999年", with stray or full-width spaces, or in English
/// ("March 14, 1979", "14 March 1979", "Mar. 1979", "since 1979"). Returns the year and, when
/// the day is given, the date as `YYYY-MM-DD`.
pub fn parse_table_date(s: &str) -> Result<(i32, Option<String>), String> {
    let s = s.trim();
    let s = match s.get(..6) {
        Some(w) if w.eq_ignore_ascii_case("since ") => &s[6..],
        _ => s,
    };
    if let Some(english) = english_date(s) {
        return english;
    }
    let t: String = fold(s).into_iter().filter(|c| !c.is_whitespace()).collect();
    let expected = "a signing date such as 1974年2月1日, 1979.03.14 or 1999";
    if t.is_empty() {
        return Err(format!("{expected} (the cell is empty)"));
    }
    let nums: Vec<&str> = t
        .split(['年', '月', '日', '号', '.', '-', '/'])
        .filter(|p| !p.is_empty())
        .collect();
    let seps_ok = t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '年' | '月' | '日' | '号' | '.' | '-' | '/'));
    if !seps_ok
        || nums.is_empty()
        || nums.len() > 3
        || nums.iter().any(|n| !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(expected.to_string());
    }
    let y: i32 = nums[0].parse().map_err(|_| expected.to_string())?;
    if nums[0].len() != 4 || !(1900..=2100).contains(&y) {
        return Err(format!(
            "{expected} (the year must have four digits, 1900–2100)"
        ));
    }
    match nums.len() {
        1 => Ok((y, None)),
        2 => {
            let m: u32 = nums[1].parse().map_err(|_| expected.to_string())?;
            if (1..=12).contains(&m) {
                Ok((y, None))
            } else {
                Err(format!("{expected} (month {m} does not exist)"))
            }
        }
        _ => {
            let (m, d): (u32, u32) = (
                nums[1].parse().map_err(|_| expected.to_string())?,
                nums[2].parse().map_err(|_| expected.to_string())?,
            );
            let date = format!("{y:04}-{m:02}-{d:02}");
            if crate::ingest::is_valid_date(&date) {
                Ok((y, Some(date)))
            } else {
                Err(format!("{expected} ({date} is not a day of the calendar)"))
            }
        }
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// An English date ("March 14, 1979", "14 March 1979", "March 1979", "Mar. 14, 1979"): `None`
/// when the cell names no English month, so the numeric forms are tried.
fn english_date(s: &str) -> Option<Result<(i32, Option<String>), String>> {
    let lower = s.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|w| !w.is_empty())
        .collect();
    let month_of = |w: &str| {
        (w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()))
            .then(|| MONTHS.iter().position(|m| m.starts_with(w)))
            .flatten()
    };
    let mi = words.iter().position(|w| month_of(w).is_some())?;
    let m = month_of(words[mi]).unwrap() as u32 + 1;
    let expected = "an English date such as March 14, 1979";
    let nums: Vec<&str> = words
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != mi)
        .map(|(_, w)| *w)
        .collect();
    if nums.is_empty()
        || nums.len() > 2
        || nums.iter().any(|n| !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(Err(expected.to_string()));
    }
    let Some(year) = nums.iter().find(|n| n.len() == 4) else {
        return Some(Err(format!("{expected} (the year must have four digits)")));
    };
    let y: i32 = year.parse().ok()?;
    if !(1900..=2100).contains(&y) {
        return Some(Err(format!("{expected} (the year must be 1900–2100)")));
    }
    match nums.iter().find(|n| n.len() <= 2) {
        None if nums.len() == 1 => Some(Ok((y, None))),
        None => Some(Err(expected.to_string())),
        Some(d) => {
            let date = format!("{y:04}-{m:02}-{:02}", d.parse::<u32>().ok()?);
            if crate::ingest::is_valid_date(&date) {
                Some(Ok((y, Some(date))))
            } else {
                Some(Err(format!(
                    "{expected} ({date} is not a day of the calendar)"
                )))
            }
        }
    }
}

/// Which column holds what, found from the header's words.
#[derive(Default, Debug)]
struct Columns {
    zh: Option<usize>,
    en: Option<usize>,
    country: Option<usize>,
    continent: Option<usize>,
    date: Option<usize>,
}

fn columns(header: &[String]) -> Columns {
    let mut c = Columns::default();
    for (i, h) in header.iter().enumerate() {
        let l = h.to_lowercase();
        let has = |ws: &[&str]| ws.iter().any(|w| l.contains(w));
        if c.en.is_none() && has(&["英文", "english", "name_en", "partner_en"]) {
            c.en = Some(i);
        } else if c.country.is_none() && has(&["国家", "国别", "所在国", "country"]) {
            c.country = Some(i);
        } else if c.continent.is_none() && has(&["洲", "continent", "区域"]) {
            c.continent = Some(i);
        } else if c.date.is_none()
            && has(&[
                "时间", "日期", "签约", "签署", "结好", "缔结", "date", "year", "年份", "since",
            ])
        {
            c.date = Some(i);
        } else if c.zh.is_none()
            && has(&[
                "中文",
                "友城",
                "友好城市",
                "城市",
                "名称",
                "partner",
                "name_zh",
                "city",
            ])
        {
            c.zh = Some(i);
        }
    }
    c
}

/// The rows of `table` (CSV bytes; `label` names it in the rows' `source`, e.g. its URL),
/// as `data/` rows: ties from `home` (a place id or a Chinese name), and the places they need.
pub fn import_ties(
    table: &[u8],
    label: &str,
    home: &str,
    kind: &str,
    ds: &Dataset,
    gaz: &Gazetteer,
) -> Result<Rows, Vec<TableError>> {
    let mut errs = Vec::new();
    let err = |errs: &mut Vec<TableError>, line, column, value: &str, reason: String| {
        errs.push(TableError {
            line,
            column,
            value: value.to_string(),
            reason,
        })
    };
    let home_i = resolve_home(gaz, home)?;
    let text = match std::str::from_utf8(table) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
        Err(e) => {
            return Err(vec![TableError {
                line: 0,
                column: 0,
                value: String::new(),
                reason: format!(
                    "the table is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                    e.valid_up_to()
                ),
            }])
        }
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(|s| s.trim().to_string()).collect(),
        _ => {
            return Err(vec![TableError {
                line: 1,
                column: 0,
                value: String::new(),
                reason: "a header line naming the columns (partner, English name, country, date)"
                    .into(),
            }])
        }
    };
    let cols = columns(&header);
    let (Some(zh_col), Some(date_col)) = (cols.zh, cols.date) else {
        return Err(vec![TableError {
            line: 1,
            column: 0,
            value: header.join(","),
            reason: "a header with a partner column (中文名称 / 友好城市 / 城市 / partner) and a date column (签约时间 / 结好时间 / date)".into(),
        }]);
    };
    let mut taken: HashSet<String> = HashSet::new();
    for p in &ds.places {
        taken.insert(p.id.clone());
    }
    for t in &ds.ties {
        taken.insert(t.id.clone());
    }
    let mut ties: Vec<Row> = Vec::new();
    let mut places: Vec<NewPlace> = Vec::new();
    // The home city too, when data/ does not hold it yet (from the gazetteer).
    let home_id = p_id(gaz, home_i, &mut places, ds);
    let mut partners: HashSet<String> = HashSet::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                err(
                    &mut errs,
                    line,
                    0,
                    "",
                    format!("a well-formed CSV record ({e})"),
                );
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cell = |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::trim).unwrap_or("");
        let zh = cell(Some(zh_col));
        let en = cell(cols.en);
        let country_zh = cell(cols.country);
        let date = cell(Some(date_col));
        if zh.is_empty() {
            err(
                &mut errs,
                line,
                zh_col + 1,
                zh,
                "the partner's Chinese name".into(),
            );
            continue;
        }
        let (year, day) = match parse_table_date(date) {
            Ok(d) => d,
            Err(reason) => {
                err(&mut errs, line, date_col + 1, date, reason);
                continue;
            }
        };
        let country = if country_zh.is_empty() {
            None
        } else {
            match country_named(gaz, country_zh) {
                Some(c) => Some(c),
                None => {
                    err(
                        &mut errs,
                        line,
                        cols.country.unwrap_or(0) + 1,
                        country_zh,
                        "a country amity knows by its Chinese or English name".into(),
                    );
                    continue;
                }
            }
        };
        // The partner: the cell (and the English column), resolved within its country.
        let cell = if en.is_empty() || zh.contains(en) {
            zh.to_string()
        } else {
            format!("{zh} {en}")
        };
        let partner = match gaz.lookup(&cell, country) {
            Lookup::One(p) => p_id(gaz, p, &mut places, ds),
            found => {
                let Some(c) = country else {
                    err(&mut errs, line, zh_col + 1, zh, "a partner amity can place: give its country, or a name the gazetteer knows".into());
                    continue;
                };
                match new_partner(
                    gaz,
                    ds,
                    &cell,
                    c,
                    &found,
                    home_i,
                    line,
                    label,
                    &mut taken,
                    &mut places,
                ) {
                    Some(id) => id,
                    None => {
                        err(&mut errs, line, zh_col + 1, &cell, "a partner name".into());
                        continue;
                    }
                }
            }
        };
        if !partners.insert(partner.clone()) {
            err(
                &mut errs,
                line,
                zh_col + 1,
                zh,
                format!("one row per partner ({partner} is in an earlier row)"),
            );
            continue;
        }
        ties.push(tie_row(
            &home_id, &partner, kind, year, day, label, line, &mut taken,
        ));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut rows = Rows::default();
    for p in &places {
        rows.push_row("places.csv", super::write::place_row(p));
    }
    for t in ties {
        rows.push_row("ties.csv", t);
    }
    Ok(rows)
}

/// The table's city (`--home`): a place id or a name the gazetteer resolves to one place; a
/// name several places bear is refused with each of them.
fn resolve_home(gaz: &Gazetteer, home: &str) -> Result<usize, Vec<TableError>> {
    match gaz
        .by_id(home)
        .map(Lookup::One)
        .unwrap_or_else(|| gaz.lookup(home, None))
    {
        Lookup::One(i) => Ok(i),
        found => {
            let reason = match found {
                Lookup::Many(c) => format!(
                    "--home names {} places: {}; choose one with --home ID",
                    c.len(),
                    c.iter()
                        .map(|&i| gaz.describe(i))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                _ => "--home must be a place id or a place name amity knows".into(),
            };
            Err(vec![TableError {
                line: 0,
                column: 0,
                value: home.to_string(),
                reason,
            }])
        }
    }
}

/// A partner no gazetteer entry is: a new place under its country `c`, its Chinese and English
/// names apart, never a centroid for coordinates, and the namesakes it could be (`found`) listed
/// for the analyst. `None` when the cell holds no name.
#[allow(clippy::too_many_arguments)]
fn new_partner(
    gaz: &Gazetteer,
    ds: &Dataset,
    cell: &str,
    c: usize,
    found: &Lookup,
    home_i: usize,
    line: u64,
    label: &str,
    taken: &mut HashSet<String>,
    places: &mut Vec<NewPlace>,
) -> Option<String> {
    let names = Cell::split(cell);
    let (zh, en) = (names.zh.as_str(), names.en.as_str());
    if zh.is_empty() && en.is_empty() {
        return None;
    }
    let parent = p_id(gaz, c, places, ds);
    let level = match zh.chars().last() {
        Some('区' | '县' | '郡') => Level::District,
        Some('州' | '省' | '邦' | '道') => Level::Region,
        _ => Level::City,
    };
    let mut id = if en.is_empty() {
        format!("{}-partner-{line}", gaz.entry(home_i).id)
    } else {
        slug(en)
    };
    if id.is_empty() || taken.contains(&id) {
        id = format!("{id}-{}", gaz.entry(c).id);
    }
    taken.insert(id.clone());
    let note = match found {
        Lookup::Many(options) => format!(
            "A partner in the table that the gazetteer cannot tell apart from its namesakes: {}. No coordinates until one is chosen.",
            options.iter().map(|&i| gaz.describe(i)).collect::<Vec<_>>().join("; ")
        ),
        _ => "A partner in the table that no gazetteer knows. No coordinates until a source gives them.".to_string(),
    };
    places.push(NewPlace {
        id: id.clone(),
        name_zh: zh.to_string(),
        name_en: en.to_string(),
        level,
        parent: Some(parent),
        lat: None,
        lon: None,
        source: Some(format!("{label} line {line}")),
        wikidata: None,
        passage: None,
        quote: None,
        unknown: true,
        note: Some(note),
    });
    Some(id)
}

/// The country a table's country cell names (Chinese or English), if exactly one.
fn country_named(gaz: &Gazetteer, name: &str) -> Option<usize> {
    let found: Vec<usize> = gaz
        .lookup(name, None)
        .into_vec()
        .into_iter()
        .filter(|&c| gaz.entry(c).level == Level::Country)
        .collect();
    match found[..] {
        [c] => Some(c),
        _ => None,
    }
}

/// The `ties.csv` row of one table row: an id no other tie has, the start as stated, the table
/// and its line as the source.
#[allow(clippy::too_many_arguments)]
fn tie_row(
    home_id: &str,
    partner: &str,
    kind: &str,
    year: i32,
    day: Option<String>,
    label: &str,
    line: u64,
    taken: &mut HashSet<String>,
) -> Row {
    let mut id = format!("tie-{home_id}-{partner}");
    if taken.contains(&id) {
        id = format!(
            "{id}-{}",
            slug(label)
                .chars()
                .take(24)
                .collect::<String>()
                .trim_end_matches('-')
        );
    }
    taken.insert(id.clone());
    let row: Row = [
        ("id", id),
        ("place_a", home_id.to_string()),
        ("place_b", partner.to_string()),
        ("kind", kind.to_string()),
        ("start_year", year.to_string()),
        ("start_date", day.unwrap_or_default()),
        ("start_basis", "stated".to_string()),
        ("basis_note", String::new()),
        ("evidence", String::new()),
        ("passage", String::new()),
        ("quote", String::new()),
        ("source", format!("{label} line {line}")),
    ]
    .into_iter()
    .collect();
    row
}

/// The id of gazetteer entry `i`, adding it (and the parents `data/` lacks) to `places`.
fn p_id(gaz: &Gazetteer, i: usize, places: &mut Vec<NewPlace>, ds: &Dataset) -> String {
    for c in gaz.chain_down(i) {
        let e = gaz.entry(c);
        if e.in_data
            || ds.places.iter().any(|p| p.id == e.id)
            || places.iter().any(|p| p.id == e.id)
        {
            continue;
        }
        places.push(NewPlace::from_entry(gaz, c));
    }
    gaz.entry(i).id.clone()
}
