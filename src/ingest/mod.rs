//! CSV rows → [`Dataset`]: reads every file of a `data/` folder, checks every cell and every
//! reference, and returns either the whole validated dataset or **all** the problems found.
//!
//! It reads in three steps: every file into raw rows (catching bad UTF-8 and wrong column
//! counts), every `id` into one registry (catching duplicates), then every row into its model
//! struct, resolving references against the registry. Cross-row rules (part-of cycles, the
//! country of each place, quotes that must occur in their passage) run last.
//! This module knows nothing about RDF.
//!
//! - `files`: the files read, in load order, and the columns each must have.
//! - `read`: every file into raw rows of text fields.
//! - `row`: the id registry and one row's typed accessors (dates, numbers, enums, references).
//! - `tables`: one reader a file, turning its rows into model structs.
//! - `checks`: the cross-row rules.
//! - [`wikidata`]: the Wikidata twin network of `data/wikidata/`, read into a [`Crawl`].

mod checks;
mod files;
mod read;
mod row;
mod tables;
pub mod wikidata;
pub use tables::passages::MAX_SPAN_CHARS;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, LoadErrors, Result};
use crate::model::*;
use checks::{check_cycles, check_events, check_places};
use files::FILES;
use read::{read_tables, rows};
use row::{Cx, Shared};

/// The separator of list cells (`beijing;hanoi`).
pub const LIST_SEPARATOR: char = ';';

/// The CSV files a `data/` folder must contain, in load order.
pub fn file_names() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|f| f.name)
}

/// The header (column names) of one of amity's CSV files, for writers such as the generator.
pub fn columns_of(file: &str) -> Option<&'static [&'static str]> {
    FILES.iter().find(|f| f.name == file).map(|f| f.columns)
}

/// Reads and validates a `data/` folder. On any problem returns [`Error::Data`] with all of them.
pub fn load_dir(dir: &Path) -> Result<Dataset> {
    load_dirs(dir, &[])
}

/// Reads and validates the `base` data folder together with further folders of rows in the
/// same format (`extra`), read after it as if appended to it.
///
/// Every file must be in `base`; an extra folder may hold any subset of them (a file it
/// holds must have the same columns). All ids go into one registry, so an id used twice
/// across the folders is refused, and rows of an extra folder may refer to rows of `base`
/// (and the other way round). Errors name an extra folder's file by its path
/// (`cand/events.csv`); a report's `text_file` is relative to the folder of its row. An
/// extra folder that does not exist is an error ([`Error::Io`]).
pub fn load_dirs(base: &Path, extra: &[PathBuf]) -> Result<Dataset> {
    load_dirs_with_progress(base, extra, &mut |_, _| {})
}

/// As [`load_dir`], calling `progress(done, total)` with rows processed.
pub fn load_dir_with_progress(
    dir: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Dataset> {
    load_dirs_with_progress(dir, &[], progress)
}

/// As [`load_dirs`], calling `progress(done, total)` with rows processed.
///
/// The files are read on two threads, and so are the tables after `passages.csv` (they only
/// read the id registry and the passages); errors are reported in the same order as a
/// one-thread pass would give: by file in load order (the base folder's before the extra
/// folders'), then by line.
pub fn load_dirs_with_progress(
    base: &Path,
    extra: &[PathBuf],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Dataset> {
    // Any file of an extra folder may be missing, but not the folder: a mistyped name
    // would otherwise add nothing, silently.
    for dir in extra {
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::Io {
                    path: dir.clone(),
                    source: std::io::Error::other("not a folder"),
                })
            }
            Err(source) => {
                return Err(Error::Io {
                    path: dir.clone(),
                    source,
                })
            }
        }
    }
    let mut cx = Cx::default();
    let mut tables = Vec::new();
    for read in read_tables(base, extra) {
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
    // The tables of one file: the base folder's, then each extra folder's that has it.
    let t = |name: &'static str| tables.iter().filter(move |t| t.spec.name == name);

    let shared = Shared {
        ids: &cx.ids,
        passage_text: &HashMap::new(),
    };
    for table in t("reports.csv") {
        rows(table, shared, &mut cx.errs, &done, &mut report, |r| {
            if let Some(rep) = r.report(&table.dir) {
                ds.reports.push(rep)
            }
        });
    }
    let report_texts: HashMap<String, Option<String>> = ds
        .reports
        .iter()
        .map(|r| (r.id.clone(), r.text.clone()))
        .collect();
    let mut cursor: HashMap<String, usize> = HashMap::new();
    for table in t("passages.csv") {
        rows(table, shared, &mut cx.errs, &done, &mut report, |r| {
            if let Some(p) = r.passage(&report_texts, &mut cursor) {
                ds.passages.push(p)
            }
        });
    }
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
            for table in t("events.csv") {
                rows(table, shared, &mut errs, &done, &mut quiet, |r| {
                    events.push(r.event())
                });
            }
            for table in t("projects.csv") {
                rows(table, shared, &mut errs, &done, &mut quiet, |r| {
                    projects.push(r.project())
                });
            }
            for table in t("documents.csv") {
                rows(table, shared, &mut errs, &done, &mut quiet, |r| {
                    documents.push(r.document())
                });
            }
            (errs, events, projects, documents)
        });
        let errs = &mut cx.errs;
        for table in t("tasks.csv") {
            rows(table, shared, errs, &done, &mut report, |r| {
                ds.tasks.push(r.task())
            });
        }
        for table in t("departments.csv") {
            rows(table, shared, errs, &done, &mut report, |r| {
                ds.departments.push(r.department())
            });
        }
        for table in t("organisations.csv") {
            rows(table, shared, errs, &done, &mut report, |r| {
                ds.organisations.push(r.organisation())
            });
        }
        for table in t("persons.csv") {
            rows(table, shared, errs, &done, &mut report, |r| {
                ds.persons.push(r.person())
            });
        }
        for table in t("places.csv") {
            rows(table, shared, errs, &done, &mut report, |r| {
                if let Some(p) = r.place() {
                    ds.places.push(p)
                }
            });
        }
        for table in t("ties.csv") {
            rows(table, shared, errs, &done, &mut report, |r| {
                ds.ties.push(r.tie())
            });
        }
        for table in t("agreements.csv") {
            rows(table, shared, errs, &done, &mut report, |r| {
                ds.agreements.push(r.agreement())
            });
        }
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
}
