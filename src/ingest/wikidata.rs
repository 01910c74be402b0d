//! The Wikidata sister-city network (property P190, 2016 crawl) from `data/wikidata/`, read into
//! a [`Crawl`]; [`mapping::wikidata`](crate::mapping::wikidata) maps it to its own named graph
//! [`WIKIDATA_GRAPH`](crate::vocab::WIKIDATA_GRAPH).
//!
//! `relations.tsv` holds one directed statement a line (`QID<TAB>QID`: the first item lists the
//! second under P190); `names.tsv` holds `QID<TAB>label`. The statements are **merged into
//! undirected pairs**, each kept once:
//! - A→B and B→A become one [`Pair`] with both sides listing the other (mapped to one
//!   [`am::WIKIDATA_TWIN_PAIR`](crate::vocab::am::WIKIDATA_TWIN_PAIR) with both sides as
//!   `am:listedBy` and `am:reciprocal true`); a pair stated on one side only keeps that side as
//!   its only `am:listedBy` and `am:reciprocal false` (one-sided statements are kept, not
//!   dropped).
//! - Repeated lines are counted in `am:statementCount` and otherwise ignored.
//! - A line linking an item to itself would be refused as malformed (the 2016 crawl has none).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::error::{Error, LoadErrors, Pos, Result};
use crate::model::{Crawl, Pair, WdNames};

/// The folder under `data/` holding the crawl.
pub const DIR: &str = "wikidata";

fn qid(s: &str) -> Option<u64> {
    let n = s.strip_prefix('Q')?;
    if n.is_empty() || n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn pos(file: &str, line: usize, column: usize, name: &str) -> Pos {
    Pos {
        file: file.to_string(),
        line: line as u64,
        column,
        column_name: name.to_string(),
    }
}

/// Parses the two TSV texts; `rel_file`/`names_file` name them in errors.
pub fn parse(relations: &str, names: &str, rel_file: &str, names_file: &str) -> Result<Crawl> {
    let mut errors = LoadErrors::default();
    let mut crawl = Crawl::default();
    for (i, line) in names.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let Some((q, label)) = line.split_once('\t') else {
            errors.push(pos(names_file, i + 1, 1, "qid"), line, "QID<TAB>label");
            continue;
        };
        match qid(q) {
            Some(n) if !label.trim().is_empty() => {
                crawl.names.insert(n, label.to_string());
            }
            Some(_) => errors.push(
                pos(names_file, i + 1, 2, "label"),
                label,
                "a non-empty label",
            ),
            None => errors.push(
                pos(names_file, i + 1, 1, "qid"),
                q,
                "a Wikidata QID such as Q956",
            ),
        }
    }
    let mut pairs: BTreeMap<(u64, u64), Pair> = BTreeMap::new();
    let mut seen_lines: std::collections::HashSet<(u64, u64)> = Default::default();
    for (i, line) in relations.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 2 {
            errors.push(
                pos(rel_file, i + 1, fields.len().min(3), ""),
                line,
                "exactly two tab-separated QIDs (subject<TAB>twin)",
            );
            continue;
        }
        let (Some(s), Some(o)) = (qid(fields[0]), qid(fields[1])) else {
            for (c, (f, name)) in fields.iter().zip(["subject", "twin"]).enumerate() {
                if qid(f).is_none() {
                    errors.push(
                        pos(rel_file, i + 1, c + 1, name),
                        *f,
                        "a Wikidata QID such as Q956",
                    );
                }
            }
            continue;
        };
        if s == o {
            errors.push(
                pos(rel_file, i + 1, 2, "twin"),
                fields[1],
                "a QID other than the subject's (an item cannot be its own twin)",
            );
            continue;
        }
        crawl.statements += 1;
        if !seen_lines.insert((s, o)) {
            crawl.duplicate_lines += 1;
        }
        let (a, b) = (s.min(o), s.max(o));
        let p = pairs.entry((a, b)).or_insert(Pair {
            a,
            b,
            a_lists_b: false,
            b_lists_a: false,
            statements: 0,
        });
        p.statements += 1;
        if s == a {
            p.a_lists_b = true;
        } else {
            p.b_lists_a = true;
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    crawl.pairs = pairs.into_values().collect();
    Ok(crawl)
}

/// Reads `data/wikidata/` if it exists (`None` when the folder or `relations.tsv` is absent).
/// The gazetteer's names of crawl places (QID, name_zh, name_en, country_iso2) and the
/// countries' QIDs and names (countries.tsv, regions_cn.tsv's none: HK, MO and TW are China's).
const WD_PLACES: &str = include_str!("../../data/gazetteer/wikidata_places.tsv");
const COUNTRIES: &str = include_str!("../../data/gazetteer/countries.tsv");

/// Fills `crawl.places` and `crawl.countries` for the QIDs the crawl holds.
pub fn add_names(crawl: &mut Crawl) {
    let mut by_iso: HashMap<String, (u64, WdNames)> = HashMap::new();
    let mut lines = COUNTRIES.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n);
    let (iso, zh, en, src) = (
        col("iso2"),
        col("name_zh"),
        col("name_en"),
        col("source_id"),
    );
    for l in lines {
        let f: Vec<&str> = l.split('\t').collect();
        let get = |c: Option<usize>| c.and_then(|c| f.get(c)).map(|s| s.trim()).unwrap_or("");
        if let Some(q) = qid(get(src)) {
            let names = WdNames {
                zh: get(zh).to_string(),
                en: get(en).to_string(),
                country: None,
            };
            by_iso.insert(get(iso).to_string(), (q, names));
        }
    }
    let wanted: std::collections::HashSet<u64> = crawl
        .pairs
        .iter()
        .flat_map(|p| [p.a, p.b])
        .chain(crawl.names.keys().copied())
        .collect();
    for l in WD_PLACES.lines().skip(1) {
        let f: Vec<&str> = l.split('\t').collect();
        let Some(q) = f.first().and_then(|s| qid(s)) else {
            continue;
        };
        if !wanted.contains(&q) || f.len() < 4 {
            continue;
        }
        let country = by_iso.get(f[3]).map(|(cq, names)| {
            crawl.countries.entry(*cq).or_insert_with(|| names.clone());
            *cq
        });
        crawl.places.insert(
            q,
            WdNames {
                zh: f[1].to_string(),
                en: f[2].to_string(),
                country,
            },
        );
    }
}

