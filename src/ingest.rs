//! CSV rows → [`Dataset`]: reads every file of a `data/` folder, checks every cell and every
//! reference, and returns either the whole validated dataset or **all** the problems found.
//!
//! It reads in three steps: every file into raw rows (catching bad UTF-8 and wrong column
//! counts), every `id` into one registry (catching duplicates), then every row into its model
//! struct, resolving references against the registry. Cross-row rules (part-of cycles, the
//! country of each place, quotes that must occur in their passage) run last.
//! This module knows nothing about RDF.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, LoadErrors, Pos, Result};
use crate::model::*;
use crate::vocab::schemes::{self, Scheme};

/// The separator of list cells (`beijing;hanoi`).
pub const LIST_SEPARATOR: char = ';';

/// One file's raw content.
struct Table {
    file: String,
    kind: Option<Kind>,
    index: HashMap<String, usize>,
    rows: Vec<RawRow>,
}

struct RawRow {
    line: u64,
    fields: Vec<String>,
}

/// A file amity reads: its name, the kind of its rows, and the columns it must have.
struct FileSpec {
    name: &'static str,
    kind: Kind,
    columns: &'static [&'static str],
}

const FILES: &[FileSpec] = &[
    FileSpec {
        name: "reports.csv",
        kind: Kind::Report,
        columns: &[
            "id",
            "title_zh",
            "title_en",
            "publisher",
            "source_zh",
            "date",
            "period_start",
            "period_end",
            "text_file",
        ],
    },
    FileSpec {
        name: "passages.csv",
        kind: Kind::Passage,
        columns: &["id", "report", "paragraph", "sentence", "text"],
    },
    FileSpec {
        name: "tasks.csv",
        kind: Kind::Task,
        columns: &[
            "id",
            "report",
            "number",
            "title_en",
            "lead_department",
            "task_passages",
            "lead_passage",
            "progress_passages",
        ],
    },
    FileSpec {
        name: "departments.csv",
        kind: Kind::Department,
        columns: &["id", "name_zh", "name_en", "parent", "passage", "quote"],
    },
    FileSpec {
        name: "organisations.csv",
        kind: Kind::Organisation,
        columns: &[
            "id", "name_zh", "name_en", "alt_zh", "kind", "parent", "based_in", "note", "passage",
            "quote", "source",
        ],
    },
    FileSpec {
        name: "persons.csv",
        kind: Kind::Person,
        columns: &[
            "id",
            "name_zh",
            "name_en",
            "role_zh",
            "role_en",
            "affiliation",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "places.csv",
        kind: Kind::Place,
        columns: &[
            "id",
            "name_zh",
            "name_en",
            "alt_zh",
            "level",
            "admin_type",
            "part_of",
            "lat",
            "lon",
            "coord_source",
            "wikidata",
            "note",
            "passage",
            "quote",
            "source",
        ],
    },
    FileSpec {
        name: "ties.csv",
        kind: Kind::Tie,
        columns: &[
            "id",
            "place_a",
            "place_b",
            "kind",
            "start_year",
            "start_date",
            "start_basis",
            "basis_note",
            "evidence",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "agreements.csv",
        kind: Kind::Agreement,
        columns: &[
            "id",
            "task",
            "kind",
            "title_zh",
            "title_en",
            "parties",
            "signing_level",
            "status",
            "part_of",
            "outcome_of",
            "date",
            "period_start",
            "period_end",
            "date_basis",
            "note",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "events.csv",
        kind: Kind::Event,
        columns: &[
            "id",
            "task",
            "kind",
            "title_zh",
            "title_en",
            "status",
            "held_in",
            "counterparts",
            "participants",
            "organisers",
            "documents",
            "roles_zh",
            "fields_zh",
            "counted_list",
            "reported_count",
            "count_unit",
            "partial_lists",
            "ordinal",
            "anniversary",
            "celebrates",
            "implements",
            "part_of",
            "date",
            "period_start",
            "period_end",
            "date_basis",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "projects.csv",
        kind: Kind::Project,
        columns: &[
            "id",
            "task",
            "name_zh",
            "name_en",
            "part_of",
            "location",
            "status",
            "progress_pct",
            "progress_measure_zh",
            "progress_zh",
            "passage",
            "quote",
        ],
    },
    FileSpec {
        name: "documents.csv",
        kind: Kind::Document,
        columns: &[
            "id", "task", "kind", "title_zh", "title_en", "issuer", "note", "passage", "quote",
        ],
    },
];

/// The CSV files a `data/` folder must contain, in load order.
pub fn file_names() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|f| f.name)
}

/// The header (column names) of one of amity's CSV files, for writers such as the generator.
pub fn columns_of(file: &str) -> Option<&'static [&'static str]> {
    FILES.iter().find(|f| f.name == file).map(|f| f.columns)
}

fn file_of(kind: Kind) -> &'static str {
    FILES
        .iter()
        .find(|f| f.kind == kind)
        .map(|f| f.name)
        .unwrap_or("?")
}

