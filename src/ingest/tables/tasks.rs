//! `tasks.csv` → [`Task`].

use crate::ingest::row::RowCx;
use crate::model::*;

impl RowCx<'_> {
    pub(in crate::ingest) fn task(&mut self) -> Task {
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
}
