//! The places a sentence names: gazetteer matches along their chains, unknown names after a
//! known foreign place, short names (京港, 中韩), districts of the home acting, and the new
//! places the facts need.

use std::collections::HashMap;

use super::rulebook::{chars_end_any, has_char, starts_any, Rules};
use super::text::{self, fold};
use super::*;
use crate::model::Level;

impl Extractor<'_> {
    pub(super) fn unknown_is_counterpart(&self, u: usize) -> bool {
        let np = &self.unknown[u];
        match np.parent.as_deref().and_then(|p| self.gaz.by_id(p)) {
            Some(p) => self.gaz.is_counterpart(p),
            None => false,
        }
    }

    /// Place names of a sentence, resolved along their chains; unknown names after a known
    /// foreign place become new places.
    pub(super) fn places(&mut self, folded: &[char], fs: &str, p: &Passage) -> Vec<Found> {
        let raw = self.gaz.find(fs);
        let mut out: Vec<Found> = Vec::new();
        let mut prev: Option<(usize, usize)> = None; // (end, entry)
        for (s, e, ids) in raw {
            let gap: String = prev
                .map(|(pe, _)| folded[pe.min(s)..s].iter().collect())
                .unwrap_or_default();
            let context = prev
                .filter(|(pe, _)| *pe <= s && (gap.is_empty() || gap == "首都" || gap == "的"))
                .map(|(_, i)| i);
            let form: String = folded[s..e].iter().collect();
            let earlier = self.earlier.get(&form).copied();
            match self.gaz.resolve(&ids, context, earlier) {
                Some((i, conf)) => {
                    self.earlier.insert(form, i);
                    out.push(Found {
                        start: s,
                        end: e,
                        place: Some(i),
                        unknown: None,
                        confidence: conf,
                        prefix: false,
                    });
                    prev = Some((e, i));
                }
                None => {
                    // More than one place goes by this name and the text does not say
                    // which: a new candidate place, never a guess.
                    let options: Vec<String> = ids
                        .iter()
                        .map(|&i| {
                            let en = &self.gaz.entry(i).name_en;
                            match self.gaz.country_zh(i) {
                                Some(c) => format!("{en} ({c})"),
                                None => en.clone(),
                            }
                        })
                        .collect();
                    let u = self.new_place(
                        &form,
                        None,
                        Level::City,
                        p,
                        Some(format!("ambiguous: {}", options.join("; "))),
                    );
                    out.push(Found {
                        start: s,
                        end: e,
                        place: None,
                        unknown: Some(u),
                        confidence: 0.5,
                        prefix: false,
                    });
                    prev = None;
                }
            }
        }
        // Unknown names right after a known foreign place: 印尼 + 占碑, 某国 + 首都 + X. A
        // name of another country matched inside such a name (米拉 in 塔什干市米拉巴德区) is
        // part of the unknown name, not a place of its own.
        out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let mut result: Vec<Found> = Vec::with_capacity(out.len());
        let mut k = 0;
        while k < out.len() {
            let f = out[k].clone();
            result.push(f.clone());
            k += 1;
            let Some(i) = f.place else { continue };
            if !self.gaz.is_counterpart(i) || self.gaz.entry(i).level == Level::Continent {
                continue;
            }
            let mut s = f.end;
            if folded[s..].starts_with(&['首', '都']) {
                s += 2;
            }
            // 加利福尼亚州的阿尔汉布拉市: a name after 的 only with a place's suffix.
            let via_de = folded.get(s) == Some(&'的');
            if via_de {
                s += 1;
            }
            let next = out.get(k);
            // A place of another country matched at or just inside the next name (卡拉 in
            // 尼泊尔博卡拉市) is part of that unknown name.
            let conflict = next.is_some_and(|n| {
                (n.start == s || n.start == s + 1)
                    && n.place.is_none_or(|np| {
                        !self.gaz.within(np, i)
                            && self.gaz.entry(np).country != self.gaz.entry(i).country
                    })
            });
            if next.is_some_and(|n| n.start <= s + 1) && !conflict {
                continue;
            }
            let Some((ns, ne, level)) = unknown_name(self.rules, folded, s) else {
                continue;
            };
            if via_de && !has_char(self.rules.words("place_suffix"), folded[ne - 1]) {
                continue;
            }
            if conflict && next.is_some_and(|n| ne < n.end) {
                continue;
            }
            while out.get(k).is_some_and(|n| n.start < ne) {
                k += 1;
            }
            let name: String = folded[ns..ne].iter().collect();
            let parent = self.gaz.entry(i).id.clone();
            let u = self.new_place(&name, Some(parent), level, p, None);
            result.push(Found {
                start: ns,
                end: ne,
                place: None,
                unknown: Some(u),
                confidence: 0.6,
                prefix: false,
            });
        }
        result
    }

    /// 京港, 京澳, 京台 (and 穗港…): the home's short name with Hong Kong, Macao or Taiwan.
    pub(super) fn abbreviations(&self, folded: &[char], found: &mut Vec<Found>) {
        // 中韩, 中尼: the second character names the country (rules/abbreviations.tsv).
        for (at, name) in self.rules.short.country_pairs(folded) {
            if found.iter().any(|f| f.start <= at && at < f.end) {
                continue;
            }
            let Some(c) = self
                .gaz
                .named(&name)
                .into_iter()
                .find(|&k| self.gaz.entry(k).level == Level::Country)
            else {
                continue;
            };
            found.push(Found {
                start: at,
                end: at + 1,
                place: Some(c),
                unknown: None,
                confidence: 0.8,
                prefix: false,
            });
        }
        let Some(h) = self.home_abbr else { return };
        for i in 0..folded.len().saturating_sub(1) {
            if folded[i] != h {
                continue;
            }
            // 京港, 京澳, 京台: the `partner` rows of rules/abbreviations.tsv.
            let Some((_, name)) = self
                .rules
                .short
                .partner
                .iter()
                .find(|(c, _)| *c == folded[i + 1])
            else {
                continue;
            };
            if found.iter().any(|f| f.start <= i + 1 && i + 1 < f.end) {
                continue;
            }
            let Some(r) = (0..self.gaz.entries.len()).find(|&k| {
                let e = self.gaz.entry(k);
                e.framed_region && e.name_zh == *name
            }) else {
                continue;
            };
            found.push(Found {
                start: i + 1,
                end: i + 2,
                place: Some(r),
                unknown: None,
                confidence: 0.85,
                prefix: false,
            });
        }
    }

    /// Districts of the home city acting or taking part: data/'s districts are found by the
    /// gazetteer; an unknown "XX区" in the subject's place (before 与, 参加, 签署 …, or after
    /// 组织) becomes a new district of the home city.
    pub(super) fn districts(&mut self, folded: &[char], found: &mut Vec<Found>, p: &Passage) {
        let Some(home) = self.home else { return };
        let r = self.rules;
        let home_id = self.gaz.entry(home).id.clone();
        for i in 2..folded.len() {
            if folded[i] != '区' {
                continue;
            }
            let s = i - 2;
            if !folded[s..i].iter().all(|&c| text::is_han(c)) {
                continue;
            }
            let name: String = folded[s..=i].iter().collect();
            let stem: String = folded[s..i].iter().collect();
            if r.words("not_district").iter().any(|w| w.text == stem)
                || found.iter().any(|f| f.start < i + 1 && s < f.end)
            {
                continue;
            }
            let after: String = folded[i + 1..folded.len().min(i + 3)].iter().collect();
            // Acting (XX区与…) at a clause's start, or named by a verb before it (组织XX区).
            let subject = starts_any(&after, r.words("district_act"))
                && (s == 0 || !text::is_han(folded[s - 1]));
            let object = chars_end_any(&folded[..s], r.words("district_by"));
            if !(subject || object) {
                continue;
            }
            let u = self.new_place(&name, Some(home_id.clone()), Level::District, p, None);
            found.push(Found {
                start: s,
                end: i + 1,
                place: None,
                unknown: Some(u),
                confidence: 0.6,
                prefix: false,
            });
        }
    }

    pub(super) fn new_place(
        &mut self,
        name: &str,
        parent: Option<String>,
        level: Level,
        p: &Passage,
        note: Option<String>,
    ) -> usize {
        let key = (name.to_string(), parent.clone());
        if let Some(&u) = self.unknown_by_name.get(&key) {
            return u;
        }
        let u = self.unknown.len();
        // A new place has no coordinates until a source gives them: never its parent's or its
        // country's point, which the map would draw as if it were the place.
        let (lat, lon) = (None, None);
        let orig: Vec<char> = p.text.chars().collect();
        let folded: Vec<char> = fold(&p.text);
        let quote =
            find_chars(&folded, name).map(|s| orig[s..s + name.chars().count()].iter().collect());
        let note = note.or_else(|| {
            Some(
                "New place named in the report; no source checked yet, so no coordinates."
                    .to_string(),
            )
        });
        self.unknown.push(NewPlace {
            id: format!("new-{}-{}", p.id, u + 1),
            name_zh: name.to_string(),
            name_en: String::new(),
            level,
            parent,
            lat,
            lon,
            source: None,
            wikidata: None,
            passage: Some(p.id.clone()),
            quote,
            unknown: true,
            note,
        });
        self.unknown_by_name.insert(key, u);
        u
    }

    pub(super) fn mention(&self, f: &Found, p: &Passage, orig: &[char]) -> Mention {
        let (kind, id, part_of) = match (f.place, f.unknown) {
            (Some(i), _) => (
                if f.end - f.start == 1 {
                    "abbreviation"
                } else {
                    "place"
                },
                self.gaz.entry(i).id.clone(),
                self.gaz
                    .ancestors(i)
                    .map(|a| self.gaz.entry(a).id.clone())
                    .collect(),
            ),
            (None, Some(u)) => {
                let np = &self.unknown[u];
                let mut chain: Vec<String> = Vec::new();
                if let Some(pid) = &np.parent {
                    chain.push(pid.clone());
                    if let Some(pi) = self.gaz.by_id(pid) {
                        chain.extend(self.gaz.ancestors(pi).map(|a| self.gaz.entry(a).id.clone()));
                    }
                }
                ("new_place", np.id.clone(), chain)
            }
            _ => ("place", String::new(), Vec::new()),
        };
        Mention {
            passage: p.id.clone(),
            start: f.start,
            end: f.end,
            text: orig[f.start..f.end].iter().collect(),
            kind,
            id,
            part_of,
        }
    }

    pub(super) fn place_ref(&self, place: Option<usize>, unknown: Option<usize>) -> PlaceRef {
        match (place, unknown) {
            (Some(i), _) => {
                let e = self.gaz.entry(i);
                PlaceRef {
                    id: e.id.clone(),
                    name_zh: e.name_zh.clone(),
                    name_en: Some(e.name_en.clone()).filter(|s| !s.is_empty()),
                    country_zh: self.gaz.country_zh(i).map(str::to_string),
                    level: Some(e.level_key().to_string()),
                    new: Some(!e.in_data),
                }
            }
            (None, Some(u)) => {
                let np = &self.unknown[u];
                let country = np
                    .parent
                    .as_deref()
                    .and_then(|p| self.gaz.by_id(p))
                    .and_then(|i| self.gaz.country_zh(i))
                    .map(str::to_string);
                PlaceRef {
                    id: np.id.clone(),
                    name_zh: np.name_zh.clone(),
                    name_en: None,
                    country_zh: country,
                    level: Some(crate::model::Level::KEYS[np.level as usize].to_string()),
                    new: Some(true),
                }
            }
            _ => PlaceRef {
                id: String::new(),
                name_zh: String::new(),
                name_en: None,
                country_zh: None,
                level: None,
                new: None,
            },
        }
    }

    /// Places the facts and mentions name that data/ lacks: gazetteer entries (with their
    /// parents up to a place data/ has) and the unknown ones, parents first.
    pub(super) fn places_needed(&self, facts: &[Fact], mentions: &[Mention]) -> Vec<NewPlace> {
        let _ = self.ds;
        let mut out: Vec<NewPlace> = Vec::new();
        let mut seen: HashMap<String, ()> = HashMap::new();
        let mut first_mention: HashMap<&str, &Mention> = HashMap::new();
        for m in mentions {
            first_mention.entry(m.id.as_str()).or_insert(m);
        }
        let mut need: Vec<String> = Vec::new();
        for f in facts {
            need.push(f.home.id.clone());
            need.extend(f.counterparts.iter().map(|c| c.id.clone()));
        }
        let add_entry = |i: usize, out: &mut Vec<NewPlace>, seen: &mut HashMap<String, ()>| {
            for c in self.gaz.chain_down(i) {
                let e = self.gaz.entry(c);
                if e.in_data || seen.contains_key(&e.id) {
                    continue;
                }
                seen.insert(e.id.clone(), ());
                let m = first_mention.get(e.id.as_str());
                out.push(NewPlace {
                    passage: m.map(|m| m.passage.clone()),
                    quote: m.map(|m| m.text.clone()),
                    ..NewPlace::from_entry(self.gaz, c)
                });
            }
        };
        for id in need {
            if let Some(i) = self.gaz.by_id(&id) {
                add_entry(i, &mut out, &mut seen);
            } else if let Some(np) = self.unknown.iter().find(|u| u.id == id) {
                if let Some(pi) = np.parent.as_deref().and_then(|p| self.gaz.by_id(p)) {
                    add_entry(pi, &mut out, &mut seen);
                }
                if !seen.contains_key(&np.id) {
                    seen.insert(np.id.clone(), ());
                    out.push(np.clone());
                }
            }
        }
        out
    }
}

