//! The row context: the id registry built across files ([`Cx`]), what every table's rows read
//! ([`Shared`]), and one row being read ([`RowCx`]) with its typed accessors (required and
//! optional cells, lists, references, dates, numbers, enumerations, provenance), each of which
//! records an error and returns a fallback.

use std::collections::{HashMap, HashSet};

use super::checks::check_quote;
use super::files::file_of;
use super::read::{RawRow, Table};
use super::{is_valid_date, LIST_SEPARATOR};
use crate::error::{LoadErrors, Pos};
use crate::model::*;
use crate::vocab::schemes::{self, Scheme};

/// State shared across files: the error list and the id registry.
#[derive(Default)]
pub(super) struct Cx {
    pub(super) errs: LoadErrors,
    pub(super) ids: HashMap<String, (Kind, Pos)>,
    pub(super) passage_text: HashMap<String, String>,
}

impl Cx {
    pub(super) fn register(&mut self, t: &Table) {
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
pub(super) struct Shared<'a> {
    pub(super) ids: &'a HashMap<String, (Kind, Pos)>,
    pub(super) passage_text: &'a HashMap<String, String>,
}

/// One row being read, with typed accessors that record errors and return a fallback.
pub(super) struct RowCx<'a> {
    pub(super) t: &'a Table,
    pub(super) row: &'a RawRow,
    pub(super) shared: Shared<'a>,
    pub(super) errs: &'a mut LoadErrors,
}

impl RowCx<'_> {
    pub(super) fn pos(&self, col: &str) -> Pos {
        let column = self.t.index.get(col).map(|i| i + 1).unwrap_or(0);
        Pos {
            file: self.t.file.clone(),
            line: self.row.line,
            column,
            column_name: col.to_string(),
        }
    }

    pub(super) fn get(&self, col: &str) -> &str {
        self.t
            .index
            .get(col)
            .map(|&i| self.row.fields[i].as_str())
            .unwrap_or("")
    }

    pub(super) fn err(&mut self, col: &str, value: &str, expected: impl Into<String>) {
        let at = self.pos(col);
        self.errs.push(at, value, expected);
    }

    pub(super) fn opt(&self, col: &str) -> Option<String> {
        let v = self.get(col);
        (!v.is_empty()).then(|| v.to_string())
    }

    pub(super) fn req(&mut self, col: &str) -> String {
        let v = self.get(col).to_string();
        if v.is_empty() {
            self.err(col, "", "a non-empty value (this column is required)");
        }
        v
    }

    pub(super) fn list(&self, col: &str) -> Vec<String> {
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

    pub(super) fn reference(&mut self, col: &str, kinds: &[Kind]) -> Option<Ref> {
        let v = self.get(col).to_string();
        if v.is_empty() {
            return None;
        }
        self.resolve(col, &v, kinds)
    }

    pub(super) fn req_reference(&mut self, col: &str, kinds: &[Kind]) -> Ref {
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

    pub(super) fn refs(&mut self, col: &str, kinds: &[Kind]) -> Vec<Ref> {
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

    pub(super) fn date(&mut self, col: &str) -> Option<String> {
        let v = self.opt(col)?;
        if is_valid_date(&v) {
            Some(v)
        } else {
            self.err(col, &v, "a calendar date as YYYY-MM-DD");
            None
        }
    }

    pub(super) fn req_date(&mut self, col: &str) -> String {
        let v = self.req(col);
        if !v.is_empty() && !is_valid_date(&v) {
            self.err(col, &v, "a calendar date as YYYY-MM-DD");
        }
        v
    }

    pub(super) fn year(&mut self, col: &str) -> Option<String> {
        let v = self.opt(col)?;
        if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
            Some(v)
        } else {
            self.err(col, &v, "a year as four digits, e.g. 1994");
            None
        }
    }

    pub(super) fn int(&mut self, col: &str) -> Option<i64> {
        let v = self.opt(col)?;
        match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                self.err(col, &v, "a whole number ≥ 0");
                None
            }
        }
    }

    pub(super) fn req_int(&mut self, col: &str) -> i64 {
        if self.get(col).is_empty() {
            self.req(col);
            return 0;
        }
        self.int(col).unwrap_or(0)
    }

    /// A decimal in `[min, max]`, returned in its written form.
    pub(super) fn decimal(&mut self, col: &str, min: f64, max: f64, what: &str) -> Option<String> {
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

    pub(super) fn enumerated(
        &mut self,
        col: &str,
        keys: &[&str],
        required: bool,
    ) -> Option<String> {
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

    pub(super) fn scheme(&mut self, col: &str, scheme: Scheme, required: bool) -> Option<String> {
        self.enumerated(col, scheme.1, required)
    }

    /// `passage` + `quote` (the quote must occur in the passage text), or `source`.
    pub(super) fn prov(&mut self) -> Provenance {
        let passage = self.reference("passage", &[Kind::Passage]);
        let quote = self.opt("quote");
        let source = self.opt("source");
        let had_passage = !self.get("passage").is_empty();
        match (&passage, &quote, &source) {
            (Some(p), Some(q), _) => check_quote(self, &p.id, q),
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

    pub(super) fn when(&mut self) -> When {
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
}
