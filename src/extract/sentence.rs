//! One sentence's facts: its clauses, the act each states (or the list it belongs to), the
//! counterparts (named there or earlier), the year and the fact itself.

use super::gazetteer::strip_cn_suffix;
use super::rulebook::{any_in, chars_end_any, starts_any, Rules, Test};
use super::text::fold;
use super::*;
use crate::model::Level;

impl Extractor<'_> {
    /// Mentions and facts of one sentence.
    pub(super) fn sentence(
        &mut self,
        p: &Passage,
        header: &Header,
        planned_paragraph: bool,
    ) -> (Vec<Mention>, Vec<Fact>) {
        let r = self.rules;
        let folded: Vec<char> = fold(&p.text);
        let fs: String = folded.iter().collect();
        let orig: Vec<char> = p.text.chars().collect();
        let mut found = self.places(&folded, &fs, p);
        self.abbreviations(&folded, &mut found);
        self.districts(&folded, &mut found, p);
        found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        // Chains: a mention followed at once by one inside it is that one's prefix.
        for i in 0..found.len().saturating_sub(1) {
            let (a, b) = (&found[i], &found[i + 1]);
            let gap: String = folded[a.end..b.start.max(a.end)].iter().collect();
            // 德国北威州, 某国首都X, 美国加利福尼亚州的阿尔汉布拉市.
            let adjacent = a.end <= b.start && (gap.is_empty() || gap == "首都" || gap == "的");
            let inside = match (b.place, a.place, b.unknown) {
                (Some(bp), Some(ap), _) => self.gaz.within(bp, ap),
                (None, Some(ap), Some(u)) => {
                    self.unknown[u].parent.as_deref() == Some(self.gaz.entry(ap).id.as_str())
                }
                // 菲律宾宿务省的拉普拉普市: a new region, then a known place of the region's
                // country (the gazetteer files it elsewhere in the country): the region is
                // the place's prefix.
                (Some(bp), None, _) => a.unknown.is_some_and(|u| {
                    let np = &self.unknown[u];
                    np.level == Level::Region
                        && np
                            .parent
                            .as_deref()
                            .and_then(|p| self.gaz.by_id(p))
                            .is_some_and(|c| {
                                self.gaz.entry(c).level == Level::Country && self.gaz.within(bp, c)
                            })
                }),
                _ => false,
            };
            if adjacent && inside {
                found[i].prefix = true;
            }
        }
        let mut mentions: Vec<Mention> = found.iter().map(|f| self.mention(f, p, &orig)).collect();
        for (s, e, id) in self.gaz.find_orgs(&fs, self.home) {
            mentions.push(Mention {
                passage: p.id.clone(),
                start: s,
                end: e,
                text: orig[s..e].iter().collect(),
                kind: "organisation",
                id,
                part_of: Vec::new(),
            });
        }
        mentions.sort_by_key(|m| (m.start, m.end));

        let mut facts = Vec::new();
        let clauses = clauses(&folded);
        let mut sentence_year: Option<(i32, Option<String>)> = None;
        let home_district = found.iter().find_map(|f| {
            let i = f.place?;
            (self.gaz.entry(i).level == Level::District
                && self.home.is_some_and(|h| self.gaz.within(i, h)))
            .then_some(i)
        });
        let home_district_new = found.iter().find_map(|f| {
            let u = f.unknown?;
            let np = &self.unknown[u];
            (np.level == Level::District && np.parent.as_deref() == Some(header.home.as_str()))
                .then_some(u)
        });
        // A list opened by a clause ending in a colon: the act its members take.
        let mut list: Option<rules::Act> = None;
        // The sentence's last act without a counterpart, and its clause: "…有12个,包括:" opens
        // the list in a clause of its own.
        let mut pending: Option<(rules::Act, usize, usize)> = None;
        // A total in this sentence (or closing the sentence before, in this paragraph).
        let carried_total = self.last_total.filter(|(para, _)| *para == p.paragraph);
        let mut had_total = carried_total.is_some();
        // A total of friendship ties in this sentence: its sub-totals open lists of ties.
        let mut ties_total = carried_total.is_some_and(|(_, t)| t);
        self.last_total = None;
        let mut as_of: Option<(i32, Option<String>)> = None;
        // The counterparts of a delegation that came or a place visited, for the clauses after.
        let mut subject: Option<Vec<Found>> = None;
        let mut next_subject: Option<Vec<Found>> = None;
        let mut carry_buf: Vec<Found>;
        for (cs, ce) in clauses {
            if let Some(s) = next_subject.take() {
                subject = Some(s);
            }
            // The home's character after 来/访/抵/莅/到 (`home_after`) reads as 京 (`home_as`)
            // for the rules (访津 is 访京 in a Tianjin report), one character for one.
            let home_as = r.words("home_as")[0].char();
            let for_rules: Vec<char> = match self.home_abbr {
                Some(h) if h != home_as => folded[cs..ce]
                    .iter()
                    .enumerate()
                    .map(|(k, &c)| {
                        let after_verb = chars_end_any(&folded[cs..cs + k], r.words("home_after"));
                        if c == h && after_verb {
                            home_as
                        } else {
                            c
                        }
                    })
                    .collect(),
                _ => folded[cs..ce].to_vec(),
            };
            let clause = &for_rules[..];
            let own_year = year_of(r, &folded[cs..ce], header);
            let mut counterparts = self.counterparts(&found, cs, ce);
            let mut carried = false;
            let raw: String = folded[cs..ce].iter().collect();
            // A clause that states a total with no side of its own (…,市级友城达到25个) takes no
            // side from an earlier clause: it is the total.
            let own_total = counterparts.is_empty()
                && rules::act(r, clause, false, rules::count(r, clause).as_ref())
                    .is_some_and(|a| a.kind == "count_total");
            if counterparts.is_empty() && !own_total {
                // The foreign side of an earlier clause: the visiting delegation (…率代表团
                // 访津, 拜会…, 签署…) or the place visited, for the acts after it; the two sides
                // (双方, 两市) of the paragraph's last named place.
                if let Some(s) = &subject {
                    counterparts = s.iter().collect();
                    carried = true;
                } else if any_in(&raw, r.words("both_sides")) {
                    match &self.last_named {
                        Some((para, named)) if *para == p.paragraph => {
                            carry_buf = named.clone();
                            counterparts = carry_buf.iter().collect();
                            carried = true;
                        }
                        // A report about one partner (a news item on a twinning, a visit):
                        // 两市 in a later paragraph is still that partner and the home.
                        _ => {
                            if let [one] = &self.partners[..] {
                                carry_buf = vec![one.clone()];
                                counterparts = carry_buf.iter().collect();
                                carried = true;
                            }
                        }
                    }
                }
            } else {
                self.last_named = Some((
                    p.paragraph,
                    counterparts.iter().map(|f| (*f).clone()).collect(),
                ));
                // The report's partners below country level, each once.
                for f in &counterparts {
                    let country = f
                        .place
                        .is_some_and(|i| self.gaz.entry(i).level == Level::Country);
                    if !country
                        && !self
                            .partners
                            .iter()
                            .any(|g| g.place == f.place && g.unknown == f.unknown)
                    {
                        self.partners.push((*f).clone());
                    }
                }
            }
            let count = rules::count(r, clause);
            // 与美国、德国、俄罗斯等6个国外城市签订…: the countries say where the cities are;
            // the fact is the total, not an act with three countries.
            if count
                .as_ref()
                .is_some_and(|c| c.after_etc && any_in(&c.unit, r.words("place_unit")))
                && !counterparts.is_empty()
                && counterparts.iter().all(|f| {
                    f.place
                        .is_some_and(|i| self.gaz.entry(i).level == Level::Country)
                })
            {
                counterparts.clear();
            }
            let mut own_act = rules::act(r, clause, !counterparts.is_empty(), count.as_ref());
            // An act with no side named but a total after 等 (…等6个国外城市签订了意向书) states
            // the total.
            if counterparts.is_empty()
                && own_act.as_ref().is_some_and(|a| a.needs_counterpart)
                && count.as_ref().is_some_and(|c| c.after_etc)
            {
                let refine = r.refinement(Test::ActEtcTotal);
                own_act = own_act.map(|a| rules::Act {
                    kind: refine.kind,
                    rule: format!("{} ← {}", refine.id, a.rule),
                    needs_counterpart: false,
                    years_since: None,
                    document: None,
                    ..a
                });
            }
            // A visit goes abroad only to a place named after its verb: 洪都拉斯代表团访问福建
            // and 四国友城官方访问威海 are visits to China, received.
            if let Some(a) = own_act.as_ref().filter(|a| a.kind == "visit_abroad") {
                let verb_at = cs + a.trigger.0;
                // …率代表团对法国X进行访问: the place before the verb, the home's side leading.
                let refine = r.refinement(Test::VisitHome);
                let visited = counterparts.iter().any(|f| f.start >= verb_at)
                    || any_in(&raw, r.words(&refine.groups[0]));
                let home_named = self.home.is_some_and(|h| {
                    let name = strip_cn_suffix(&self.gaz.entry(h).name_zh).to_string();
                    raw[raw
                        .char_indices()
                        .nth(a.trigger.0)
                        .map(|(b, _)| b)
                        .unwrap_or(0)..]
                        .contains(name.as_str())
                });
                if !visited || home_named {
                    own_act = any_in(&raw, r.words(&refine.groups[1])).then(|| rules::Act {
                        kind: refine.kind,
                        rule: format!("{} ← {}", refine.id, a.rule),
                        needs_counterpart: true,
                        ..a.clone()
                    });
                }
            }
            // 其中市级5对、县级1对: sub-totals, each member with its own number, after a total
            // (or as one).
            let parts = lists::members(r, &folded, cs, ce);
            // Continents name a share of the total, not a side (其中亚洲地区8个).
            let no_side = counterparts.iter().all(|f| {
                f.place
                    .is_some_and(|i| self.gaz.entry(i).level == Level::Continent)
            });
            let subtotals = no_side
                && parts.len() >= 2
                && parts
                    .iter()
                    .all(|&(s, e)| rules::count(r, &folded[s..e]).is_some());
            // ,其中,省级13对,市级21对 / ,亚洲地区8个,欧洲14个: short clauses of a number each
            // after a total are its parts too.
            let refine = r.refinement(Test::Subtotals);
            let short_part = own_act.is_none()
                && no_side
                && had_total
                && count.is_some()
                && (starts_any(raw.trim_start(), r.words(&refine.groups[0]))
                    || raw.chars().count() <= 12);
            if (subtotals || short_part) && own_act.is_none() && had_total {
                own_act = Some(rules::Act {
                    kind: refine.kind,
                    rule: refine.id.clone(),
                    trigger: (0, clause.len()),
                    years_since: None,
                    document: None,
                    needs_counterpart: false,
                });
            }
            if own_act
                .as_ref()
                .is_some_and(|a| a.kind == "count_total" || count.is_some())
            {
                had_total = true;
                ties_total |= rules::names_ties(r, clause);
                self.last_total = Some((p.paragraph, ties_total));
            }
            // 截至1997年底, …共有34对: the date a total stands at, in a clause of its own.
            if own_act.is_none() {
                let t = raw.trim_start();
                if starts_any(t, r.words("as_of")) {
                    if let Some(y) = own_year.clone() {
                        as_of = Some(y);
                    }
                }
            }
            // A statement that opens a list ("…的12个城市:", "参加会见的嘉宾有:") names no
            // counterpart itself; its members, in the clauses after it, do.
            if counterparts.is_empty() && lists::opens_list(r, &folded, cs, ce) {
                let intro = own_act
                    .clone()
                    .or_else(|| rules::act(r, clause, true, count.as_ref()))
                    .map(|a| (a, cs, ce))
                    .or_else(|| pending.clone());
                if let Some((a, s0, e0)) = intro {
                    if let Some(kind) = lists::member_kind(r, &a, &folded[s0..e0], ties_total) {
                        list = Some(rules::Act {
                            kind,
                            rule: format!("{} ← {}", r.refinement(Test::ListMember).id, a.rule),
                            needs_counterpart: true,
                            years_since: None,
                            ..a
                        });
                    }
                }
            }
            if counterparts.is_empty() {
                if let Some(a) = &own_act {
                    pending = Some((a.clone(), cs, ce));
                }
            }
            let (act, member) = match (own_act, &list) {
                (None, Some(l)) if !counterparts.is_empty() => (l.clone(), true),
                (Some(a), _) => (a, false),
                (None, _) => {
                    if let Some(y) = own_year {
                        sentence_year = Some(y);
                    }
                    continue;
                }
            };
            if act.needs_counterpart && counterparts.is_empty() {
                if let Some(y) = own_year {
                    sentence_year = Some(y);
                }
                continue;
            }
            // A place visited is never carried: the visiting side of an earlier clause does
            // not go abroad (…共赴这场盛会).
            if carried && act.kind == "visit_abroad" {
                continue;
            }
            let act = if carried {
                rules::Act {
                    rule: format!("{} ← {}", r.refinement(Test::NamedEarlier).id, act.rule),
                    ..act
                }
            } else {
                act
            };
            // Members with their own dates (or numbers) are one fact each.
            let split_totals = subtotals && act.kind == "count_total";
            let parts = if lists::dated_members(&folded, &parts)
                || (member && act.kind == "tie_established")
                || split_totals
            {
                parts
            } else {
                vec![(cs, ce)]
            };
            if parts.len() == 1 {
                if let Some(y) = own_year.clone() {
                    sentence_year = Some(y);
                }
            }
            let one_part = parts.len() == 1;
            for (ps, pe) in parts {
                let counterparts = if one_part {
                    counterparts.clone()
                } else {
                    self.counterparts(&found, ps, pe)
                };
                if act.needs_counterpart && counterparts.is_empty() {
                    continue;
                }
                // A member of a list of ties is dated by its own words only: the statement's
                // year is when the total stood, not when each tie began.
                let own = year_of(r, &folded[ps..pe], header);
                // A total over a span of years stands at its end: 2011至2022年发展了23个.
                let own = match rules::range_end(r, &folded[ps..pe]) {
                    Some(y) if act.kind == "count_total" => Some((y, None)),
                    _ => own,
                };
                let part_count = rules::count(r, &folded[ps..pe]);
                // A tie stated as a standing fact (已与…, with a total) began before, at a
                // time the report does not give.
                // A tie is dated by the period only when the clause says it is new (新缔结,
                // 正式, 此次, 成为第N个…); a tie named in passing began at a time not given.
                let new_tie = any_in(&raw, r.words("new_tie"));
                // (第21个国际友好城市 counts this tie in: it is new, not a standing total.)
                let ordinal = count
                    .as_ref()
                    .is_some_and(|c| c.span.0 > 0 && clause[c.span.0 - 1] == '第');
                let standing = act.kind == "tie_established"
                    && ((count.is_some() && !ordinal)
                        || any_in(&raw, r.words("standing_tie"))
                        || !new_tie);
                let year_of_list = (member || standing) && act.kind == "tie_established";
                let year = match (own.clone(), year_of_list) {
                    (Some(y), _) => Some(y),
                    // A listed tie: only its own words date it.
                    (None, true) if member => None,
                    // A standing tie: a date the sentence gives, never the period.
                    (None, true) => own_year.clone().or_else(|| sentence_year.clone()),
                    // A total stands at the report's date: only a year in its own clause
                    // or in the 截至… clause before it.
                    (None, false) if act.kind == "count_total" => as_of.clone(),
                    (None, false) => own_year.clone().or_else(|| sentence_year.clone()),
                };
                let at = FactAt {
                    p,
                    header,
                    orig: &orig,
                    folded: &folded,
                    span: (ps, pe),
                    clause_span: (cs, ce),
                    planned_paragraph,
                    home_district,
                    home_district_new,
                };
                let fact = self.fact(
                    at,
                    &act,
                    &counterparts,
                    if split_totals {
                        part_count.as_ref()
                    } else {
                        count.as_ref().filter(|_| !member)
                    },
                    year.clone(),
                    year_of_list,
                );
                facts.push(fact);
                // A second act of the same clause: the signing beside an anniversary, the tie
                // a signed twinning agreement makes; dated as the first.
                if one_part && !member && !counterparts.is_empty() {
                    for extra in rules::also(r, clause, &act, count.as_ref()) {
                        let total = extra.kind == "count_total";
                        // A total names no side, and stands at the report's date.
                        let (sides, n, y) = if total {
                            (
                                &[][..],
                                count.as_ref(),
                                own.clone().or_else(|| as_of.clone()),
                            )
                        } else {
                            (&counterparts[..], None, year.clone())
                        };
                        facts.push(self.fact(at, &extra, sides, n, y, false));
                    }
                }
            }
            if !carried && matches!(act.kind, "delegation_received" | "visit_abroad") {
                next_subject = Some(counterparts.iter().map(|f| (*f).clone()).collect());
            }
        }
        (mentions, facts)
    }

    /// The counterparts named inside `[s, e)`: foreign places (and new ones), not prefixes of
    /// a longer chain.
    pub(super) fn counterparts<'f>(
        &self,
        found: &'f [Found],
        s: usize,
        e: usize,
    ) -> Vec<&'f Found> {
        found
            .iter()
            .filter(|f| f.start >= s && f.end <= e && !f.prefix)
            .filter(|f| match (f.place, f.unknown) {
                (Some(i), _) => self.gaz.is_counterpart(i),
                (None, Some(u)) => self.unknown_is_counterpart(u),
                _ => false,
            })
            .collect()
    }

    /// One fact: the act of the clause (or list) at `at.span`, with its counterparts and year.
    pub(super) fn fact(
        &self,
        at: FactAt,
        act: &rules::Act,
        counterparts: &[&Found],
        count: Option<&rules::Count>,
        stated: Option<(i32, Option<String>)>,
        no_period: bool,
    ) -> Fact {
        let FactAt {
            p,
            header,
            orig,
            folded,
            span: (cs, ce),
            clause_span,
            planned_paragraph,
            home_district,
            home_district_new,
        } = at;
        {
            let clause = &folded[clause_span.0..clause_span.1];
            let clause_text: String = clause.iter().collect();
            let r = self.rules;
            let planned = planned_paragraph
                || any_in(&clause_text, r.words("planned"))
                // 落实…会议成果: a meeting whose outcomes are carried out was held before.
                || (act.kind == "conference" && any_in(&clause_text, r.words("outcome_word")));
            // Year: as the caller found it (stated in the clause or earlier in the sentence);
            // else the report's period (not for plans, whose time the report does not give,
            // nor for a listed tie, whose start the statement does not give).
            let (mut year, mut date) = match (&stated, planned) {
                (Some((y, d)), _) => (
                    Some(Year {
                        value: *y,
                        basis: "stated",
                        note: None,
                    }),
                    Some(stated_span(*y, d.as_deref())),
                ),
                (None, false) if !header.period_start.is_empty() && !no_period => (
                    Some(Year {
                        value: header.period_start[..4].parse().unwrap_or(0),
                        basis: "period",
                        note: None,
                    }),
                    Some(DateSpan {
                        value: None,
                        start: header.period_start.clone(),
                        end: header.period_end.clone(),
                        basis: "period",
                    }),
                ),
                _ => (None, None),
            };
            if let (Some(n), Some(y)) = (act.years_since, &year) {
                let celebrated = y.value;
                year = Some(Year {
                    value: celebrated - n,
                    basis: "derived",
                    note: Some(format!(
                        "{n}th anniversary in {celebrated}: {celebrated} - {n}"
                    )),
                });
            }
            if act.kind == "count_total" && stated.is_none() {
                // A total stands at the report's date, not in its period.
                date = None;
                year = year.filter(|_| !planned);
            }
            let partial = any_in(&clause_text, r.words("etc"));
            let home = match (home_district, home_district_new) {
                (Some(d), _) => self.place_ref(Some(d), None),
                (None, Some(u)) => self.place_ref(None, Some(u)),
                _ => self.place_ref(self.home, None),
            };
            // A country (or region) that another counterpart lies in is that one's context, not
            // a side of its own: 俄勒冈州是天津在美国的第一个友好州.
            let counterparts: Vec<&Found> = counterparts
                .iter()
                .copied()
                .filter(|f| {
                    let Some(i) = f.place else { return true };
                    !counterparts.iter().any(|g| match (g.place, g.unknown) {
                        (Some(j), _) => j != i && self.gaz.within(j, i),
                        (None, Some(u)) => {
                            self.unknown[u].parent.as_deref() == Some(self.gaz.entry(i).id.as_str())
                        }
                        _ => false,
                    })
                })
                .collect();
            let cps: Vec<PlaceRef> = counterparts
                .iter()
                .map(|f| self.place_ref(f.place, f.unknown))
                .fold(Vec::new(), |mut v, r| {
                    if !v.iter().any(|x: &PlaceRef| x.id == r.id) {
                        v.push(r);
                    }
                    v
                });
            let mut confidence: f64 = 0.9;
            for f in counterparts {
                confidence = confidence.min(f.confidence);
            }
            if planned {
                confidence *= 0.9;
            }
            let quote = trim_quote(&orig[cs..ce]);
            let rule = match &act.document {
                Some(d) => format!("{} → {d}", act.rule),
                None => act.rule.clone(),
            };
            Fact {
                report: header.id.clone(),
                passage: p.id.clone(),
                quote,
                kind: act.kind,
                home,
                counterparts: cps,
                year,
                date,
                count: count.map(|c| Count {
                    value: c.value,
                    unit: c.unit.clone(),
                }),
                partial,
                rule,
                confidence: (confidence * 100.0).round() / 100.0,
            }
        }
    }
}