/// Reads and validates a `data/` folder. On any problem returns [`Error::Data`] with all of them.
pub fn load_dir(dir: &Path) -> Result<Dataset> {
    load_dir_with_progress(dir, &mut |_, _| {})
}

/// As [`load_dir`], calling `progress(done, total)` with rows processed.
///
/// The files are read on two threads, and so are the tables after `passages.csv` (they only
/// read the id registry and the passages); errors are reported in the same order as a
/// one-thread pass would give: by file in load order, then by line.
pub fn load_dir_with_progress(
    dir: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Dataset> {
    let mut cx = Cx::default();
    let mut tables = Vec::new();
    for read in read_tables(dir) {
        let (table, errs) = read?;
        cx.errs.0.extend(errs.0);
        tables.push(table);
    }
    let total: usize = tables.iter().map(|t| t.rows.len()).sum();
    for table in &tables {
        cx.register(table);
    }
    let done = AtomicUsize::new(0);
    // Only the calling thread reports progress (`progress` need not be `Send`).
    let mut report = |n: usize| {
        if n.is_multiple_of(4096) && n < total {
            progress(n, total);
        }
    };
    let mut ds = Dataset::default();
    let t = |name: &str| tables.iter().find(|t| t.file == name).expect("known file");

    let shared = Shared {
        ids: &cx.ids,
        passage_text: &HashMap::new(),
    };
    rows(
        t("reports.csv"),
        shared,
        &mut cx.errs,
        &done,
        &mut report,
        |r| {
            if let Some(rep) = r.report(dir) {
                ds.reports.push(rep)
            }
        },
    );
    let report_texts: HashMap<String, String> = ds
        .reports
        .iter()
        .map(|r| (r.id.clone(), r.text.clone()))
        .collect();
    let mut cursor: HashMap<String, usize> = HashMap::new();
    rows(
        t("passages.csv"),
        shared,
        &mut cx.errs,
        &done,
        &mut report,
        |r| {
            if let Some(p) = r.passage(&report_texts, &mut cursor) {
                ds.passages.push(p)
            }
        },
    );
    cx.passage_text = ds
        .passages
        .iter()
        .map(|p| (p.id.clone(), p.text.clone()))
        .collect();
    let shared = Shared {
        ids: &cx.ids,
        passage_text: &cx.passage_text,
    };
    // Events, projects and documents on a second thread (events are the largest table);
    // the rest here. Their errors are appended in file order afterwards.
    let mut later = LoadErrors::default();
    std::thread::scope(|scope| {
        let second = scope.spawn(|| {
            let mut errs = LoadErrors::default();
            let (mut events, mut projects, mut documents) = (Vec::new(), Vec::new(), Vec::new());
            let mut quiet = |_: usize| {};
            rows(t("events.csv"), shared, &mut errs, &done, &mut quiet, |r| {
                events.push(r.event())
            });
            rows(
                t("projects.csv"),
                shared,
                &mut errs,
                &done,
                &mut quiet,
                |r| projects.push(r.project()),
            );
            rows(
                t("documents.csv"),
                shared,
                &mut errs,
                &done,
                &mut quiet,
                |r| documents.push(r.document()),
            );
            (errs, events, projects, documents)
        });
        let errs = &mut cx.errs;
        rows(t("tasks.csv"), shared, errs, &done, &mut report, |r| {
            ds.tasks.push(r.task())
        });
        rows(
            t("departments.csv"),
            shared,
            errs,
            &done,
            &mut report,
            |r| ds.departments.push(r.department()),
        );
        rows(
            t("organisations.csv"),
            shared,
            errs,
            &done,
            &mut report,
            |r| ds.organisations.push(r.organisation()),
        );
        rows(t("persons.csv"), shared, errs, &done, &mut report, |r| {
            ds.persons.push(r.person())
        });
        rows(t("places.csv"), shared, errs, &done, &mut report, |r| {
            if let Some(p) = r.place() {
                ds.places.push(p)
            }
        });
        rows(t("ties.csv"), shared, errs, &done, &mut report, |r| {
            ds.ties.push(r.tie())
        });
        rows(t("agreements.csv"), shared, errs, &done, &mut report, |r| {
            ds.agreements.push(r.agreement())
        });
        let (errs, events, projects, documents) = second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        later = errs;
        ds.events = events;
        ds.projects = projects;
        ds.documents = documents;
    });
    cx.errs.0.extend(later.0);
    if total > 0 {
        progress(done.load(Ordering::Relaxed), total);
    }

    check_places(&mut ds.places, &mut cx.errs);
    check_events(&mut ds.events, &mut cx.errs);
    check_cycles(
        ds.organisations
            .iter()
            .map(|o| (o.id.as_str(), o.parent.as_ref())),
        &mut cx.errs,
    );
    check_cycles(
        ds.projects
            .iter()
            .map(|p| (p.id.as_str(), p.part_of.as_ref())),
        &mut cx.errs,
    );
    check_cycles(
        ds.agreements
            .iter()
            .map(|a| (a.id.as_str(), a.part_of.as_ref())),
        &mut cx.errs,
    );

    if cx.errs.is_empty() {
        Ok(ds)
    } else {
        Err(Error::Data(cx.errs))
    }
}

/// Reads and parses every file of `dir` on two threads; the results come in load order.
fn read_tables(dir: &Path) -> Vec<Result<(Table, LoadErrors)>> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(spec) = FILES.get(i) else {
                return out;
            };
            let path = dir.join(spec.name);
            let read = std::fs::read(&path)
                .map_err(|source| Error::Io { path, source })
                .map(|bytes| {
                    let mut errs = LoadErrors::default();
                    (read_table(spec, &bytes, &mut errs), errs)
                });
            out.push((i, read));
        }
    };
    let mut all = std::thread::scope(|scope| {
        let other = scope.spawn(work);
        let mut mine = work();
        mine.extend(
            other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        mine
    });
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, read)| read).collect()
}

