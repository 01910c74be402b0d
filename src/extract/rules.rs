//! The acts analysts ask about, recognised clause by clause: the rules of `rules/acts.tsv`
//! (each a test over groups of words of `rules/words.tsv`: 会见, 接待…来访, 签署 + a document
//! noun, 结好N周年, …) over the clause's folded text, with the clause's place mentions as
//! counterparts. Each rule has an id, written into the fact it makes with the words that fired.
//!
//! One clause (text between , ; : outside quotes and titles) gives one act: the first rule, in
//! the file's order, that fires; [`also`] adds the acts that come with it (a signing beside an
//! anniversary, the tie of a signed twinning agreement, the total a tie or agreement states with
//! its number). This module holds how each test puts its words
//! together; the words and the order are the file's. Facts are built in `mod.rs`; this module
//! only says which act a clause states and what it counts.

use super::rulebook::{
    any_in, chars_end_any, chars_start_any, find_any, first_in, has_any, has_char, starts_any,
    Rule, Rules, Test, Word,
};

/// The kinds of fact (the `kind` column of `rules/acts.tsv`, and the kinds review lists).
pub const KINDS: &[&str] = &[
    "anniversary",
    "agreement_signed",
    "tie_established",
    "leader_meeting",
    "delegation_received",
    "visit_abroad",
    "conference",
    "event_held",
    "exchange_cooperation",
    "count_total",
];

/// What a clause states, for the fact builder.
#[derive(Clone, Debug, PartialEq)]
pub struct Act {
    pub kind: &'static str,
    pub rule: String,
    /// Char range of the trigger words in the clause (for the quote).
    pub trigger: (usize, usize),
    /// The anniversary's ordinal (结好30周年 → 30).
    pub years_since: Option<i32>,
    /// The agreement's document kind (备忘录 → memorandum).
    pub document: Option<String>,
    /// Whether the act needs a counterpart to be a fact.
    pub needs_counterpart: bool,
}

/// A stated total in a clause: "128个党宾国宾团组", "等13个城市", "信息17条".
#[derive(Clone, Debug, PartialEq)]
pub struct Count {
    pub value: u64,
    pub unit: String,
    /// Char range in the clause.
    pub span: (usize, usize),
    /// Preceded by 等 (the list before it is partial).
    pub after_etc: bool,
}

/// The act a clause states, if any: the first rule of `r` that fires. `has_counterpart` says
/// whether the clause names a place on the other side; `count` is its stated total.
pub fn act(
    r: &Rules,
    clause: &[char],
    has_counterpart: bool,
    count: Option<&Count>,
) -> Option<Act> {
    r.clause_rules()
        .iter()
        .find_map(|rule| fire(r, rule, clause, has_counterpart, count))
}

/// More acts the clause states beside `act`: a signing beside an anniversary (两市市长签署了
/// "结好40周年协议书"), the tie a signed twinning agreement establishes (签署友好城市协议书), and
/// the total a tie or an agreement states with its number (…等26个国家…建立了34对友好城市;
/// 成为成都第38个国际友好城市; 双方共签订协议书29份). The refinements `also_signing`,
/// `twinning_agreement` and `act_total` of `rules/acts.tsv` say with which words.
pub fn also(r: &Rules, clause: &[char], act: &Act, count: Option<&Count>) -> Vec<Act> {
    let mut out = Vec::new();
    if act.kind == "agreement_signed" {
        let rule = r.refinement(Test::TwinningAgreement);
        if let Some((s, e, w)) = find_any(clause, r.words(&rule.groups[0])) {
            out.push(Act {
                kind: rule.kind,
                rule: format!("{}: {} ← {}", rule.id, w.text, act.rule),
                trigger: (s, e),
                years_since: None,
                document: None,
                needs_counterpart: true,
            });
        }
    } else if !matches!(act.kind, "count_total" | "tie_established") {
        let refine = r.refinement(Test::AlsoSigning);
        let mut signing = refine.clone();
        signing.test = Test::Signing;
        if let Some(x) = fire(r, &signing, clause, true, None) {
            out.push(Act {
                rule: format!("{} ← {}", x.rule, act.rule),
                ..x
            });
        }
    }
    if let Some(c) = count {
        let rule = r.refinement(Test::ActTotal);
        let whole: String = clause.iter().collect();
        let states_total = match act.kind {
            "tie_established" => true,
            "agreement_signed" => any_in(&whole, r.words(&rule.groups[0])),
            _ => false,
        };
        if states_total && !c.after_etc {
            out.push(Act {
                kind: rule.kind,
                rule: format!("{} ← {}", rule.id, act.rule),
                trigger: c.span,
                years_since: None,
                document: None,
                needs_counterpart: false,
            });
        }
    }
    out
}

