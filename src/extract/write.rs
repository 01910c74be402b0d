//! What `amity extract` writes into its folder: `candidates.jsonl` (one fact a line),
//! `mentions.jsonl` (every place and organisation found, for review), `report.json` (the
//! header) and the same facts as CSV rows in the `data/` format (`reports.csv`,
//! `passages.csv`, `places.csv`, `events.csv`, `agreements.csv`, `ties.csv`,
//! `organisations.csv`, and the normalised text under `reports/`), which
//! `amity load --with DIR` validates together with `data/`.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use super::{Extraction, Fact, NewPlace};
use crate::ingest::columns_of;
use crate::model::{Dataset, Level};

/// A CSV row: column → value; the header of the file decides the order.
pub type Row = HashMap<&'static str, String>;

/// The rows of every file, by file name.
#[derive(Default, Debug, Clone)]
pub struct Rows {
    pub files: Vec<(&'static str, Vec<Row>)>,
}

impl Rows {
    /// Adds a row to `file`.
    pub fn push_row(&mut self, file: &'static str, row: Row) {
        self.push(file, row)
    }

    fn push(&mut self, file: &'static str, row: Row) {
        match self.files.iter_mut().find(|(f, _)| *f == file) {
            Some((_, rows)) => rows.push(row),
            None => self.files.push((file, vec![row])),
        }
    }

    pub fn get(&self, file: &str) -> &[Row] {
        self.files
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[])
    }
}

fn row(pairs: &[(&'static str, String)]) -> Row {
    pairs.iter().cloned().collect()
}

/// English labels of the kinds, for the curator-facing `title_en`.
fn kind_en(kind: &str) -> &'static str {
    match kind {
        "leader_meeting" => "Meeting with leaders of",
        "delegation_received" => "Delegations received from",
        "visit_abroad" => "Visit to",
        "event_held" => "Activity held in or for",
        "conference" => "Conference with",
        "exchange_cooperation" => "Exchange and cooperation with",
        "anniversary" => "Anniversary of the tie with",
        "agreement_signed" => "Agreement with",
        "tie_established" => "Tie established with",
        _ => "Reported total",
    }
}

/// The event kind of an act, from its kind and the activity's noun.
fn event_kind(f: &Fact) -> &'static str {
    match f.kind {
        "leader_meeting" => "leader_meeting",
        "delegation_received" => "delegation_received",
        "visit_abroad" => "visit",
        "conference" => "conference",
        "exchange_cooperation" => "exchange_cooperation",
        "anniversary" => "anniversary_celebration",
        "tie_established" => "signing",
        "count_total" => "reported_total",
        _ => {
            let q = &f.quote;
            if q.contains("培训") || q.contains("研修") {
                "training"
            } else if q.contains("节") {
                "festival"
            } else if q.contains("演出") {
                "performance"
            } else if q.contains("展") {
                "exhibition"
            } else if q.contains("推介") || q.contains("行动") {
                "promotion"
            } else if q.contains("文化") || q.contains("艺术") {
                "cultural_event"
            } else {
                "activity"
            }
        }
    }
}

fn level_admin_type(l: Level) -> &'static str {
    match l {
        Level::Continent => "continent",
        Level::Country => "sovereign_state",
        Level::Region => "region",
        Level::City => "city",
        Level::District => "city_district",
        Level::Site => "area",
    }
}

fn fmt_coord(x: Option<f64>) -> String {
    x.map(|v| format!("{:.4}", v)).unwrap_or_default()
}

/// The facts of an extraction as `data/` rows. `ds` is the `data/` folder they join: ids it
/// holds are referred to, not written again, and new ids never collide with its ids.
pub fn to_rows(x: &Extraction, ds: &Dataset) -> Rows {
    let mut rows = Rows::default();
    let mut taken: HashSet<String> = all_ids(ds);
    report_rows(x, ds, &mut rows, &mut taken);
    for (k, f) in x.facts.iter().enumerate() {
        let c = common(k, f);
        if f.kind == "agreement_signed" {
            agreement_rows(f, c, &mut rows, &mut taken);
        } else {
            event_rows(f, c, &mut rows, &mut taken);
        }
    }
    rows
}