/// Reads every row of `t` with `f`, counting rows in `done` and passing the count to `tick`.
fn rows(
    t: &Table,
    shared: Shared<'_>,
    errs: &mut LoadErrors,
    done: &AtomicUsize,
    tick: &mut dyn FnMut(usize),
    mut f: impl FnMut(&mut RowCx<'_>),
) {
    for row in &t.rows {
        f(&mut RowCx {
            t,
            row,
            shared,
            errs,
        });
        tick(done.fetch_add(1, Ordering::Relaxed) + 1);
    }
}

/// Shows bytes as text, escaping what is not valid UTF-8 as `\xNN`.
fn lossy(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

fn read_table(spec: &FileSpec, bytes: &[u8], errs: &mut LoadErrors) -> Table {
    let file = spec.name.to_string();
    let at = |line: u64, column: usize, column_name: &str| Pos {
        file: file.clone(),
        line,
        column,
        column_name: column_name.to_string(),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = rdr.byte_records();
    let mut headers = Vec::new();
    match records.next() {
        Some(Ok(h)) => {
            for (i, f) in h.iter().enumerate() {
                let f = f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f);
                match std::str::from_utf8(f) {
                    Ok(s) => headers.push(s.trim().to_string()),
                    Err(_) => {
                        errs.push(at(1, i + 1, ""), lossy(f), "a UTF-8 column name");
                        headers.push(lossy(f));
                    }
                }
            }
        }
        Some(Err(e)) => errs.push(at(1, 1, ""), e.to_string(), "a CSV header line"),
        None => errs.push(
            at(1, 1, ""),
            "",
            format!("a header line: {}", spec.columns.join(",")),
        ),
    }
    for (i, c) in spec.columns.iter().enumerate() {
        if !headers.iter().any(|h| h == c) {
            errs.push(
                at(1, i + 1, c),
                headers.get(i).cloned().unwrap_or_default(),
                format!(
                    "a column named \"{c}\" (header: {})",
                    spec.columns.join(",")
                ),
            );
        }
    }
    let index = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.clone(), i))
        .collect();
    let mut rows = Vec::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errs.push(at(line, 1, ""), e.to_string(), "a well-formed CSV record");
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if rec.len() != headers.len() {
            let last = rec.len().min(headers.len()).max(1);
            errs.push(
                at(line, rec.len(), ""),
                lossy(rec.as_slice()),
                format!(
                    "{} fields as in the header, found {} (the column after {:?} is missing or extra)",
                    headers.len(),
                    rec.len(),
                    headers.get(last - 1).cloned().unwrap_or_default()
                ),
            );
            continue;
        }
        let mut fields = Vec::with_capacity(rec.len());
        for (i, f) in rec.iter().enumerate() {
            match std::str::from_utf8(f) {
                Ok(s) => fields.push(s.trim().to_string()),
                Err(e) => {
                    errs.push(
                        at(line, i + 1, &headers[i]),
                        lossy(f),
                        format!(
                            "UTF-8 text (invalid byte at offset {} of the cell)",
                            e.valid_up_to()
                        ),
                    );
                    fields.push(String::from_utf8_lossy(f).trim().to_string());
                }
            }
        }
        rows.push(RawRow { line, fields });
    }
    Table {
        file,
        kind: Some(spec.kind),
        index,
        rows,
    }
}

/// State shared across files: the error list and the id registry.
#[derive(Default)]
struct Cx {
    errs: LoadErrors,
    ids: HashMap<String, (Kind, Pos)>,
    passage_text: HashMap<String, String>,
}