/// One rule on one clause: its test over its groups.
fn fire(
    r: &Rules,
    rule: &Rule,
    clause: &[char],
    has_counterpart: bool,
    count: Option<&Count>,
) -> Option<Act> {
    let g = |k: usize| r.words(&rule.groups[k]);
    let a = |detail: String, trigger, needs| Act {
        kind: rule.kind,
        rule: if detail.is_empty() {
            rule.id.clone()
        } else {
            format!("{}: {detail}", rule.id)
        },
        trigger,
        years_since: None,
        document: None,
        needs_counterpart: needs,
    };
    let cp = has_counterpart;
    match rule.test {
        // 结好30周年 (and 友好城市关系N周年): the tie's start year is derived.
        Test::Anniversary => {
            let (n, span, before, mark) = anniversary(clause, g(0), g(1))?;
            let mut x = a(format!("{before} + {n}{mark}"), span, true);
            x.years_since = Some(n);
            Some(x)
        }
        // 签署 + a document noun after it; the first noun, the longest where two start together.
        Test::Signing => {
            let (vs, ve, verb) = find_any(clause, g(0))?;
            let after = &clause[ve..];
            let (doc, at) = g(1)
                .iter()
                .filter_map(|d| super::rulebook::find(after, &d.chars).map(|i| (d, i)))
                .min_by_key(|(d, i)| (*i, std::cmp::Reverse(d.chars.len())))?;
            let end = ve + at + doc.chars.len();
            let mut x = a(format!("{} + {}", verb.text, doc.text), (vs, end), true);
            x.document = Some(doc.value.clone());
            Some(x)
        }
        Test::TiePhrase | Test::TiePhraseTotal => {
            let (s, e, w) = tie_phrase(clause, g(0), g(1), g(2))?;
            match (rule.test, cp, count) {
                (Test::TiePhrase, true, _) => Some(a(w.text.clone(), (s, e), true)),
                (Test::TiePhraseTotal, false, Some(_)) => Some(a(w.text.clone(), (s, e), false)),
                _ => None,
            }
        }
        // 建立了34对友好城市, 缔结…国际友城: the verb and the tie's noun apart.
        Test::VerbNounApart => {
            if !cp {
                return None;
            }
            let (vs, ve, verb) = find_any(clause, g(0))?;
            let (_, _, noun) = find_any(&clause[ve..], g(1))?;
            Some(a(format!("{} … {}", verb.text, noun.text), (vs, ve), true))
        }
        Test::Word => {
            let (s, e, w) = find_any(clause, g(0))?;
            Some(a(w.text.clone(), (s, e), true))
        }
        // 接待来访外宾共28批次: a total of delegations when none is named.
        Test::BothTotal | Test::Both => {
            let (s, e, first) = find_any(clause, g(0))?;
            let (_, _, second) = find_any(clause, g(1))?;
            let detail = format!("{} + {}", first.text, second.text);
            match (rule.test, cp, count) {
                (Test::BothTotal, false, Some(c)) => Some(a(detail, c.span, false)),
                (Test::Both, _, _) => Some(a(detail, (s, e), true)),
                _ => None,
            }
        }
        Test::PhraseUnless => {
            let (s, e, w) = find_any(clause, g(0))?;
            (find_any(clause, g(1)).is_none() || cp).then(|| a(w.text.clone(), (s, e), true))
        }
        Test::VerbNotAfter => {
            let (s, e, w) = find_any(clause, g(0))?;
            (!chars_end_any(&clause[..s], g(1))).then(|| a(w.text.clone(), (s, e), true))
        }
        Test::NamedMeeting => {
            let c = conference(clause, g(0), g(1), g(2), g(3))?;
            let international = has_any(clause, g(4));
            (cp || international).then(|| {
                let word: String = clause[c.0..c.1].iter().collect();
                a(word, c, !international)
            })
        }
        Test::HoldAndNoun => {
            let (hs, he, hold) = find_any(clause, g(0))?;
            let (ns, ne, noun) = find_any(clause, g(1))?;
            cp.then(|| {
                a(
                    format!("{} + {}", hold.text, noun.text),
                    (hs.min(ns), he.max(ne)),
                    true,
                )
            })
        }
        // 与/同 + place + 交流/合作, or the two sides by name: 双方就…合作达成一致, 两市在…合作.
        Test::Cooperation => {
            if !cp {
                return None;
            }
            let (_, _, word) = find_any(clause, g(0))?;
            let (s, e, side) = find_any(clause, g(1))?;
            Some(a(format!("{} + {}", side.text, word.text), (s, e), true))
        }
        // 友好城市达到27个, 共有友城15对, 发展了23个国际友好城市: a total of ties in other words.
        Test::TiesTotal => {
            let c = count?;
            // Pairs (发展27对) are friendship ties in these reports, with or without 友城.
            let pairs = starts_any(&c.unit, r.words("pair_unit"));
            if cp || !(names_ties(r, clause) || pairs) {
                return None;
            }
            let whole: String = clause.iter().collect();
            let w = first_in(&whole, g(0))?;
            Some(a(w.text.clone(), c.span, false))
        }
        Test::EtcTotal => {
            let c = count?;
            (c.after_etc && !cp).then(|| a(String::new(), c.span, false))
        }
        Test::ActEtcTotal
        | Test::VisitHome
        | Test::Subtotals
        | Test::ListMember
        | Test::NamedEarlier
        | Test::AlsoSigning
        | Test::TwinningAgreement
        | Test::ActTotal => None,
    }
}

