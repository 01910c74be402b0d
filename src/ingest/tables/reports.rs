//! `reports.csv` → [`Report`]: one row a report, with its full text read from `text_file`.

use std::path::Path;

use super::ORG_KINDS;
use crate::ingest::row::RowCx;
use crate::model::*;

impl RowCx<'_> {
    pub(in crate::ingest) fn report(&mut self, dir: &Path) -> Option<Report> {
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
                        format!("a readable file relative to the folder of this file ({e})"),
                    );
                    String::new()
                }
            }
        };
        let r = Report {
            title_zh: self.get("title_zh").to_string(),
            title_en: self.get("title_en").to_string(),
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
}