impl Cx {
    fn register(&mut self, t: &Table) {
        let (Some(kind), Some(&col)) = (t.kind, t.index.get("id")) else {
            return;
        };
        for row in &t.rows {
            let id = &row.fields[col];
            let at = Pos {
                file: t.file.clone(),
                line: row.line,
                column: col + 1,
                column_name: "id".into(),
            };
            if id.is_empty() {
                continue; // reported as a missing required value when the row is read
            }
            if !is_valid_id(id) {
                self.errs.push(
                    at,
                    id.clone(),
                    "an id of letters, digits, '-', '_' or '.' (it becomes part of an IRI)",
                );
                continue;
            }
            if let Some((_, first)) = self.ids.get(id) {
                let first = first.clone();
                self.errs.push(
                    at,
                    id.clone(),
                    format!("a unique id (already used at {first})"),
                );
            } else {
                self.ids.insert(id.clone(), (kind, at));
            }
        }
    }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// What rows of every table read: the id registry and the passages' text.
#[derive(Clone, Copy)]
struct Shared<'a> {
    ids: &'a HashMap<String, (Kind, Pos)>,
    passage_text: &'a HashMap<String, String>,
}

/// One row being read, with typed accessors that record errors and return a fallback.
struct RowCx<'a> {
    t: &'a Table,
    row: &'a RawRow,
    shared: Shared<'a>,
    errs: &'a mut LoadErrors,
}

const ORG_KINDS: &[Kind] = &[Kind::Organisation, Kind::Department];
const AGENT_KINDS: &[Kind] = &[
    Kind::Organisation,
    Kind::Department,
    Kind::Person,
    Kind::Place,
];

