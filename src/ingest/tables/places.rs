//! `places.csv` → [`Place`]: level, coordinates (both or neither, with their source: a place
//! no source has placed yet has none, never its country's middle) and the Wikidata id; the
//! country is filled in later by [`check_places`](crate::ingest::checks::check_places).

use crate::ingest::row::RowCx;
use crate::model::*;
use crate::vocab::schemes;

impl RowCx<'_> {
    pub(in crate::ingest) fn place(&mut self) -> Option<Place> {
        let level = self.enumerated("level", Level::KEYS, true);
        let lat = self.decimal("lat", -90.0, 90.0, "a latitude in decimal degrees");
        let lon = self.decimal("lon", -180.0, 180.0, "a longitude in decimal degrees");
        let coord_source = self.opt("coord_source");
        let level = level.and_then(|l| Level::parse(&l));
        for (c, other) in [("lat", "lon"), ("lon", "lat")] {
            if self.get(c).is_empty() && !self.get(other).is_empty() {
                self.err(
                    c,
                    "",
                    format!("a coordinate: {other} is given, so {c} is needed too (or neither)"),
                );
            }
        }
        if (lat.is_some() || lon.is_some()) && coord_source.is_none() {
            self.err(
                "coord_source",
                "",
                "the gazetteer the coordinates come from",
            );
        }
        let wikidata = self.opt("wikidata");
        if let Some(q) = &wikidata {
            if !(q.starts_with('Q') && q.len() > 1 && q[1..].bytes().all(|b| b.is_ascii_digit())) {
                let q = q.clone();
                self.err("wikidata", &q, "a Wikidata item id such as Q956");
            }
        }
        let p = Place {
            id: self.req("id"),
            // A foreign place known to its source only by its English name (an English table)
            // may leave the Chinese name empty; every place has at least one name.
            name_zh: if self.get("name_en").is_empty() {
                self.req("name_zh")
            } else {
                self.get("name_zh").to_string()
            },
            // Optional: a place a report names only in Chinese has no English name (never
            // invented); it then gets no English label.
            name_en: self.get("name_en").to_string(),
            alt_zh: self.list("alt_zh"),
            admin_type: self
                .scheme("admin_type", schemes::ADMIN_TYPE, true)
                .unwrap_or_default(),
            part_of: self.reference("part_of", &[Kind::Place]),
            country: None,
            lat,
            lon,
            coord_source,
            wikidata,
            note: self.opt("note"),
            prov: self.prov(),
            part_of_at: self.pos("part_of"),
            wikidata_at: self.pos("wikidata"),
            level: level?,
        };
        Some(p)
    }
}