/// The year a text states: written out (2022年3月), or relative to the report's year (去年,
/// 今年; the report's date, else its period).
pub(super) fn year_of(r: &Rules, text: &[char], header: &Header) -> Option<(i32, Option<String>)> {
    if let Some(y) = rules::stated_year(text) {
        return Some(y);
    }
    let offset = rules::relative_year(r, text)?;
    let base: i32 = header
        .date
        .as_deref()
        .or(Some(header.period_start.as_str()))
        .and_then(|d| d.get(..4)?.parse().ok())?;
    Some((base + offset, None))
}

pub(super) fn stated_span(y: i32, d: Option<&str>) -> DateSpan {
    match d {
        Some(day) if day.len() == 10 => DateSpan {
            value: Some(day.to_string()),
            start: day.to_string(),
            end: day.to_string(),
            basis: "stated",
        },
        Some(month) if month.len() == 7 => {
            let m: u32 = month[5..].parse().unwrap_or(1);
            let last = (28..=31)
                .rev()
                .find(|d| crate::ingest::is_valid_date(&format!("{month}-{d:02}")))
                .unwrap_or(28);
            let _ = m;
            DateSpan {
                value: Some(month.to_string()),
                start: format!("{month}-01"),
                end: format!("{month}-{last:02}"),
                basis: "stated",
            }
        }
        _ => DateSpan {
            value: None,
            start: format!("{y:04}-01-01"),
            end: format!("{y:04}-12-31"),
            basis: "stated",
        },
    }
}

/// Clauses: char ranges between , ; : 。 outside “quotes”, 《titles》 and (brackets).
pub(super) fn clauses(folded: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, &c) in folded.iter().enumerate() {
        match c {
            '“' | '《' | '(' | '「' | '【' => depth += 1,
            '”' | '》' | ')' | '」' | '】' => depth = (depth - 1).max(0),
            ',' | ';' | ':' | '。' | '!' | '?' if depth == 0 => {
                if i > start {
                    out.push((start, i));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < folded.len() {
        out.push((start, folded.len()));
    }
    out
}

/// The clause as written, without surrounding spaces and list numbers ("2.").
pub(super) fn trim_quote(chars: &[char]) -> String {
    let s: String = chars.iter().collect();
    let t = s.trim_matches(|c: char| c.is_whitespace() || "|、".contains(c));
    t.to_string()
}