impl RowCx<'_> {
    fn pos(&self, col: &str) -> Pos {
        let column = self.t.index.get(col).map(|i| i + 1).unwrap_or(0);
        Pos {
            file: self.t.file.clone(),
            line: self.row.line,
            column,
            column_name: col.to_string(),
        }
    }

    fn get(&self, col: &str) -> &str {
        self.t
            .index
            .get(col)
            .map(|&i| self.row.fields[i].as_str())
            .unwrap_or("")
    }

    fn err(&mut self, col: &str, value: &str, expected: impl Into<String>) {
        let at = self.pos(col);
        self.errs.push(at, value, expected);
    }

    fn opt(&self, col: &str) -> Option<String> {
        let v = self.get(col);
        (!v.is_empty()).then(|| v.to_string())
    }

    fn req(&mut self, col: &str) -> String {
        let v = self.get(col).to_string();
        if v.is_empty() {
            self.err(col, "", "a non-empty value (this column is required)");
        }
        v
    }

    fn list(&self, col: &str) -> Vec<String> {
        self.get(col)
            .split(LIST_SEPARATOR)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn resolve(&mut self, col: &str, id: &str, kinds: &[Kind]) -> Option<Ref> {
        match self.shared.ids.get(id) {
            Some((k, _)) if kinds.contains(k) => Some(Ref {
                id: id.to_string(),
                kind: *k,
                at: self.pos(col),
            }),
            found => {
                let files: Vec<_> = kinds.iter().map(|k| file_of(*k)).collect();
                let also = match found {
                    Some((k, p)) => format!(" (it is a row of {} at {p})", file_of(*k)),
                    None => String::new(),
                };
                self.err(
                    col,
                    id,
                    format!("the id of a row in {}{also}", files.join(" or ")),
                );
                None
            }
        }
    }

    fn reference(&mut self, col: &str, kinds: &[Kind]) -> Option<Ref> {
        let v = self.get(col).to_string();
        if v.is_empty() {
            return None;
        }
        self.resolve(col, &v, kinds)
    }

    fn req_reference(&mut self, col: &str, kinds: &[Kind]) -> Ref {
        let v = self.req(col);
        let fallback = Ref {
            id: v.clone(),
            kind: kinds[0],
            at: self.pos(col),
        };
        if v.is_empty() {
            return fallback;
        }
        self.resolve(col, &v, kinds).unwrap_or(fallback)
    }

    fn refs(&mut self, col: &str, kinds: &[Kind]) -> Vec<Ref> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for id in self.list(col) {
            if !seen.insert(id.clone()) {
                self.err(col, &id, "each id at most once in the list");
                continue;
            }
            if let Some(r) = self.resolve(col, &id, kinds) {
                out.push(r);
            }
        }
        out
    }

    fn date(&mut self, col: &str) -> Option<String> {
        let v = self.opt(col)?;
        if is_valid_date(&v) {
            Some(v)
        } else {
            self.err(col, &v, "a calendar date as YYYY-MM-DD");
            None
        }
    }

    fn req_date(&mut self, col: &str) -> String {
        let v = self.req(col);
        if !v.is_empty() && !is_valid_date(&v) {
            self.err(col, &v, "a calendar date as YYYY-MM-DD");
        }
        v
    }

    fn year(&mut self, col: &str) -> Option<String> {
        let v = self.opt(col)?;
        if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
            Some(v)
        } else {
            self.err(col, &v, "a year as four digits, e.g. 1994");
            None
        }
    }

    fn int(&mut self, col: &str) -> Option<i64> {
        let v = self.opt(col)?;
        match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                self.err(col, &v, "a whole number ≥ 0");
                None
            }
        }
    }

    fn req_int(&mut self, col: &str) -> i64 {
        if self.get(col).is_empty() {
            self.req(col);
            return 0;
        }
        self.int(col).unwrap_or(0)
    }

    /// A decimal in `[min, max]`, returned in its written form.
    fn decimal(&mut self, col: &str, min: f64, max: f64, what: &str) -> Option<String> {
        let v = self.opt(col)?;
        let ok = v
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            && v.parse::<f64>().is_ok_and(|x| (min..=max).contains(&x));
        if ok {
            Some(v)
        } else {
            self.err(col, &v, format!("{what} between {min} and {max}"));
            None
        }
    }

    fn enumerated(&mut self, col: &str, keys: &[&str], required: bool) -> Option<String> {
        let v = self.get(col).to_string();
        if v.is_empty() {
            if required {
                self.req(col);
            }
            return None;
        }
        if keys.contains(&v.as_str()) {
            Some(v)
        } else {
            self.err(col, &v, format!("one of: {}", keys.join(", ")));
            None
        }
    }

    fn scheme(&mut self, col: &str, scheme: Scheme, required: bool) -> Option<String> {
        self.enumerated(col, scheme.1, required)
    }

    /// `passage` + `quote` (the quote must occur in the passage text), or `source`.
    fn prov(&mut self) -> Provenance {
        let passage = self.reference("passage", &[Kind::Passage]);
        let quote = self.opt("quote");
        let source = self.opt("source");
        let had_passage = !self.get("passage").is_empty();
        match (&passage, &quote, &source) {
            (Some(p), Some(q), _) => {
                let text = self
                    .shared
                    .passage_text
                    .get(&p.id)
                    .cloned()
                    .unwrap_or_default();
                if !text.contains(q.as_str()) {
                    self.err(
                        "quote",
                        q,
                        format!("a verbatim phrase of passage {} ({text:?})", p.id),
                    );
                }
            }
            (Some(_), None, _) => self.err(
                "quote",
                "",
                "the verbatim phrase of the passage that states this fact",
            ),
            (None, Some(q), _) if !had_passage => {
                let q = q.clone();
                self.err("passage", "", format!("the passage that contains {q:?}"))
            }
            (None, None, None) if !had_passage => self.err(
                "passage",
                "",
                "a passage id (with a quote), or a named public source in \"source\"",
            ),
            _ => {}
        }
        Provenance {
            passage,
            quote,
            source,
        }
    }

    fn when(&mut self) -> When {
        let w = When {
            date: self.date("date"),
            period_start: self.date("period_start"),
            period_end: self.date("period_end"),
            basis: self.scheme("date_basis", schemes::DATE_BASIS, false),
        };
        if let (Some(s), Some(e)) = (&w.period_start, &w.period_end) {
            if s > e {
                let e = e.clone();
                self.err(
                    "period_end",
                    &e,
                    format!("a date on or after period_start {s}"),
                );
            }
        }
        let dated = w.date.is_some() || w.period_start.is_some() || w.period_end.is_some();
        if dated && w.basis.is_none() && self.get("date_basis").is_empty() {
            self.err("date_basis", "", "stated or derived, since a date is given");
        }
        w
    }

    fn report(&mut self, dir: &Path) -> Option<Report> {
        let id = self.req("id");
        let text_file = self.req("text_file");
        let text = if text_file.is_empty() {
            String::new()
        } else {
            match std::fs::read(dir.join(&text_file)) {
                Ok(b) => match String::from_utf8(b) {
                    Ok(s) => s,
                    Err(e) => {
                        let off = e.utf8_error().valid_up_to();
                        self.err(
                            "text_file",
                            &text_file,
                            format!("a UTF-8 text file (invalid byte at offset {off})"),
                        );
                        String::new()
                    }
                },
                Err(e) => {
                    self.err(
                        "text_file",
                        &text_file,
                        format!("a readable file relative to the data folder ({e})"),
                    );
                    String::new()
                }
            }
        };
        let r = Report {
            title_zh: self.req("title_zh"),
            title_en: self.req("title_en"),
            publisher: self.req_reference("publisher", ORG_KINDS),
            source_zh: self.get("source_zh").to_string(),
            date: self.req_date("date"),
            period_start: self.req_date("period_start"),
            period_end: self.req_date("period_end"),
            text,
            id,
        };
        Some(r)
    }

    fn passage(
        &mut self,
        texts: &HashMap<String, String>,
        cursor: &mut HashMap<String, usize>,
    ) -> Option<Passage> {
        let id = self.req("id");
        let report = self.req_reference("report", &[Kind::Report]);
        let paragraph = self.req_int("paragraph");
        let sentence = self.req_int("sentence");
        let text = self.req("text");
        let full = texts.get(&report.id)?;
        if text.is_empty() {
            return None;
        }
        // Passages are usually in order: search from the end of the previous one first.
        let from = cursor.get(&report.id).copied().unwrap_or(0);
        let byte = full[from..]
            .find(&text)
            .map(|i| i + from)
            .or_else(|| full.find(&text));
        let Some(byte) = byte else {
            self.err(
                "text",
                &text,
                format!("a verbatim sentence of report {}'s text", report.id),
            );
            return None;
        };
        cursor.insert(report.id.clone(), byte + text.len());
        let char_start = full[..byte].chars().count();
        let char_end = char_start + text.chars().count();
        Some(Passage {
            id,
            report,
            paragraph,
            sentence,
            text,
            char_start,
            char_end,
        })
    }

    fn task(&mut self) -> Task {
        let lead_passage = self.req_reference("lead_passage", &[Kind::Passage]);
        let lead_department = self.req_reference("lead_department", &[Kind::Department]);
        let task_passages = self.refs("task_passages", &[Kind::Passage]);
        if task_passages.is_empty() {
            self.req("task_passages");
        }
        Task {
            id: self.req("id"),
            report: self.req_reference("report", &[Kind::Report]),
            number: self.req_int("number"),
            title_en: self.req("title_en"),
            lead_department,
            task_passages,
            lead_passage,
            progress_passages: self.refs("progress_passages", &[Kind::Passage]),
        }
    }

    fn department(&mut self) -> Department {
        Department {
            id: self.req("id"),
            name_zh: self.req("name_zh"),
            name_en: self.req("name_en"),
            parent: self.reference("parent", ORG_KINDS),
            prov: self.prov(),
        }
    }

    fn organisation(&mut self) -> Organisation {
        Organisation {
            id: self.req("id"),
            name_zh: self.req("name_zh"),
            name_en: self.req("name_en"),
            alt_zh: self.list("alt_zh"),
            kind: self
                .scheme("kind", schemes::ORGANISATION_KIND, true)
                .unwrap_or_default(),
            parent: self.reference("parent", ORG_KINDS),
            based_in: self.reference("based_in", &[Kind::Place]),
            note: self.opt("note"),
            prov: self.prov(),
        }
    }

    fn person(&mut self) -> Person {
        Person {
            id: self.req("id"),
            name_zh: self.req("name_zh"),
            name_en: self.req("name_en"),
            role_zh: self.opt("role_zh"),
            role_en: self.opt("role_en"),
            affiliation: self.reference("affiliation", &[Kind::Place, Kind::Organisation]),
            prov: self.prov(),
        }
    }

    fn place(&mut self) -> Option<Place> {
        let level_raw = self.get("level").to_string();
        let level = self.enumerated("level", Level::KEYS, true);
        let lat = self.decimal("lat", -90.0, 90.0, "a latitude in decimal degrees");
        let lon = self.decimal("lon", -180.0, 180.0, "a longitude in decimal degrees");
        let coord_source = self.opt("coord_source");
        let level = level.and_then(|l| Level::parse(&l));
        if level.is_some() {
            for (c, v) in [("lat", &lat), ("lon", &lon)] {
                if v.is_none() && self.get(c).is_empty() {
                    self.err(
                        c,
                        "",
                        format!("a coordinate (every place has one; level {level_raw})"),
                    );
                }
            }
        }
        if (lat.is_some() || lon.is_some()) && coord_source.is_none() {
            self.err(
                "coord_source",
                "",
                "the gazetteer the coordinates come from",
            );
        }
        let wikidata = self.opt("wikidata");
        if let Some(q) = &wikidata {
            if !(q.starts_with('Q') && q.len() > 1 && q[1..].bytes().all(|b| b.is_ascii_digit())) {
                let q = q.clone();
                self.err("wikidata", &q, "a Wikidata item id such as Q956");
            }
        }
        let p = Place {
            id: self.req("id"),
            name_zh: self.req("name_zh"),
            name_en: self.req("name_en"),
            alt_zh: self.list("alt_zh"),
            admin_type: self
                .scheme("admin_type", schemes::ADMIN_TYPE, true)
                .unwrap_or_default(),
            part_of: self.reference("part_of", &[Kind::Place]),
            country: None,
            lat,
            lon,
            coord_source,
            wikidata,
            note: self.opt("note"),
            prov: self.prov(),
            part_of_at: self.pos("part_of"),
            level: level?,
        };
        Some(p)
    }

    fn tie(&mut self) -> Tie {
        let place_a = self.req_reference("place_a", &[Kind::Place]);
        let place_b = self.req_reference("place_b", &[Kind::Place]);
        if !place_a.id.is_empty() && place_a.id == place_b.id {
            let b = place_b.id.clone();
            self.err("place_b", &b, "a place other than place_a");
        }
        let start_year = self.year("start_year");
        let start_date = self.date("start_date");
        let start_basis = self.scheme("start_basis", schemes::DATE_BASIS, false);
        if (start_year.is_some() || start_date.is_some()) && start_basis.is_none() {
            self.err(
                "start_basis",
                self.get("start_basis").to_string().as_str(),
                "stated or derived, since a start is given",
            );
        }
        Tie {
            id: self.req("id"),
            place_a,
            place_b,
            kind: self
                .scheme("kind", schemes::TIE_KIND, true)
                .unwrap_or_default(),
            start_year,
            start_date,
            start_basis,
            basis_note: self.opt("basis_note"),
            evidence: self.reference("evidence", &[Kind::Event, Kind::Agreement]),
            prov: self.prov(),
        }
    }

    fn agreement(&mut self) -> Agreement {
        Agreement {
            id: self.req("id"),
            task: self.reference("task", &[Kind::Task]),
            kind: self
                .scheme("kind", schemes::AGREEMENT_KIND, true)
                .unwrap_or_default(),
            title_zh: self.req("title_zh"),
            title_en: self.req("title_en"),
            parties: self.refs("parties", &[Kind::Place, Kind::Organisation]),
            signing_level: self.scheme("signing_level", schemes::SIGNING_LEVEL, false),
            status: self.scheme("status", schemes::STATUS, false),
            part_of: self.reference("part_of", &[Kind::Agreement]),
            outcome_of: self.reference("outcome_of", &[Kind::Event]),
            when: self.when(),
            note: self.opt("note"),
            prov: self.prov(),
        }
    }

    fn event_list(&mut self, col: &str, value: &str) -> Option<EventList> {
        let l = EventList::parse(value);
        if l.is_none() {
            self.err(
                col,
                value,
                format!("one of: {}", EventList::KEYS.join(", ")),
            );
        }
        l
    }

    fn event(&mut self) -> Event {
        let counted_list = match self.opt("counted_list") {
            Some(v) => self.event_list("counted_list", &v),
            None => None,
        };
        let mut partial_lists = Vec::new();
        for v in self.list("partial_lists") {
            if let Some(l) = self.event_list("partial_lists", &v) {
                partial_lists.push(l);
            }
        }
        let reported_count = self.int("reported_count");
        if reported_count.is_some() && counted_list.is_none() {
            self.err(
                "counted_list",
                "",
                "the list the reported count counts (held_in, counterparts, …)",
            );
        }
        let anniversary = self.int("anniversary");
        let celebrates = self.reference("celebrates", &[Kind::Tie]);
        Event {
            id: self.req("id"),
            task: self.reference("task", &[Kind::Task]),
            kind: self
                .scheme("kind", schemes::EVENT_KIND, true)
                .unwrap_or_default(),
            title_zh: self.req("title_zh"),
            title_en: self.req("title_en"),
            status: self.scheme("status", schemes::STATUS, false),
            held_in: self.refs("held_in", &[Kind::Place]),
            counterparts: self.refs("counterparts", &[Kind::Place]),
            participants: self.refs("participants", AGENT_KINDS),
            organisers: self.refs("organisers", AGENT_KINDS),
            documents: self.refs("documents", &[Kind::Document]),
            roles_zh: self.list("roles_zh"),
            fields_zh: self.list("fields_zh"),
            counted_list,
            reported_count,
            count_unit: self.opt("count_unit"),
            named_count: None,
            partial_lists,
            ordinal: self.int("ordinal"),
            anniversary,
            celebrates,
            implements: self.refs("implements", &[Kind::Agreement, Kind::Document]),
            part_of: self.reference("part_of", &[Kind::Event]),
            when: self.when(),
            prov: self.prov(),
            reported_count_at: self.pos("reported_count"),
        }
    }

    fn project(&mut self) -> Project {
        Project {
            id: self.req("id"),
            task: self.reference("task", &[Kind::Task]),
            name_zh: self.req("name_zh"),
            name_en: self.req("name_en"),
            part_of: self.reference("part_of", &[Kind::Project]),
            location: self.reference("location", &[Kind::Place]),
            status: self.scheme("status", schemes::STATUS, false),
            progress_pct: self.decimal("progress_pct", 0.0, 100.0, "a percentage"),
            progress_measure_zh: self.opt("progress_measure_zh"),
            progress_zh: self.opt("progress_zh"),
            prov: self.prov(),
        }
    }

    fn document(&mut self) -> Document {
        Document {
            id: self.req("id"),
            task: self.reference("task", &[Kind::Task]),
            kind: self
                .scheme("kind", schemes::DOCUMENT_KIND, true)
                .unwrap_or_default(),
            title_zh: self.req("title_zh"),
            title_en: self.req("title_en"),
            issuer: self.reference("issuer", ORG_KINDS),
            note: self.opt("note"),
            prov: self.prov(),
        }
    }
}

