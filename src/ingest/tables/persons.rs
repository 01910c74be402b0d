//! `persons.csv` → [`Person`].

use crate::ingest::row::RowCx;
use crate::model::*;

impl RowCx<'_> {
    pub(in crate::ingest) fn person(&mut self) -> Person {
        Person {
            id: self.req("id"),
            name_zh: self.req("name_zh"),
            name_en: self.req("name_en"),
            role_zh: self.opt("role_zh"),
            role_en: self.opt("role_en"),
            affiliation: self.reference("affiliation", &[Kind::Place, Kind::Organisation]),
            prov: self.prov(),
        }
    }
}
