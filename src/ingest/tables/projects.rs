//! `projects.csv` → [`Project`].

use crate::ingest::row::RowCx;
use crate::model::*;
use crate::vocab::schemes;

impl RowCx<'_> {
    pub(in crate::ingest) fn project(&mut self) -> Project {
        Project {
            id: self.req("id"),
            task: self.reference("task", &[Kind::Task]),
            name_zh: self.req("name_zh"),
            name_en: self.req("name_en"),
            part_of: self.reference("part_of", &[Kind::Project]),
            location: self.reference("location", &[Kind::Place]),
            status: self.scheme("status", schemes::STATUS, false),
            progress_pct: self.decimal("progress_pct", 0.0, 100.0, "a percentage"),
            progress_measure_zh: self.opt("progress_measure_zh"),
            progress_zh: self.opt("progress_zh"),
            prov: self.prov(),
        }
    }
}
