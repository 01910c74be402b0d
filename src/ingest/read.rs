//! Raw reading: every file into rows of trimmed text fields, catching bad UTF-8, malformed
//! CSV and wrong column counts, and the loop that hands each row to its table's reader.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::files::{FileSpec, FILES};
use super::row::{RowCx, Shared};
use crate::error::{Error, LoadErrors, Pos, Result};
use crate::model::Kind;

/// One file's raw content: a file of the base folder, or of an extra folder read after it.
pub(super) struct Table {
    /// The file as error messages name it: the file name in the base folder
    /// (`events.csv`), the extra folder joined with it otherwise (`cand/events.csv`).
    pub(super) file: String,
    /// Which of [`FILES`] this is.
    pub(super) spec: &'static FileSpec,
    /// The folder the file was read from (`text_file` of a report is relative to it).
    pub(super) dir: PathBuf,
    pub(super) kind: Option<Kind>,
    pub(super) index: HashMap<String, usize>,
    pub(super) rows: Vec<RawRow>,
}

pub(super) struct RawRow {
    pub(super) line: u64,
    pub(super) fields: Vec<String>,
}

/// Reads and parses every file of `base` (each required) and of each folder of `extra` (each
/// optional: a missing file has no rows) on two threads. The results come in load order:
/// by file, the base folder's before the extra folders' in the order given.
pub(super) fn read_tables(base: &Path, extra: &[PathBuf]) -> Vec<Result<(Table, LoadErrors)>> {
    let dirs: Vec<&Path> = std::iter::once(base)
        .chain(extra.iter().map(PathBuf::as_path))
        .collect();
    let jobs = FILES.len() * dirs.len();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= jobs {
                return out;
            }
            let (spec, d) = (&FILES[i / dirs.len()], i % dirs.len());
            let (dir, is_base) = (dirs[d], d == 0);
            let path = dir.join(spec.name);
            let read = match std::fs::read(&path) {
                Ok(bytes) => {
                    let file = if is_base {
                        spec.name.to_string()
                    } else {
                        path.display().to_string()
                    };
                    let mut errs = LoadErrors::default();
                    let table = read_table(spec, file, dir, &bytes, &mut errs);
                    Some(Ok((table, errs)))
                }
                Err(e) if !is_base && e.kind() == std::io::ErrorKind::NotFound => None,
                Err(source) => Some(Err(Error::Io { path, source })),
            };
            if let Some(read) = read {
                out.push((i, read));
            }
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
pub(super) fn rows(
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

fn read_table(
    spec: &'static FileSpec,
    file: String,
    dir: &Path,
    bytes: &[u8],
    errs: &mut LoadErrors,
) -> Table {
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
        spec,
        dir: dir.to_path_buf(),
        kind: Some(spec.kind),
        index,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_escapes_invalid_bytes() {
        assert_eq!(lossy(b"ab\xffc"), "ab\\xFFc");
    }
}
