//! The review step: an analyst's decisions on the candidate facts of one extraction folder
//! (accept, reject, correct kind / counterpart / year), kept in `DIR/review.json`, and the
//! commit that appends the accepted rows to `data/` and validates the result, restoring the
//! files as they were if validation fails.
//!
//! HTTP lives in the server (`server::review`); this module knows files and rows only.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::gazetteer::Gazetteer;
use super::write::{to_rows, write_csv, Row};
use super::{extract, Extraction, Options, PlaceRef, Year};
use crate::error::{Error, Result};
use crate::model::Dataset;

/// One decision on one fact (by its index in `candidates.jsonl`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Decision {
    /// `accepted`, `rejected` or `pending`.
    pub status: String,
    /// A corrected kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Corrected counterparts: place ids (of data/ or the gazetteer) or Chinese names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparts: Option<Vec<String>>,
    /// A corrected year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// The decisions of a folder.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Decisions {
    pub facts: HashMap<usize, Decision>,
}

/// What `report.json` keeps of the options, so review re-runs the same extraction.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Saved {
    id: String,
    home: String,
    date: Option<String>,
    source_url: Option<String>,
}

/// A folder under review: the extraction (re-run from the folder's normalised text with the
/// options it was made with) and the decisions so far.
pub struct Review {
    pub dir: PathBuf,
    pub data: PathBuf,
    pub ds: Dataset,
    pub gaz: Gazetteer,
    pub extraction: Extraction,
    pub decisions: Decisions,
}

const KINDS: &[&str] = super::rules::KINDS;