pub(super) fn find_chars(hay: &[char], needle: &str) -> Option<usize> {
    let n: Vec<char> = needle.chars().collect();
    if n.is_empty() || n.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - n.len()).find(|&i| hay[i..i + n.len()] == n[..])
}

/// A name right after a foreign place that no source knows: Han characters up to a list
/// delimiter (`name_stop`), at most ten, not starting with an office or a common word
/// (`not_name_start`). With a place suffix its level follows the suffix (`place_suffix`: 市
/// city, 区 district, 州/省 region).
pub(super) fn unknown_name(
    r: &Rules,
    folded: &[char],
    mut s: usize,
) -> Option<(usize, usize, Level)> {
    // "美国友城布法罗市": the word for friendship city before the name is not part of it.
    if let Some(w) = r
        .words("twin_word")
        .iter()
        .find(|w| folded[s..].starts_with(&w.chars))
    {
        s += w.chars.len();
    }
    let stop = r.words("name_stop");
    let mut e = s;
    while e < folded.len() && e < s + 10 && text::is_han(folded[e]) && !has_char(stop, folded[e]) {
        e += 1;
    }
    if e - s < 2 {
        return None;
    }
    let name: String = folded[s..e].iter().collect();
    if starts_any(&name, r.words("not_name_start")) {
        return None;
    }
    // 四国友城…, 三个城市: a number of places, not a place.
    let mut cs = name.chars();
    if let (Some(a), Some(b)) = (cs.next(), cs.next()) {
        if "一二三四五六七八九十两几多各".contains(a) && has_char(r.words("place_measure"), b)
        {
            return None;
        }
    }
    // A verb or noun of the act after the name ends it: 占碑举办… → 占碑 (the first word of
    // the group the name has).
    for w in r.words("name_end_word") {
        if let Some(k) = name.find(w.text.as_str()) {
            let cut = name[..k].chars().count();
            if cut < 2 {
                return None;
            }
            e = s + cut;
            break;
        }
    }
    // The first city or district suffix ends the name: 布法罗市建设… → 布法罗市.
    let end_suffix = r.words("name_end_suffix");
    if let Some(k) = (s + 2..e).find(|&k| has_char(end_suffix, folded[k]) && k + 1 < e) {
        e = k + 1;
    }
    let last = folded[e - 1];
    let suffix = r.words("place_suffix").iter().find(|w| w.char() == last);
    let level = match suffix.map(|w| w.value.as_str()) {
        Some("city") => Level::City,
        Some("district") => Level::District,
        Some(_) => Level::Region,
        // 友谊节, 文化周, 图片展: an event's name, not a place's.
        None if has_char(r.words("event_suffix"), last) => return None,
        None => {
            // Without a suffix, only as a member of a list: followed by 、 or 等, or after 、.
            let next = folded.get(e).copied();
            let listed = s >= 1 && folded[..s].contains(&'、');
            let etc = next.is_some_and(|c| has_char(r.words("etc"), c));
            if !(matches!(next, Some('、'))
                || etc
                || listed && matches!(next, Some(',') | Some('。') | None))
            {
                return None;
            }
            Level::City
        }
    };
    Some((s, e, level))
}
