//! `agreements.csv` → [`Agreement`].

use crate::ingest::row::RowCx;
use crate::model::*;
use crate::vocab::schemes;

impl RowCx<'_> {
    pub(in crate::ingest) fn agreement(&mut self) -> Agreement {
        Agreement {
            id: self.req("id"),
            task: self.reference("task", &[Kind::Task]),
            kind: self
                .scheme("kind", schemes::AGREEMENT_KIND, true)
                .unwrap_or_default(),
            title_zh: self.req("title_zh"),
            title_en: self.req("title_en"),
            parties: self.refs("parties", &[Kind::Place, Kind::Organisation]),
            signing_level: self.scheme("signing_level", schemes::SIGNING_LEVEL, false),
            status: self.scheme("status", schemes::STATUS, false),
            part_of: self.reference("part_of", &[Kind::Agreement]),
            outcome_of: self.reference("outcome_of", &[Kind::Event]),
            when: self.when(),
            note: self.opt("note"),
            prov: self.prov(),
        }
    }
}