/// A tie phrase; a bare one (缔结 alone: a treaty is not a tie) only with a word near it.
fn tie_phrase<'w>(
    clause: &[char],
    phrase: &'w [Word],
    bare: &[Word],
    near: &[Word],
) -> Option<(usize, usize, &'w Word)> {
    let (s, e, w) = find_any(clause, phrase)?;
    let is_bare = bare.iter().any(|b| b.chars == w.chars);
    (!is_bare || has_any(clause, near)).then_some((s, e, w))
}

/// Whether a clause speaks of friendship-city ties (for a total that opens a list of them).
pub fn names_ties(r: &Rules, clause: &[char]) -> bool {
    has_any(clause, r.words("tie")) || has_any(clause, r.words("ties_word"))
}

/// 结好N周年 / 友好城市关系N周年, with N, the span, the word before and the mark.
fn anniversary<'w>(
    clause: &[char],
    mark: &'w [Word],
    before_words: &'w [Word],
) -> Option<(i32, (usize, usize), &'w str, &'w str)> {
    let (at, end, m) = find_any(clause, mark)?;
    let mut i = at;
    while i > 0 && clause[i - 1].is_ascii_digit() {
        i -= 1;
    }
    let n: i32 = clause[i..at].iter().collect::<String>().parse().ok()?;
    let before: String = clause[i.saturating_sub(8)..i].iter().collect();
    let w = first_in(&before, before_words)?;
    Some((
        n,
        (i.saturating_sub(2), end),
        w.text.as_str(),
        m.text.as_str(),
    ))
}

