//! `documents.csv` → [`Document`].

use super::ORG_KINDS;
use crate::ingest::row::RowCx;
use crate::model::*;
use crate::vocab::schemes;

impl RowCx<'_> {
    pub(in crate::ingest) fn document(&mut self) -> Document {
        Document {
            id: self.req("id"),
            task: self.reference("task", &[Kind::Task]),
            kind: self
                .scheme("kind", schemes::DOCUMENT_KIND, true)
                .unwrap_or_default(),
            title_zh: self.req("title_zh"),
            title_en: self.req("title_en"),
            issuer: self.reference("issuer", ORG_KINDS),
            note: self.opt("note"),
            prov: self.prov(),
        }
    }
}
