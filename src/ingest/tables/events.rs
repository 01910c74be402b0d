//! `events.csv` → [`Event`]; the named count is filled in later by [`check_events`](crate::ingest::checks::check_events).

use super::AGENT_KINDS;
use crate::ingest::row::RowCx;
use crate::model::*;
use crate::vocab::schemes;

impl RowCx<'_> {
    fn event_list(&mut self, col: &str, value: &str) -> Option<EventList> {
        let l = EventList::parse(value);
        if l.is_none() {
            self.err(
                col,
                value,
                format!("one of: {}", EventList::KEYS.join(", ")),
            );
        }
        l
    }

    pub(in crate::ingest) fn event(&mut self) -> Event {
        let counted_list = match self.opt("counted_list") {
            Some(v) => self.event_list("counted_list", &v),
            None => None,
        };
        let mut partial_lists = Vec::new();
        for v in self.list("partial_lists") {
            if let Some(l) = self.event_list("partial_lists", &v) {
                partial_lists.push(l);
            }
        }
        let reported_count = self.int("reported_count");
        if reported_count.is_some() && counted_list.is_none() {
            self.err(
                "counted_list",
                "",
                "the list the reported count counts (held_in, counterparts, …)",
            );
        }
        let anniversary = self.int("anniversary");
        let celebrates = self.reference("celebrates", &[Kind::Tie]);
        Event {
            id: self.req("id"),
            task: self.reference("task", &[Kind::Task]),
            kind: self
                .scheme("kind", schemes::EVENT_KIND, true)
                .unwrap_or_default(),
            title_zh: self.req("title_zh"),
            title_en: self.req("title_en"),
            status: self.scheme("status", schemes::STATUS, false),
            held_in: self.refs("held_in", &[Kind::Place]),
            counterparts: self.refs("counterparts", &[Kind::Place]),
            participants: self.refs("participants", AGENT_KINDS),
            organisers: self.refs("organisers", AGENT_KINDS),
            documents: self.refs("documents", &[Kind::Document]),
            roles_zh: self.list("roles_zh"),
            fields_zh: self.list("fields_zh"),
            counted_list,
            reported_count,
            count_unit: self.opt("count_unit"),
            named_count: None,
            partial_lists,
            ordinal: self.int("ordinal"),
            anniversary,
            celebrates,
            implements: self.refs("implements", &[Kind::Agreement, Kind::Document]),
            part_of: self.reference("part_of", &[Kind::Event]),
            when: self.when(),
            prov: self.prov(),
            reported_count_at: self.pos("reported_count"),
        }
    }
}