pub fn load_dir(data: &Path) -> Result<Option<Crawl>> {
    let dir = data.join(DIR);
    let rel = dir.join("relations.tsv");
    if !rel.is_file() {
        return Ok(None);
    }
    let names_path = dir.join("names.tsv");
    let names = if names_path.is_file() {
        read(&names_path)?
    } else {
        String::new()
    };
    let mut crawl = parse(
        &read(&rel)?,
        &names,
        &format!("{DIR}/relations.tsv"),
        &format!("{DIR}/names.tsv"),
    )?;
    add_names(&mut crawl);
    Ok(Some(crawl))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_directions_and_duplicates() {
        let c = parse("Q1\tQ2\nQ2\tQ1\nQ3\tQ1\nQ3\tQ1\n", "Q1\tA\n", "r", "n").unwrap();
        assert_eq!(c.pairs.len(), 2);
        assert_eq!(c.statements, 4);
        assert_eq!(c.duplicate_lines, 1);
        assert!(c.pairs[0].reciprocal());
        assert_eq!(c.pairs[1].statements, 2);
        assert!(!c.pairs[1].reciprocal());
        assert!(c.pairs[1].b_lists_a && !c.pairs[1].a_lists_b);
        assert_eq!(c.one_sided(), 1);
        assert_eq!(c.node_count(), 3);
    }

    #[test]
    fn malformed_lines_are_reported_with_position() {
        let Err(Error::Data(e)) = parse("Q1\tQ2\nQ1 Q2\nQ1\tX7\nQ4\tQ4\n", "", "r.tsv", "n") else {
            panic!("expected data errors");
        };
        assert_eq!(e.len(), 3);
        assert_eq!(e.0[0].at.line, 2);
        assert_eq!(e.0[1].at.line, 3);
        assert_eq!(e.0[1].at.column, 2);
        assert_eq!(e.0[1].value, "X7");
        assert_eq!(e.0[2].at.line, 4);
    }
}