/// An id made from `base` that no row has yet (`base`, `base-2`, …), taken.
fn fresh(base: String, taken: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// The report's rows: its publisher (when `data/` does not hold it), the report, its
/// sentences and the new places.
fn report_rows(x: &Extraction, ds: &Dataset, rows: &mut Rows, taken: &mut HashSet<String>) {
    let h = &x.header;
    // The report, its publisher and its sentences.
    let publisher = h.issuer.as_ref().and_then(|name| {
        ds.organisations
            .iter()
            .find(|o| &o.name_zh == name || o.alt_zh.iter().any(|a| a == name))
            .map(|o| o.id.clone())
    });
    let publisher = match (publisher, &h.issuer) {
        (Some(p), _) => p,
        (None, Some(name)) => {
            let id = fresh(format!("{}-publisher", h.id), taken);
            let (passage, quote) = x
                .passages
                .iter()
                .find(|p| p.text.contains(name.as_str()))
                .map(|p| (p.id.clone(), name.clone()))
                .unwrap_or_default();
            let source = if passage.is_empty() {
                h.source_url
                    .clone()
                    .unwrap_or_else(|| "the report's source line".into())
            } else {
                String::new()
            };
            rows.push(
                "organisations.csv",
                row(&[
                    ("id", id.clone()),
                    ("name_zh", name.clone()),
                    ("name_en", String::new()),
                    ("alt_zh", String::new()),
                    ("kind", "government_office".into()),
                    ("parent", String::new()),
                    ("based_in", h.home.clone()),
                    (
                        "note",
                        "The report's issuer, as its header names it.".into(),
                    ),
                    ("passage", passage),
                    ("quote", quote),
                    ("source", source),
                ]),
            );
            id
        }
        (None, None) => String::new(),
    };
    taken.insert(h.id.clone());
    rows.push(
        "reports.csv",
        row(&[
            ("id", h.id.clone()),
            ("title_zh", h.title.clone().unwrap_or_default()),
            ("title_en", String::new()),
            ("publisher", publisher),
            ("source_zh", h.source_url.clone().unwrap_or_default()),
            ("date", h.date.clone().unwrap_or_default()),
            ("period_start", h.period_start.clone()),
            ("period_end", h.period_end.clone()),
            ("text_file", format!("reports/{}.txt", h.id)),
        ]),
    );
    for p in &x.passages {
        taken.insert(p.id.clone());
        rows.push(
            "passages.csv",
            row(&[
                ("id", p.id.clone()),
                ("report", h.id.clone()),
                ("paragraph", p.paragraph.to_string()),
                ("sentence", p.sentence.to_string()),
                ("text", p.text.clone()),
            ]),
        );
    }
    for np in &x.places {
        taken.insert(np.id.clone());
        rows.push("places.csv", place_row(np));
    }
}

/// What a fact's rows share: the id base, its dates, counterparts, English title, status and
/// whether a district acts.
struct Common {
    base: String,
    start: String,
    end: String,
    basis: String,
    date: String,
    cps: Vec<String>,
    title_en: String,
    status: &'static str,
    district: bool,
}

fn common(k: usize, f: &Fact) -> Common {
    let n = k + 1;
    let base = format!("{}-{:03}", f.passage, n);
    let (start, end, basis, date) = match &f.date {
        Some(d) => (
            d.start.clone(),
            d.end.clone(),
            if d.basis == "stated" {
                "stated"
            } else {
                "derived"
            }
            .to_string(),
            d.value
                .clone()
                .filter(|v| v.len() == 10)
                .unwrap_or_default(),
        ),
        None => Default::default(),
    };
    let (start, end) = if date.is_empty() {
        (start, end)
    } else {
        (String::new(), String::new())
    };
    let cps: Vec<String> = f.counterparts.iter().map(|c| c.id.clone()).collect();
    let en: Vec<String> = f
        .counterparts
        .iter()
        .map(|c| c.name_en.clone().unwrap_or_else(|| c.name_zh.clone()))
        .collect();
    let title_en = if en.is_empty() {
        kind_en(f.kind).to_string()
    } else {
        format!("{} {}", kind_en(f.kind), en.join(", "))
    };
    let status = if f.year.is_none() && f.date.is_none() && f.kind != "count_total" {
        "planned"
    } else {
        "completed"
    };
    let district = f.home.level.as_deref() == Some("district");
    Common {
        base,
        start,
        end,
        basis,
        date,
        cps,
        title_en,
        status,
        district,
    }
}

/// An agreement's row, and the tie a friendship document makes or intends.
fn agreement_rows(f: &Fact, c: Common, rows: &mut Rows, taken: &mut HashSet<String>) {
    let Common {
        base,
        start,
        end,
        basis,
        date,
        cps,
        title_en,
        status,
        district,
    } = c;
    let id = fresh(format!("ag-{base}"), taken);
    let doc = f
        .rule
        .rsplit("→ ")
        .next()
        .unwrap_or("agreement")
        .trim()
        .to_string();
    let mut parties = vec![f.home.id.clone()];
    parties.extend(cps.iter().cloned());
    rows.push(
        "agreements.csv",
        row(&[
            ("id", id.clone()),
            ("task", String::new()),
            ("kind", doc.clone()),
            ("title_zh", f.quote.clone()),
            ("title_en", title_en.clone()),
            ("parties", parties.join(";")),
            (
                "signing_level",
                if district { "district" } else { "city" }.into(),
            ),
            (
                "status",
                if status == "planned" {
                    "planned"
                } else {
                    "signed"
                }
                .into(),
            ),
            ("part_of", String::new()),
            ("outcome_of", String::new()),
            ("date", date.clone()),
            ("period_start", start.clone()),
            ("period_end", end.clone()),
            (
                "date_basis",
                if f.date.is_some() {
                    basis.clone()
                } else {
                    String::new()
                },
            ),
            ("note", format!("Extracted by rule: {}", f.rule)),
            ("passage", f.passage.clone()),
            ("quote", f.quote.clone()),
        ]),
    );
    // A friendship document also shows the tie it makes or intends.
    let tie_kind = if doc == "letter_of_intent" {
        Some("intended_friendly_relations")
    } else if f.quote.contains("友好交流") {
        Some("friendly_exchange")
    } else if f.quote.contains("友好城市")
        || f.quote.contains("结好")
        || doc == "twinning_agreement"
    {
        Some("twinning")
    } else {
        None
    };
    if let Some(tk) = tie_kind {
        for c in &cps {
            let tid = fresh(format!("tie-{}-{}", f.home.id, c), taken);
            let (sy, sb, note) = match &f.year {
                Some(y) if tk != "intended_friendly_relations" => (
                    y.value.to_string(),
                    if y.basis == "stated" {
                        "stated"
                    } else {
                        "derived"
                    }
                    .to_string(),
                    if y.basis == "stated" {
                        String::new()
                    } else {
                        format!("Signed in the report's period ({}): derived", y.value)
                    },
                ),
                _ => Default::default(),
            };
            rows.push("ties.csv", tie_row(tid, f, c, tk, (sy, sb, note), &id));
        }
    }
}

/// An event's row, and the tie an anniversary or a twinning shows.
fn event_rows(f: &Fact, c: Common, rows: &mut Rows, taken: &mut HashSet<String>) {
    let Common {
        base,
        start,
        end,
        basis,
        date,
        cps,
        title_en,
        status,
        district,
    } = c;
    let id = fresh(format!("ev-{base}"), taken);
    let held_in = match f.kind {
        "visit_abroad" => cps.join(";"),
        "event_held" if f.quote.starts_with('在') || f.quote.contains("在") => cps.join(";"),
        _ => String::new(),
    };
    // A total counts the counterparts, named or not: none named is a partial list too.
    let (counted, reported, unit) = match &f.count {
        Some(c) => (
            "counterparts".to_string(),
            c.value.to_string(),
            c.unit.clone(),
        ),
        None => Default::default(),
    };
    let partial = if (f.partial && !cps.is_empty()) || (f.count.is_some() && cps.is_empty()) {
        "counterparts"
    } else {
        ""
    };
    let anniversary = if f.kind == "anniversary" {
        f.year
            .as_ref()
            .and_then(|y| y.note.as_deref())
            .and_then(|n| n.split("th").next())
            .unwrap_or("")
            .to_string()
    } else {
        String::new()
    };
    let participants = if district {
        f.home.id.clone()
    } else {
        String::new()
    };
    rows.push(
        "events.csv",
        row(&[
            ("id", id.clone()),
            ("task", String::new()),
            ("kind", event_kind(f).into()),
            ("title_zh", f.quote.clone()),
            ("title_en", title_en),
            ("status", status.into()),
            ("held_in", held_in),
            ("counterparts", cps.join(";")),
            ("participants", participants),
            ("organisers", String::new()),
            ("documents", String::new()),
            ("roles_zh", String::new()),
            ("fields_zh", String::new()),
            ("counted_list", counted),
            ("reported_count", reported),
            ("count_unit", unit),
            ("partial_lists", partial.into()),
            ("ordinal", String::new()),
            ("anniversary", anniversary.clone()),
            ("celebrates", String::new()),
            ("implements", String::new()),
            ("part_of", String::new()),
            (
                "date",
                if f.kind == "anniversary" {
                    String::new()
                } else {
                    date.clone()
                },
            ),
            (
                "period_start",
                if f.kind == "anniversary" {
                    String::new()
                } else {
                    start.clone()
                },
            ),
            (
                "period_end",
                if f.kind == "anniversary" {
                    String::new()
                } else {
                    end.clone()
                },
            ),
            (
                "date_basis",
                if f.date.is_some() && f.kind != "anniversary" {
                    basis.clone()
                } else {
                    String::new()
                },
            ),
            ("passage", f.passage.clone()),
            ("quote", f.quote.clone()),
        ]),
    );
    if matches!(f.kind, "anniversary" | "tie_established") {
        for c in &cps {
            let tid = fresh(format!("tie-{}-{}", f.home.id, c), taken);
            let (sy, sb, note) = match &f.year {
                Some(y) => (
                    y.value.to_string(),
                    if y.basis == "stated" {
                        "stated"
                    } else {
                        "derived"
                    }
                    .to_string(),
                    match (y.basis, &y.note) {
                        ("stated", _) => String::new(),
                        (_, Some(n)) => n.clone(),
                        _ => {
                            format!("Established in the report's period ({}): derived", y.value)
                        }
                    },
                ),
                None => Default::default(),
            };
            let kind = if f.quote.contains("友好交流") {
                "friendly_exchange"
            } else {
                "twinning"
            };
            rows.push("ties.csv", tie_row(tid, f, c, kind, (sy, sb, note), &id));
        }
    }
}

/// A `ties.csv` row for a fact's tie between its home and `partner`, evidenced by the event
/// or agreement `evidence`; `start` is (start_year, start_basis, basis_note).
fn tie_row(
    id: String,
    f: &Fact,
    partner: &str,
    kind: &str,
    (start_year, start_basis, basis_note): (String, String, String),
    evidence: &str,
) -> Row {
    row(&[
        ("id", id),
        ("place_a", f.home.id.clone()),
        ("place_b", partner.to_string()),
        ("kind", kind.to_string()),
        ("start_year", start_year),
        ("start_date", String::new()),
        ("start_basis", start_basis),
        ("basis_note", basis_note),
        ("evidence", evidence.to_string()),
        ("passage", f.passage.clone()),
        ("quote", f.quote.clone()),
    ])
}

pub(crate) fn place_row(np: &NewPlace) -> Row {
    let coord_source = match (&np.lat, &np.source) {
        (None, _) => String::new(),
        (Some(_), Some(s)) if s.starts_with("gn:") => format!("GeoNames {}", &s[3..]),
        (Some(_), Some(s)) => format!("gazetteer {s} (data/gazetteer)"),
        (Some(_), None) => String::new(),
    };
    let (passage, quote) = (
        np.passage.clone().unwrap_or_default(),
        np.quote.clone().unwrap_or_default(),
    );
    let source = if passage.is_empty() {
        np.source
            .clone()
            .map(|s| {
                if np.unknown {
                    // A table's row: the table is the source.
                    s
                } else {
                    format!("gazetteer {s} (data/gazetteer)")
                }
            })
            .unwrap_or_default()
    } else {
        String::new()
    };
    row(&[
        ("id", np.id.clone()),
        ("name_zh", np.name_zh.clone()),
        ("name_en", np.name_en.clone()),
        ("alt_zh", String::new()),
        ("level", Level::KEYS[np.level as usize].into()),
        ("admin_type", level_admin_type(np.level).into()),
        ("part_of", np.parent.clone().unwrap_or_default()),
        ("lat", fmt_coord(np.lat)),
        ("lon", fmt_coord(np.lon)),
        ("coord_source", coord_source),
        ("wikidata", np.wikidata.clone().unwrap_or_default()),
        ("note", np.note.clone().unwrap_or_default()),
        ("passage", passage),
        ("quote", quote),
        ("source", source),
    ])
}

fn all_ids(ds: &Dataset) -> HashSet<String> {
    let mut s = HashSet::new();
    s.extend(ds.reports.iter().map(|x| x.id.clone()));
    s.extend(ds.passages.iter().map(|x| x.id.clone()));
    s.extend(ds.tasks.iter().map(|x| x.id.clone()));
    s.extend(ds.departments.iter().map(|x| x.id.clone()));
    s.extend(ds.organisations.iter().map(|x| x.id.clone()));
    s.extend(ds.persons.iter().map(|x| x.id.clone()));
    s.extend(ds.places.iter().map(|x| x.id.clone()));
    s.extend(ds.ties.iter().map(|x| x.id.clone()));
    s.extend(ds.agreements.iter().map(|x| x.id.clone()));
    s.extend(ds.events.iter().map(|x| x.id.clone()));
    s.extend(ds.projects.iter().map(|x| x.id.clone()));
    s.extend(ds.documents.iter().map(|x| x.id.clone()));
    s
}

/// Writes one CSV file with the columns `data/` uses for it.
pub fn write_csv(path: &Path, file: &str, rows: &[Row]) -> std::io::Result<()> {
    let mut cols: Vec<&str> = columns_of(file).unwrap_or(&[]).to_vec();
    // Columns the rows carry beyond the required ones (a table-sourced tie's `source`).
    for r in rows {
        let mut extra: Vec<&str> = r.keys().copied().filter(|k| !cols.contains(k)).collect();
        extra.sort_unstable();
        cols.extend(extra);
    }
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(&cols)?;
    for r in rows {
        w.write_record(
            cols.iter()
                .map(|c| r.get(c).map(String::as_str).unwrap_or("")),
        )?;
    }
    w.flush()
}

/// Writes everything into `dir` (created if missing). Returns the files written.
pub fn write_all(x: &Extraction, ds: &Dataset, dir: &Path) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir.join("reports"))?;
    let mut written = Vec::new();
    let mut f = std::fs::File::create(dir.join("candidates.jsonl"))?;
    for fact in &x.facts {
        serde_json::to_writer(&mut f, fact)?;
        f.write_all(b"\n")?;
    }
    written.push("candidates.jsonl".to_string());
    let mut f = std::fs::File::create(dir.join("mentions.jsonl"))?;
    for m in &x.mentions {
        serde_json::to_writer(&mut f, m)?;
        f.write_all(b"\n")?;
    }
    written.push("mentions.jsonl".to_string());
    let report = serde_json::json!({
        "header": x.header,
        "input": {
            "format": x.input_format,
            "how": x.input_how,
            "text_file": format!("reports/{}.txt", x.header.id),
        },
        "reflowed": x.split.reflowed,
        "passages": x.passages,
    });
    std::fs::write(dir.join("report.json"), serde_json::to_vec_pretty(&report)?)?;
    written.push("report.json".to_string());
    let text_file = dir.join("reports").join(format!("{}.txt", x.header.id));
    std::fs::write(&text_file, &x.split.text)?;
    written.push(format!("reports/{}.txt", x.header.id));
    let rows = to_rows(x, ds);
    for (file, rs) in &rows.files {
        write_csv(&dir.join(file), file, rs)?;
        written.push(file.to_string());
    }
    Ok(written)
}