/// `YYYY-MM-DD` naming a real day of the proleptic Gregorian calendar.
pub fn is_valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    if !s[0..4].bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Reports every cycle among `(id, parent)` links once, at the row of its first member.
fn check_cycles<'a>(
    items: impl Iterator<Item = (&'a str, Option<&'a Ref>)>,
    errs: &mut LoadErrors,
) {
    let parent: HashMap<&str, &Ref> = items.filter_map(|(id, p)| Some((id, p?))).collect();
    let mut reported: HashSet<&str> = HashSet::new();
    let mut ids: Vec<&str> = parent.keys().copied().collect();
    ids.sort_unstable();
    for start in ids {
        let mut chain = vec![start];
        let mut cur = start;
        while let Some(p) = parent.get(cur) {
            cur = p.id.as_str();
            if let Some(i) = chain.iter().position(|c| *c == cur) {
                let cycle = &chain[i..];
                if cycle.iter().all(|c| !reported.contains(c)) {
                    reported.extend(cycle.iter().copied());
                    let at = parent[cycle[0]].at.clone();
                    let mut shown: Vec<&str> = cycle.to_vec();
                    shown.push(cycle[0]);
                    errs.push(
                        at,
                        parent[cycle[0]].id.clone(),
                        format!(
                            "a parent chain without a cycle (found {})",
                            shown.join(" → ")
                        ),
                    );
                }
                break;
            }
            chain.push(cur);
        }
    }
}

