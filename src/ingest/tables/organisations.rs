//! `organisations.csv` → [`Organisation`].

use super::ORG_KINDS;
use crate::ingest::row::RowCx;
use crate::model::*;
use crate::vocab::schemes;

impl RowCx<'_> {
    pub(in crate::ingest) fn organisation(&mut self) -> Organisation {
        Organisation {
            id: self.req("id"),
            name_zh: self.req("name_zh"),
            name_en: self.get("name_en").to_string(),
            alt_zh: self.list("alt_zh"),
            kind: self
                .scheme("kind", schemes::ORGANISATION_KIND, true)
                .unwrap_or_default(),
            parent: self.reference("parent", ORG_KINDS),
            based_in: self.reference("based_in", &[Kind::Place]),
            note: self.opt("note"),
            prov: self.prov(),
        }
    }
}
