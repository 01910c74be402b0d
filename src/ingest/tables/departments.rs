//! `departments.csv` → [`Department`].

use super::ORG_KINDS;
use crate::ingest::row::RowCx;
use crate::model::*;

impl RowCx<'_> {
    pub(in crate::ingest) fn department(&mut self) -> Department {
        Department {
            id: self.req("id"),
            name_zh: self.req("name_zh"),
            name_en: self.req("name_en"),
            parent: self.reference("parent", ORG_KINDS),
            prov: self.prov(),
        }
    }
}
