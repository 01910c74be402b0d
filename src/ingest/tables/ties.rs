//! `ties.csv` → [`Tie`].

use crate::ingest::row::RowCx;
use crate::model::*;
use crate::vocab::schemes;

impl RowCx<'_> {
    pub(in crate::ingest) fn tie(&mut self) -> Tie {
        let place_a = self.req_reference("place_a", &[Kind::Place]);
        let place_b = self.req_reference("place_b", &[Kind::Place]);
        if !place_a.id.is_empty() && place_a.id == place_b.id {
            let b = place_b.id.clone();
            self.err("place_b", &b, "a place other than place_a");
        }
        let start_year = self.year("start_year");
        let start_date = self.date("start_date");
        let start_basis = self.scheme("start_basis", schemes::DATE_BASIS, false);
        if (start_year.is_some() || start_date.is_some()) && start_basis.is_none() {
            self.err(
                "start_basis",
                self.get("start_basis").to_string().as_str(),
                "stated or derived, since a start is given",
            );
        }
        Tie {
            id: self.req("id"),
            place_a,
            place_b,
            kind: self
                .scheme("kind", schemes::TIE_KIND, true)
                .unwrap_or_default(),
            start_year,
            start_date,
            start_basis,
            basis_note: self.opt("basis_note"),
            evidence: self.reference("evidence", &[Kind::Event, Kind::Agreement]),
            prov: self.prov(),
        }
    }
}