/// Part-of cycles, and the country of each place (every place below a country needs one).
fn check_places(places: &mut [Place], errs: &mut LoadErrors) {
    check_cycles(
        places.iter().map(|p| (p.id.as_str(), p.part_of.as_ref())),
        errs,
    );
    let by_id: HashMap<String, (Level, Option<String>)> = places
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                (p.level, p.part_of.as_ref().map(|r| r.id.clone())),
            )
        })
        .collect();
    for p in places.iter_mut() {
        let mut cur = Some(p.id.clone());
        let mut seen = HashSet::new();
        let mut cyclic = false;
        while let Some(id) = cur {
            if !seen.insert(id.clone()) {
                cyclic = true; // reported by check_cycles
                break;
            }
            match by_id.get(&id) {
                Some((Level::Country, _)) => {
                    p.country = Some(id);
                    break;
                }
                Some((_, parent)) => cur = parent.clone(),
                None => break,
            }
        }
        let needs_country = !matches!(p.level, Level::Continent | Level::Country);
        if needs_country && p.country.is_none() && !cyclic {
            let at = p.part_of_at.clone();
            let value = p.part_of.as_ref().map(|r| r.id.clone()).unwrap_or_default();
            errs.push(
                at,
                value,
                format!(
                    "a part_of chain from {} up to a place of level country",
                    p.id
                ),
            );
        }
    }
}

