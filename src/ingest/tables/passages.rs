//! `passages.csv` → [`Passage`]: each sentence is found verbatim in its report's text, which gives its character offsets.

use std::collections::HashMap;

use crate::ingest::row::RowCx;
use crate::model::*;

impl RowCx<'_> {
    pub(in crate::ingest) fn passage(
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
}