/// A named meeting: a conference noun with at least two characters of name before it.
fn conference(
    clause: &[char],
    nouns: &[Word],
    venue: &[Word],
    generic_words: &[Word],
    hold: &[Word],
) -> Option<(usize, usize)> {
    // The first conference noun that is not a venue's name (国家会议中心, 会议室).
    let mut from = 0;
    let (s, e) = loop {
        let (s, e, _) =
            find_any(&clause[from..], nouns).map(|(s, e, w)| (s + from, e + from, w))?;
        if !chars_start_any(&clause[e..], venue) {
            break (s, e);
        }
        from = e;
    };
    // Walk back over the name (Han characters, digits, 第, 届, 次), to a verb of holding.
    let mut i = s;
    while i > 0 {
        let c = clause[i - 1];
        if super::text::is_han(c) || c.is_ascii_digit() || c == '·' {
            if chars_end_any(&clause[..i], hold) {
                break;
            }
            i -= 1;
        } else {
            break;
        }
    }
    let name_len = s - i;
    let name: String = clause[i..s].iter().collect();
    let generic = name_len == 0 || super::rulebook::ends_any(&name, generic_words);
    (!generic)
        .then_some((i.max(s.saturating_sub(12)), e))
        .filter(|_| name_len >= 2)
}

/// The stated total of a clause: digits + unit, optionally after 等 ("等128个党宾国宾团组",
/// "等信息17条"). Counts of years (30周年), percentages and dates are not totals.
pub fn count(r: &Rules, clause: &[char]) -> Option<Count> {
    let (units, stop) = (r.words("unit"), r.words("unit_stop"));
    let mut i = 0;
    let mut best = None;
    while i < clause.len() {
        if !clause[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let s = i;
        while i < clause.len() && clause[i].is_ascii_digit() {
            i += 1;
        }
        let digits_end = i;
        // "60多批次", "450多批", "3万余人": an approximate total is counted at its number.
        if i < clause.len() && has_char(r.words("count_approx"), clause[i]) {
            i += 1;
        }
        // The first unit of the group that follows the digits.
        let Some(unit) = units.iter().find(|u| clause[i..].starts_with(&u.chars)) else {
            continue;
        };
        let after: String = clause[i..clause.len().min(i + 6)].iter().collect();
        if any_in(&after, r.words("not_count_within"))
            || starts_any(&after, r.words("not_count_unit"))
        {
            continue;
        }
        let Ok(value) = clause[s..digits_end]
            .iter()
            .collect::<String>()
            .parse::<u64>()
        else {
            continue;
        };
        // The unit runs on to the next delimiter ("个党宾国宾团组"), at most 10 characters.
        let mut e = i + unit.chars.len();
        while e < clause.len()
            && e < i + 10
            && super::text::is_han(clause[e])
            && !has_char(stop, clause[e])
        {
            e += 1;
        }
        let before: String = clause[s.saturating_sub(6)..s].iter().collect();
        let after_etc = any_in(&before, r.words("etc"));
        let unit_text: String = clause[i..e].iter().collect();
        let c = Count {
            value,
            unit: unit_text,
            span: (s, e),
            after_etc,
        };
        // The larger total of "与33个国家的40个城市" is the one counted: the last one; but
        // "28批次、210人次" counts the groups, not the people.
        let people = starts_any(&c.unit, r.words("people_unit"));
        if !(people
            && best
                .as_ref()
                .is_some_and(|b: &Count| !starts_any(&b.unit, r.words("people_unit_replaced"))))
        {
            best = Some(c);
        }
    }
    best
}

/// The 4-digit years a clause states (2019年, 2024 in "2024京澳合作伙伴行动").
/// A span of years, "2011至2022年", "2011年—2022年", "2011-2022年": the last year (a total
/// the span reaches stands at its end).
pub fn range_end(r: &Rules, clause: &[char]) -> Option<i32> {
    let years = years(clause);
    let seps = r.words("range_sep");
    years.windows(2).find_map(|w| {
        let between: String = clause[w[0].0 + 4..w[1].0].iter().collect();
        let between = between.trim_start_matches('年');
        (seps.iter().any(|s| s.text == between) && w[1].1 > w[0].1).then_some(w[1].1)
    })
}

/// Every four-digit year (1900–2100) written in `clause`, with its offset.
fn years(clause: &[char]) -> Vec<(usize, i32)> {
    let mut out = Vec::new();
    for i in 0..clause.len().saturating_sub(3) {
        if clause[i..i + 4].iter().all(|c| c.is_ascii_digit())
            && (i == 0 || !clause[i - 1].is_ascii_digit())
            && clause.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
        {
            if let Ok(y) = clause[i..i + 4].iter().collect::<String>().parse::<i32>() {
                if (1900..=2100).contains(&y) {
                    out.push((i, y));
                }
            }
        }
    }
    out
}

/// A year given relative to the report's (去年, 今年: the group `relative_year`, the offset in
/// years as value; the first word of the group the clause has).
pub fn relative_year(r: &Rules, clause: &[char]) -> Option<i32> {
    let s: String = clause.iter().collect();
    first_in(&s, r.words("relative_year")).map(|w| w.value.parse().unwrap_or(0))
}

pub fn stated_year(clause: &[char]) -> Option<(i32, Option<String>)> {
    let (i, y) = *years(clause).first()?;
    let rest: String = clause[i + 4..clause.len().min(i + 16)].iter().collect();
    let rest = rest.replace(' ', "");
    Some((y, month_day(y, &rest)))
}

/// 年3月 → `2019-03`; 年11月8日 → `2021-11-08`.
fn month_day(y: i32, rest: &str) -> Option<String> {
    let r = rest.strip_prefix('年')?;
    let m_end = r.find('月')?;
    let m: u32 = r[..m_end].parse().ok()?;
    if !(1..=12).contains(&m) {
        return None;
    }
    let r = &r[m_end + '月'.len_utf8()..];
    if let Some(d_end) = r.find(['日', '号']) {
        if let Ok(d) = r[..d_end].parse::<u32>() {
            let date = format!("{y:04}-{m:02}-{d:02}");
            if crate::ingest::is_valid_date(&date) {
                return Some(date);
            }
        }
    }
    Some(format!("{y:04}-{m:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn kinds_of_clauses() {
        let r = Rules::embedded();
        let k = |s: &str, cp: bool| act(r, &c(s), cp, count(r, &c(s)).as_ref()).map(|a| a.kind);
        assert_eq!(
            k("市主要领导会见西班牙马德里等城市领导人", true),
            Some("leader_meeting")
        );
        assert_eq!(
            k("与明斯克签署两市合作发展计划", true),
            Some("agreement_signed")
        );
        assert_eq!(
            k("在京举办与河内结好30周年系列活动", true),
            Some("anniversary")
        );
        assert_eq!(
            k(
                "接待越南河内、白俄罗斯明斯克等11批次外国城市代表团来访",
                true
            ),
            Some("delegation_received")
        );
        assert_eq!(
            k("目前已与42个国家的67个城市建立了友好关系", false),
            Some("count_total")
        );
        assert_eq!(k("动态更新友城工作项目库", false), None);
    }

    #[test]
    fn totals_and_years() {
        let r = Rules::embedded();
        let t = count(r, &c("完成安哥拉总统洛伦索等128个党宾国宾团组的接待任务")).unwrap();
        assert_eq!(
            (t.value, t.unit.as_str(), t.after_etc),
            (128, "个党宾国宾团组", true)
        );
        assert!(count(r, &c("结好30周年")).is_none());
        assert_eq!(
            stated_year(&c("2021年 11月8日至13日")),
            Some((2021, Some("2021-11-08".into())))
        );
        assert_eq!(
            stated_year(&c("1974年2月1日")),
            Some((1974, Some("1974-02-01".into())))
        );
    }
}