/// Sub-event cycles; reported totals against the named members; named counts.
fn check_events(events: &mut [Event], errs: &mut LoadErrors) {
    check_cycles(
        events.iter().map(|e| (e.id.as_str(), e.part_of.as_ref())),
        errs,
    );
    let mut children: HashMap<String, usize> = HashMap::new();
    for e in events.iter() {
        if let Some(p) = &e.part_of {
            *children.entry(p.id.clone()).or_default() += 1;
        }
    }
    for e in events.iter_mut() {
        let Some(list) = e.counted_list else { continue };
        let named = match list {
            EventList::HeldIn => e.held_in.len(),
            EventList::Counterparts => e.counterparts.len(),
            EventList::Participants => e.participants.len(),
            EventList::Fields => e.fields_zh.len(),
            EventList::Documents => e.documents.len(),
            EventList::SubEvents => children.get(&e.id).copied().unwrap_or(0),
        };
        e.named_count = Some(named);
        if let Some(total) = e.reported_count {
            if (total as usize) < named {
                errs.push(
                    e.reported_count_at.clone(),
                    total.to_string(),
                    format!("a total at least the {named} members the row names"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert!(is_valid_date("2024-02-29"));
        assert!(!is_valid_date("2023-02-29"));
        assert!(!is_valid_date("2024-13-01"));
        assert!(!is_valid_date("2024-6-13"));
        assert!(!is_valid_date("+024-06-13"));
    }

    #[test]
    fn lossy_escapes_invalid_bytes() {
        assert_eq!(lossy(b"ab\xffc"), "ab\\xFFc");
    }
}
