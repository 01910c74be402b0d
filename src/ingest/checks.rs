//! Cross-row checks, run once every row is read (part-of cycles, the country of each place,
//! reported totals against the named members), and the check that a quote occurs verbatim in
//! the passage it cites (run as each row's provenance is read).

use std::collections::{HashMap, HashSet};

use super::row::RowCx;
use crate::error::LoadErrors;
use crate::model::*;

/// A quote must occur verbatim in the text of the passage it cites.
pub(super) fn check_quote(row: &mut RowCx<'_>, passage: &str, quote: &str) {
    let text = row
        .shared
        .passage_text
        .get(passage)
        .cloned()
        .unwrap_or_default();
    if !text.contains(quote) {
        row.err(
            "quote",
            quote,
            format!("a verbatim phrase of passage {passage} ({text:?})"),
        );
    }
}

/// Reports every cycle among `(id, parent)` links once, at the row of its first member.
pub(super) fn check_cycles<'a>(
    items: impl Iterator<Item = (&'a str, Option<&'a Ref>)>,
    errs: &mut LoadErrors,
) {
    let parent: HashMap<&str, &Ref> = items.filter_map(|(id, p)| Some((id, p?))).collect();
    let mut reported: HashSet<&str> = HashSet::new();
    let mut ids: Vec<&str> = parent.keys().copied().collect();
    ids.sort_unstable();
    for start in ids {
        let mut chain = vec![start];
        let mut cur = start;
        while let Some(p) = parent.get(cur) {
            cur = p.id.as_str();
            if let Some(i) = chain.iter().position(|c| *c == cur) {
                let cycle = &chain[i..];
                if cycle.iter().all(|c| !reported.contains(c)) {
                    reported.extend(cycle.iter().copied());
                    let at = parent[cycle[0]].at.clone();
                    let mut shown: Vec<&str> = cycle.to_vec();
                    shown.push(cycle[0]);
                    errs.push(
                        at,
                        parent[cycle[0]].id.clone(),
                        format!(
                            "a parent chain without a cycle (found {})",
                            shown.join(" → ")
                        ),
                    );
                }
                break;
            }
            chain.push(cur);
        }
    }
}

/// Part-of cycles, and the country of each place (every place below a country needs one).
pub(super) fn check_places(places: &mut [Place], errs: &mut LoadErrors) {
    // One place per Wikidata item: two rows claiming the same QID are the same place twice
    // (a second report's name for it must reuse the first row's id).
    let mut by_qid: HashMap<&str, (&str, u64, &str)> = HashMap::new();
    for p in places.iter() {
        let Some(q) = p.wikidata.as_deref() else {
            continue;
        };
        match by_qid.get(q) {
            Some((first, line, file)) => errs.push(
                p.wikidata_at.clone(),
                q,
                format!(
                    "a Wikidata item no other place claims: {q} is already place {first:?} ({file} line {line}); use that id"
                ),
            ),
            None => {
                by_qid.insert(q, (p.id.as_str(), p.wikidata_at.line, p.wikidata_at.file.as_str()));
            }
        }
    }
    check_cycles(
        places.iter().map(|p| (p.id.as_str(), p.part_of.as_ref())),
        errs,
    );
    let by_id: HashMap<String, (Level, Option<String>)> = places
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                (p.level, p.part_of.as_ref().map(|r| r.id.clone())),
            )
        })
        .collect();
    for p in places.iter_mut() {
        let mut cur = Some(p.id.clone());
        let mut seen = HashSet::new();
        let mut cyclic = false;
        while let Some(id) = cur {
            if !seen.insert(id.clone()) {
                cyclic = true; // reported by check_cycles
                break;
            }
            match by_id.get(&id) {
                Some((Level::Country, _)) => {
                    p.country = Some(id);
                    break;
                }
                Some((_, parent)) => cur = parent.clone(),
                None => break,
            }
        }
        let needs_country = !matches!(p.level, Level::Continent | Level::Country);
        if needs_country && p.country.is_none() && !cyclic {
            let at = p.part_of_at.clone();
            let value = p.part_of.as_ref().map(|r| r.id.clone()).unwrap_or_default();
            errs.push(
                at,
                value,
                format!(
                    "a part_of chain from {} up to a place of level country",
                    p.id
                ),
            );
        }
    }
}

/// Sub-event cycles; reported totals against the named members; named counts.
pub(super) fn check_events(events: &mut [Event], errs: &mut LoadErrors) {
    check_cycles(
        events.iter().map(|e| (e.id.as_str(), e.part_of.as_ref())),
        errs,
    );
    let mut children: HashMap<String, usize> = HashMap::new();
    for e in events.iter() {
        if let Some(p) = &e.part_of {
            *children.entry(p.id.clone()).or_default() += 1;
        }
    }
    for e in events.iter_mut() {
        let Some(list) = e.counted_list else { continue };
        let named = match list {
            EventList::HeldIn => e.held_in.len(),
            EventList::Counterparts => e.counterparts.len(),
            EventList::Participants => e.participants.len(),
            EventList::Fields => e.fields_zh.len(),
            EventList::Documents => e.documents.len(),
            EventList::SubEvents => children.get(&e.id).copied().unwrap_or(0),
        };
        e.named_count = Some(named);
        if let Some(total) = e.reported_count {
            if (total as usize) < named {
                errs.push(
                    e.reported_count_at.clone(),
                    total.to_string(),
                    format!("a total at least the {named} members the row names"),
                );
            }
        }
    }
}
