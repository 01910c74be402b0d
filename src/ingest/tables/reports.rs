//! `reports.csv` → [`Report`]: one row a report, with its full text read from `text_file`, or,
//! for a report kept as facts and short spans only, no text and the published page's `source_url`.

use std::path::Path;

use super::ORG_KINDS;
use crate::ingest::row::RowCx;
use crate::model::*;
use crate::vocab::schemes;

impl RowCx<'_> {
    pub(in crate::ingest) fn report(&mut self, dir: &Path) -> Option<Report> {
        let id = self.req("id");
        let text_file = self.get("text_file").to_string();
        let source_url = self.opt("source_url");
        if let Some(u) = &source_url {
            if !is_web_url(u) {
                self.err("source_url", u, "an http(s) URL of the published report");
            }
        }
        if text_file.is_empty() && source_url.is_none() {
            self.err(
                "text_file",
                "",
                "the report's text file, or (for a report kept as facts and spans only) its published page in source_url",
            );
        }
        let text = if text_file.is_empty() {
            None
        } else {
            match std::fs::read(dir.join(&text_file)) {
                Ok(b) => match String::from_utf8(b) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        let off = e.utf8_error().valid_up_to();
                        self.err(
                            "text_file",
                            &text_file,
                            format!("a UTF-8 text file (invalid byte at offset {off})"),
                        );
                        None
                    }
                },
                Err(e) => {
                    self.err(
                        "text_file",
                        &text_file,
                        format!("a readable file relative to the folder of this file ({e})"),
                    );
                    None
                }
            }
        };
        let r = Report {
            title_zh: self.get("title_zh").to_string(),
            title_en: self.get("title_en").to_string(),
            publisher: self.req_reference("publisher", ORG_KINDS),
            source_zh: self.get("source_zh").to_string(),
            date: self.date("date"),
            period_start: self.req_date("period_start"),
            period_end: self.req_date("period_end"),
            text,
            source_url,
            completeness: self.scheme("completeness", schemes::COMPLETENESS, false),
            note: self.opt("note"),
            id,
        };
        Some(r)
    }
}

/// An `http(s)://` URL with a host and none of the characters an IRI may not hold.
fn is_web_url(u: &str) -> bool {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !r
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
    })
}
