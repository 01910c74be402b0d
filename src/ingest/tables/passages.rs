//! `passages.csv` → [`Passage`]: each sentence is found verbatim in its report's text, which gives
//! its character offsets; a report kept without its text has short spans instead (a clause each).

use std::collections::HashMap;

use crate::ingest::row::RowCx;
use crate::model::*;

/// The longest span kept for a report whose full text stays with its publisher.
pub const MAX_SPAN_CHARS: usize = 80;

impl RowCx<'_> {
    pub(in crate::ingest) fn passage(
        &mut self,
        texts: &HashMap<String, Option<String>>,
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
        let Some(full) = full else {
            let n = text.chars().count();
            if n > MAX_SPAN_CHARS {
                self.err(
                    "text",
                    &text,
                    format!(
                        "a short span of at most {MAX_SPAN_CHARS} characters (the clause that states the fact; \
                         report {} keeps no full text), not {n}",
                        report.id
                    ),
                );
                return None;
            }
            return Some(Passage {
                id,
                report,
                paragraph,
                sentence,
                text,
                char_start: None,
                char_end: None,
            });
        };
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
            char_start: Some(char_start),
            char_end: Some(char_end),
        })
    }
}