impl Review {
    /// Opens `dir` (written by `amity extract`) against the data folder `data`.
    pub fn open(dir: &Path, data: &Path) -> Result<Review> {
        let report_json = dir.join("report.json");
        let bytes = std::fs::read(&report_json).map_err(|source| Error::Io {
            path: report_json.clone(),
            source,
        })?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Usage(format!(
                "{}: not the report.json amity extract writes ({e})",
                report_json.display()
            ))
        })?;
        let h = &v["header"];
        let saved = Saved {
            id: h["id"].as_str().unwrap_or_default().to_string(),
            home: h["home"].as_str().unwrap_or_default().to_string(),
            date: h["date"].as_str().map(str::to_string),
            source_url: h["source_url"].as_str().map(str::to_string),
        };
        let text_path = dir.join("reports").join(format!("{}.txt", saved.id));
        let text = std::fs::read_to_string(&text_path).map_err(|source| Error::Io {
            path: text_path.clone(),
            source,
        })?;
        let ds = crate::ingest::load_dir(data)?;
        let gaz = Gazetteer::new(&ds);
        let opts = Options {
            report_id: Some(saved.id.clone()),
            home: Some(saved.home.clone()),
            date: saved.date.clone(),
            source_url: saved.source_url.clone(),
            // The rules `extract --rules` added, kept with the candidates.
            rules: std::fs::read_to_string(dir.join("rules.tsv")).ok(),
            rules_file: Some(dir.join("rules.tsv").display().to_string()),
        };
        let extraction = extract(&text, &opts, &ds, &gaz)
            .map_err(|e| Error::Usage(format!("{}: {e}", text_path.display())))?;
        let decisions = match std::fs::read(dir.join("review.json")) {
            Ok(b) => serde_json::from_slice(&b)
                .map_err(|e| Error::Usage(format!("{}: {e}", dir.join("review.json").display())))?,
            Err(_) => Decisions::default(),
        };
        Ok(Review {
            dir: dir.to_path_buf(),
            data: data.to_path_buf(),
            ds,
            gaz,
            extraction,
            decisions,
        })
    }

    fn save(&self) -> Result<()> {
        let p = self.dir.join("review.json");
        let bytes =
            serde_json::to_vec_pretty(&self.decisions).map_err(|e| Error::Usage(e.to_string()))?;
        std::fs::write(&p, bytes).map_err(|source| Error::Io { path: p, source })
    }

    /// Records a decision, after checking it: a known kind, counterparts amity can resolve,
    /// a plausible year.
    pub fn decide(&mut self, fact: usize, d: Decision) -> std::result::Result<(), String> {
        if fact >= self.extraction.facts.len() {
            return Err(format!(
                "no fact {fact}: this report has {} candidate facts (0 to {})",
                self.extraction.facts.len(),
                self.extraction.facts.len().saturating_sub(1)
            ));
        }
        if !matches!(d.status.as_str(), "accepted" | "rejected" | "pending") {
            return Err(format!(
                "status {:?}: expected accepted, rejected or pending",
                d.status
            ));
        }
        if let Some(k) = &d.kind {
            if !KINDS.contains(&k.as_str()) {
                return Err(format!("kind {k:?}: expected one of {}", KINDS.join(", ")));
            }
        }
        if let Some(y) = d.year {
            if !(1900..=2100).contains(&y) {
                return Err(format!("year {y}: expected a year between 1900 and 2100"));
            }
        }
        if let Some(cs) = &d.counterparts {
            for c in cs {
                if self.place(c).is_none() {
                    return Err(format!(
                        "counterpart {c:?}: not a place id or a Chinese place name amity knows"
                    ));
                }
            }
        }
        self.decisions.facts.insert(fact, d);
        self.save().map_err(|e| e.to_string())
    }

    /// Accepts every still-pending fact of `kind` whose confidence is at least `min` (0 for
    /// all). Returns how many.
    pub fn accept_kind(&mut self, kind: &str, min: f64) -> std::result::Result<usize, String> {
        if !self.extraction.facts.iter().any(|f| f.kind == kind) {
            return Err(format!("no candidate fact of kind {kind:?} in this report"));
        }
        self.accept_where(|f| f.kind == kind && f.confidence >= min)
    }

    /// Accepts the still-pending facts `pick` chooses and saves. Returns how many.
    fn accept_where(
        &mut self,
        pick: impl Fn(&super::Fact) -> bool,
    ) -> std::result::Result<usize, String> {
        let mut n = 0;
        for (i, f) in self.extraction.facts.iter().enumerate() {
            if !pick(f) {
                continue;
            }
            let d = self.decisions.facts.entry(i).or_default();
            if d.status.is_empty() || d.status == "pending" {
                d.status = "accepted".into();
                n += 1;
            }
        }
        self.save().map_err(|e| e.to_string())?;
        Ok(n)
    }

    /// Accepts every still-pending fact of a paragraph. Returns how many.
    pub fn accept_paragraph(&mut self, paragraph: usize) -> std::result::Result<usize, String> {
        let ids: HashSet<&str> = self
            .extraction
            .passages
            .iter()
            .filter(|p| p.paragraph == paragraph)
            .map(|p| p.id.as_str())
            .collect();
        if ids.is_empty() {
            return Err(format!("no paragraph {paragraph} in this report"));
        }
        let ids: HashSet<String> = ids.into_iter().map(str::to_string).collect();
        self.accept_where(|f| ids.contains(f.passage.as_str()))
    }

    fn place(&self, c: &str) -> Option<PlaceRef> {
        // The same resolution as `import` and `--home`: a name several places bear is not
        // taken (the reviewer gives the id).
        let i = self
            .gaz
            .by_id(c)
            .or_else(|| match self.gaz.lookup(c, None) {
                super::gazetteer::Lookup::One(i) => Some(i),
                _ => None,
            });
        if let Some(i) = i {
            let e = self.gaz.entry(i);
            return Some(PlaceRef {
                id: e.id.clone(),
                name_zh: e.name_zh.clone(),
                name_en: Some(e.name_en.clone()).filter(|s| !s.is_empty()),
                country_zh: self.gaz.country_zh(i).map(str::to_string),
                level: Some(e.level_key().to_string()),
                new: Some(!e.in_data),
            });
        }
        // A new place the extraction found.
        self.extraction
            .places
            .iter()
            .find(|p| p.id == c)
            .map(|p| PlaceRef {
                id: p.id.clone(),
                name_zh: p.name_zh.clone(),
                name_en: None,
                country_zh: None,
                level: Some(crate::model::Level::KEYS[p.level as usize].to_string()),
                new: Some(true),
            })
    }

    /// The accepted facts with their corrections applied, as an extraction of their own.
    pub fn accepted(&self) -> Extraction {
        let mut x = self.extraction.clone();
        let mut facts = Vec::new();
        for (i, f) in self.extraction.facts.iter().enumerate() {
            let Some(d) = self.decisions.facts.get(&i) else {
                continue;
            };
            if d.status != "accepted" {
                continue;
            }
            let mut f = f.clone();
            if let Some(k) = &d.kind {
                if let Some(k) = KINDS.iter().find(|x| *x == k) {
                    f.kind = k;
                }
            }
            if let Some(cs) = &d.counterparts {
                f.counterparts = cs.iter().filter_map(|c| self.place(c)).collect();
            }
            if let Some(y) = d.year {
                f.year = Some(Year {
                    value: y,
                    basis: "stated",
                    note: Some("corrected in review".into()),
                });
            }
            facts.push(f);
        }
        x.facts = facts;
        // The places the accepted facts need (and their parents), nothing more.
        let mut need: HashSet<String> = HashSet::new();
        for f in &x.facts {
            need.insert(f.home.id.clone());
            need.extend(f.counterparts.iter().map(|c| c.id.clone()));
        }
        let all = &self.extraction.places;
        loop {
            let before = need.len();
            for p in all {
                if need.contains(&p.id) {
                    if let Some(pp) = &p.parent {
                        need.insert(pp.clone());
                    }
                }
            }
            if need.len() == before {
                break;
            }
        }
        // A corrected counterpart from the gazetteer that the extraction never needed.
        let mut places: Vec<_> = all
            .iter()
            .filter(|p| need.contains(&p.id))
            .cloned()
            .collect();
        for id in &need {
            if places.iter().any(|p| &p.id == id) || self.ds.places.iter().any(|p| &p.id == id) {
                continue;
            }
            if let Some(i) = self.gaz.by_id(id) {
                for c in self.gaz.chain_down(i) {
                    let e = self.gaz.entry(c);
                    if e.in_data || places.iter().any(|p| p.id == e.id) {
                        continue;
                    }
                    places.push(super::NewPlace::from_entry(&self.gaz, c));
                }
            }
        }
        x.places = places;
        x
    }

    /// Appends the accepted rows to the data folder, copies the report's text into
    /// `data/reports/`, and validates the whole folder. On a validation error every file is
    /// put back as it was and the errors are returned. Returns the rows added per file.
    pub fn commit(&self) -> Result<Vec<(String, usize)>> {
        let x = self.accepted();
        if x.facts.is_empty() {
            return Err(Error::Usage(
                "no fact is accepted yet: accept some before writing them into data/".into(),
            ));
        }
        if self.ds.reports.iter().any(|r| r.id == x.header.id) {
            return Err(Error::Usage(format!(
                "report {} is already in {}: its facts were written before",
                x.header.id,
                self.data.display()
            )));
        }
        let rows = to_rows(&x, &self.ds);
        let mut backups: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
        let mut added = Vec::new();
        let text_rel = format!("reports/{}.txt", x.header.id);
        let text_path = self.data.join(&text_rel);
        backups.push((text_path.clone(), std::fs::read(&text_path).ok()));
        let result = (|| -> Result<()> {
            std::fs::create_dir_all(self.data.join("reports")).map_err(|source| Error::Io {
                path: self.data.join("reports"),
                source,
            })?;
            std::fs::write(&text_path, &x.split.text).map_err(|source| Error::Io {
                path: text_path.clone(),
                source,
            })?;
            for (file, new_rows) in &rows.files {
                let path = self.data.join(file);
                let old = std::fs::read(&path).ok();
                backups.push((path.clone(), old.clone()));
                append_rows(&path, file, old.as_deref(), new_rows)?;
                added.push((file.to_string(), new_rows.len()));
            }
            crate::ingest::load_dir(&self.data).map(|_| ())
        })();
        if let Err(e) = result {
            for (path, old) in backups.into_iter().rev() {
                match old {
                    Some(b) => {
                        let _ = std::fs::write(&path, b);
                    }
                    None => {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            }
            return Err(e);
        }
        Ok(added)
    }
}

/// Appends rows to a CSV file of `data/` in its own column order (read from its header),
/// leaving every existing byte as it is.
fn append_rows(path: &Path, file: &str, old: Option<&[u8]>, rows: &[Row]) -> Result<()> {
    let Some(old) = old else {
        return write_csv(path, file, rows).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        });
    };
    let header: Vec<String> = {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(old);
        match r.records().next() {
            Some(Ok(h)) => h
                .iter()
                .map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
                .collect(),
            _ => {
                return Err(Error::Usage(format!(
                    "{}: no header line to append under",
                    path.display()
                )))
            }
        }
    };
    let mut out = old.to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    for r in rows {
        w.write_record(
            header
                .iter()
                .map(|c| r.get(c.as_str()).map(String::as_str).unwrap_or("")),
        )
        .map_err(|e| Error::Usage(e.to_string()))?;
    }
    out.extend(w.into_inner().map_err(|e| Error::Usage(e.to_string()))?);
    std::fs::write(path, out).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
