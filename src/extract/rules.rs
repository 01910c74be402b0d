//! The acts analysts ask about, recognised clause by clause: a verb pattern (会见, 接待…来访,
//! 签署 + a document noun, 结好N周年, …) over the clause's folded text, with the clause's place
//! mentions as counterparts. Each rule has a name, written into the fact it makes.
//!
//! One clause (text between , ; : outside quotes and titles) gives at most one act: the first
//! rule of [`KINDS`] order that fires. Facts are built in `mod.rs`; this module only says
//! which act a clause states and what it counts.

/// The kinds, in the order rules are tried on a clause.
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
    pub document: Option<&'static str>,
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

fn find(hay: &[char], needle: &str) -> Option<usize> {
    let n: Vec<char> = needle.chars().collect();
    if n.is_empty() || n.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - n.len()).find(|&i| hay[i..i + n.len()] == n[..])
}

fn find_any(hay: &[char], needles: &[&str]) -> Option<(usize, usize)> {
    needles
        .iter()
        .filter_map(|n| find(hay, n).map(|i| (i, i + n.chars().count())))
        .min()
}

fn has_any(hay: &[char], needles: &[&str]) -> bool {
    find_any(hay, needles).is_some()
}

/// Words that make a clause a plan or a wish rather than a done act.
pub const PLANNING: &[&str] = &[
    "筹备",
    "拟",
    "计划于",
    "将于",
    "争取",
    "力争",
    "推动签署",
    "推进签署",
    "商签",
    "草拟",
    "起草",
    "对接",
    "准备",
    "谋划",
    "推进与",
    "推动与",
    "研究制定",
];

/// Document nouns and their kinds, longest first.
const DOCUMENTS: &[(&str, &str)] = &[
    ("友好城市关系协议书", "twinning_agreement"),
    ("友好城市协议书", "twinning_agreement"),
    ("合作备忘录", "memorandum"),
    ("谅解备忘录", "memorandum"),
    ("备忘录", "memorandum"),
    ("意向书", "letter_of_intent"),
    ("协议书", "agreement"),
    ("合作协议", "cooperation_agreement"),
    ("框架协议", "framework_agreement"),
    ("协议", "agreement"),
    ("协定", "agreement"),
    ("合作计划", "cooperation_plan"),
    ("发展计划", "cooperation_plan"),
    ("行动计划", "action_plan"),
    ("计划", "cooperation_plan"),
    ("联合声明", "joint_statement"),
    ("宣言", "declaration"),
    ("声明", "declaration"),
    ("议定书", "protocol"),
    ("纪要", "minutes"),
    ("合同", "contract"),
    ("《", "agreement"),
];

const SIGN: &[&str] = &["签署", "签订", "签约", "续签", "草签", "签下"];
const TIE: &[&str] = &[
    "建立了国际友好城市关系",
    "建立国际友好城市关系",
    "结为国际友好城市",
    "缔结国际友好城市",
    "缔结友好城市关系",
    "缔结友好关系",
    "结为友好城市",
    "结成友好城市",
    "建立友好城市关系",
    "建立友好交流城市关系",
    "建立友好交流关系",
    "建立友好合作关系",
    "建立友城关系",
    "建立友好关系",
    "建立了友好城市关系",
    "建立了友好交流城市关系",
    "建立了友好关系",
    "建立了友好合作关系",
    "结好",
    "缔结",
];
const MEET: &[&str] = &[
    "会见", "会晤", "会谈", "接见", "见面", "座谈", "拜会", "会面",
];
const RECEIVE: &[&str] = &["接待", "迎接"];
const INCOMING: &[&str] = &[
    "来访",
    "代表团",
    "团组",
    "访问团",
    "来京",
    "来穗",
    "来杭",
    "来沪",
    "来华",
    "访华",
    "访京",
];
const ABROAD: &[&str] = &["出访", "访问", "赴", "前往", "率团"];
const CONFERENCE: &[&str] = &[
    "论坛",
    "峰会",
    "大会",
    "洽谈会",
    "研讨会",
    "博览会",
    "年会",
    "对话会",
    "圆桌会",
    "合作会议",
    "联席会议",
    "市长会议",
    "会议",
];
const ACTIVITY: &[&str] = &[
    "活动",
    "友谊节",
    "艺术节",
    "文化节",
    "电影节",
    "音乐节",
    "旅游节",
    "美食节",
    "节庆",
    "展览",
    "图片展",
    "展会",
    "画展",
    "摄影展",
    "艺术展",
    "演出",
    "培训班",
    "研修班",
    "行动",
    "活动周",
    "文化周",
    "比赛",
    "交流会",
    "推介会",
    "音乐会",
    "外长会",
    "招待会",
    "联谊会",
    "纪念会",
    "文化日",
    "庆典",
    "仪式",
];
const HOLD: &[&str] = &[
    "举办", "举行", "承办", "主办", "组织", "参加", "参与", "开展", "出席", "办好",
];
const COOPERATE: &[&str] = &["交流", "合作", "交往"];
/// Words that mark a named meeting as international when no counterpart is named.
const INTERNATIONAL: &[&str] = &[
    "国际",
    "全球",
    "世界",
    "亚洲",
    "亚太",
    "中外",
    "一带一路",
    "峰会",
    "多边",
    "友城",
];
/// Units a stated total is counted in.
/// Words that state a total: 达到, 共有, 发展了….
const TOTAL_WORDS: &[&str] = &[
    "达到",
    "共有",
    "已有",
    "现有",
    "发展了",
    "增至",
    "增加到",
    "总数",
    "累计",
    "共计",
    "总计",
    "达",
];
const UNITS: &[&str] = &[
    "批次", "个", "批", "条", "项", "场", "次", "名", "位", "人次", "家", "所", "座", "对",
];

/// The act a clause states, if any. `has_counterpart` says whether the clause names a place
/// on the other side; `count` is its stated total.
pub fn act(clause: &[char], has_counterpart: bool, count: Option<&Count>) -> Option<Act> {
    let a = |kind, rule: &str, trigger, needs| Act {
        kind,
        rule: rule.to_string(),
        trigger,
        years_since: None,
        document: None,
        needs_counterpart: needs,
    };
    // 结好30周年 (and 友好城市关系N周年, 建交N周年): the tie's start year is derived.
    if let Some((n, span)) = anniversary(clause) {
        let mut x = a(
            "anniversary",
            "anniversary: 结好/友好关系 + N周年",
            span,
            true,
        );
        x.years_since = Some(n);
        return Some(x);
    }
    if let Some(sign) = find_any(clause, SIGN) {
        let after = &clause[sign.1..];
        if let Some((doc, kind, at)) = DOCUMENTS
            .iter()
            .filter_map(|(d, k)| find(after, d).map(|i| (*d, *k, i)))
            .min_by_key(|(d, _, i)| (*i, std::cmp::Reverse(d.chars().count())))
        {
            let end = sign.1 + at + doc.chars().count();
            let mut x = a(
                "agreement_signed",
                &format!(
                    "agreement_signed: {} + {doc}",
                    clause[sign.0..sign.1].iter().collect::<String>()
                ),
                (sign.0, end),
                true,
            );
            x.document = Some(kind);
            return Some(x);
        }
    }
    if let Some(t) = find_any(clause, TIE) {
        let word: String = clause[t.0..t.1].iter().collect();
        // 缔结 and 结好 alone only with 友好/城市 nearby ("缔结" a treaty is not a tie).
        let bare = word == "缔结" || word == "结好";
        if !bare || has_any(clause, &["友好", "友城", "姐妹城市"]) || word == "结好" {
            if has_counterpart {
                return Some(a(
                    "tie_established",
                    &format!("tie_established: {word}"),
                    t,
                    true,
                ));
            }
            if count.is_some() {
                return Some(a(
                    "count_total",
                    &format!("count_total: N + {word}"),
                    t,
                    false,
                ));
            }
        }
    }
    // 建立了34对友好城市, 缔结…国际友城: the verb and the tie's noun apart.
    if has_counterpart {
        if let Some(v) = find_any(clause, &["建立", "缔结", "结为", "结成"]) {
            if has_any(
                &clause[v.1..],
                &["友好城市", "友城", "姐妹城市", "友好省", "友好州"],
            ) {
                let word: String = clause[v.0..v.1].iter().collect();
                return Some(a(
                    "tie_established",
                    &format!("tie_established: {word} … 友好城市"),
                    v,
                    true,
                ));
            }
        }
    }
    if let Some(m) = find_any(clause, MEET) {
        return Some(a(
            "leader_meeting",
            &format!(
                "leader_meeting: {}",
                clause[m.0..m.1].iter().collect::<String>()
            ),
            m,
            true,
        ));
    }
    if let (Some(r), Some(_)) = (find_any(clause, RECEIVE), find_any(clause, INCOMING)) {
        // 接待来访外宾共28批次: a total of delegations when none is named.
        if let (false, Some(c)) = (has_counterpart, count) {
            return Some(a(
                "count_total",
                "count_total: 接待 + 来访/团组 + N",
                c.span,
                false,
            ));
        }
        return Some(a(
            "delegation_received",
            "delegation_received: 接待 + 来访/代表团/团组",
            r,
            true,
        ));
    }
    // 来京 / 访京 stand for the home's own character too (访津 in Tianjin: the fact builder
    // writes the home's character as 京 in the copy it matches).
    if let Some(i) = find_any(
        clause,
        &[
            "代表团来访",
            "代表团访问",
            "来京访问",
            "来访",
            "访京",
            "抵京",
            "莅京",
            "到京",
            "访问我市",
            "来我市",
            "到访我市",
            "莅临我市",
            "访问我区",
            "来我区",
            "访问我省",
            "来我省",
            "访问我州",
            "来我州",
        ],
    ) {
        if find_any(clause, &["参观访问"]).is_none() || has_counterpart {
            return Some(a(
                "delegation_received",
                "delegation_received: 代表团来访",
                i,
                true,
            ));
        }
    }
    if let Some(v) = find_any(clause, ABROAD) {
        let incoming = v.0 > 0 && matches!(clause[v.0 - 1], '来' | '参' | '互');
        if !incoming {
            return Some(a(
                "visit_abroad",
                &format!(
                    "visit_abroad: {}",
                    clause[v.0..v.1].iter().collect::<String>()
                ),
                v,
                true,
            ));
        }
    }
    if let Some(c) = conference(clause) {
        let named = true;
        let international = has_any(clause, INTERNATIONAL);
        if named && (has_counterpart || international) {
            let word: String = clause[c.0..c.1].iter().collect();
            return Some(a(
                "conference",
                &format!("conference: named {word}"),
                c,
                !international,
            ));
        }
    }
    if let (Some(h), Some(act)) = (find_any(clause, HOLD), find_any(clause, ACTIVITY)) {
        if has_counterpart {
            let word: String = clause[h.0..h.1].iter().collect();
            return Some(a(
                "event_held",
                &format!("event_held: {word} + activity"),
                (h.0.min(act.0), h.1.max(act.1)),
                true,
            ));
        }
    }
    if has_counterpart && has_any(clause, COOPERATE) {
        // 与/同 + place + 交流/合作, or the two sides by name: 双方就…合作达成一致, 两市在…合作.
        if let Some(w) = find_any(clause, &["与", "同", "双方", "两市", "两地", "两城"]) {
            return Some(a(
                "exchange_cooperation",
                "exchange_cooperation: 与 + place + 交流/合作",
                w,
                true,
            ));
        }
    }
    if let Some(c) = count {
        // 友好城市达到27个, 共有友城15对, 发展了23个国际友好城市: a total of ties in other words.
        if !has_counterpart && names_ties(clause) {
            let before: String = clause[c.span.0.saturating_sub(8)..c.span.0]
                .iter()
                .collect();
            let total = TOTAL_WORDS.iter().find(|w| {
                before.contains(*w) || {
                    let whole: String = clause.iter().collect();
                    whole.contains(*w)
                }
            });
            if let Some(w) = total {
                return Some(a(
                    "count_total",
                    &format!("count_total: {w} + N + 友好城市"),
                    c.span,
                    false,
                ));
            }
        }
        if c.after_etc && !has_counterpart {
            return Some(a(
                "count_total",
                "count_total: 等 + N + unit",
                c.span,
                false,
            ));
        }
    }
    None
}

/// Whether a clause speaks of friendship-city ties (for a total that opens a list of them).
pub fn names_ties(clause: &[char]) -> bool {
    find_any(clause, TIE).is_some() || has_any(clause, &["友好城", "友城", "姐妹城市"])
}

/// 结好N周年 / 友好城市关系N周年 / 建交N周年, with N.
fn anniversary(clause: &[char]) -> Option<(i32, (usize, usize))> {
    let at = find(clause, "周年")?;
    let mut i = at;
    while i > 0 && clause[i - 1].is_ascii_digit() {
        i -= 1;
    }
    let n: i32 = clause[i..at].iter().collect::<String>().parse().ok()?;
    let before: String = clause[i.saturating_sub(8)..i].iter().collect();
    ["结好", "友好城市", "友城", "友好关系", "缔结", "结为"]
        .iter()
        .any(|w| before.contains(w))
        .then_some((n, (i.saturating_sub(2), at + 2)))
}

/// A named meeting: a conference noun with at least two characters of name before it.
fn conference(clause: &[char]) -> Option<(usize, usize)> {
    // The first conference noun that is not a venue's name (国家会议中心, 会议室).
    let mut from = 0;
    let (s, e) = loop {
        let (s, e) = find_any(&clause[from..], CONFERENCE).map(|(s, e)| (s + from, e + from))?;
        let after: String = clause[e..clause.len().min(e + 2)].iter().collect();
        let venue = ["中心", "厅", "室", "楼", "馆", "场", "大厦", "酒店"]
            .iter()
            .any(|v| after.starts_with(v));
        if !venue {
            break (s, e);
        }
        from = e;
    };
    // Walk back over the name (Han characters, digits, 第, 届, 次).
    let mut i = s;
    while i > 0 {
        let c = clause[i - 1];
        if super::text::is_han(c) || c.is_ascii_digit() || c == '·' {
            if HOLD.iter().any(|h| {
                let n = h.chars().count();
                i >= n && clause[i - n..i].iter().collect::<String>() == *h
            }) {
                break;
            }
            i -= 1;
        } else {
            break;
        }
    }
    let name_len = s - i;
    let generic = name_len == 0
        || ["相关", "有关", "重要", "各类", "各项"]
            .iter()
            .any(|g| clause[i..s].iter().collect::<String>().ends_with(g));
    (!generic)
        .then_some((i.max(s.saturating_sub(12)), e))
        .filter(|_| name_len >= 2)
}

/// The stated total of a clause: digits + unit, optionally after 等 ("等128个党宾国宾团组",
/// "等信息17条"). Counts of years (30周年), percentages and dates are not totals.
pub fn count(clause: &[char]) -> Option<Count> {
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
        let rest: String = clause[i..clause.len().min(i + 3)].iter().collect();
        let Some(unit) = UNITS.iter().find(|u| rest.starts_with(*u)) else {
            continue;
        };
        let after: String = clause[i..clause.len().min(i + 6)].iter().collect();
        if after.contains("周年") || after.starts_with("个月") || after.starts_with("项目") {
            continue;
        }
        let Ok(value) = clause[s..i].iter().collect::<String>().parse::<u64>() else {
            continue;
        };
        // The unit runs on to the next delimiter ("个党宾国宾团组"), at most 10 characters.
        let mut e = i + unit.chars().count();
        while e < clause.len()
            && e < i + 10
            && super::text::is_han(clause[e])
            && !"的在和与及等,、来".contains(clause[e])
        {
            e += 1;
        }
        let before: String = clause[s.saturating_sub(6)..s].iter().collect();
        let after_etc = before.contains('等');
        let unit_text: String = clause[i..e].iter().collect();
        let c = Count {
            value,
            unit: unit_text,
            span: (s, e),
            after_etc,
        };
        // The larger total of "与33个国家的40个城市" is the one counted: the last one; but
        // "28批次、210人次" counts the groups, not the people.
        let people = c.unit.starts_with('人') || c.unit.starts_with("名");
        if !(people
            && best
                .as_ref()
                .is_some_and(|b: &Count| !b.unit.starts_with('人')))
        {
            best = Some(c);
        }
    }
    best
}

/// The 4-digit years a clause states (2019年, 2024 in "2024京澳合作伙伴行动").
/// A span of years, "2011至2022年", "2011年—2022年", "2011-2022年": the last year (a total
/// the span reaches stands at its end).
pub fn range_end(clause: &[char]) -> Option<i32> {
    let years = years(clause);
    years.windows(2).find_map(|w| {
        let between: String = clause[w[0].0 + 4..w[1].0].iter().collect();
        let between = between.trim_start_matches('年');
        (matches!(between, "至" | "到" | "-" | "—" | "–" | "~" | "～") && w[1].1 > w[0].1)
            .then_some(w[1].1)
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

/// A year given relative to the report's: 去年, 前年, 今年, 本年, 明年 (offset in years).
pub fn relative_year(clause: &[char]) -> Option<i32> {
    let s: String = clause.iter().collect();
    [
        ("前年", -2),
        ("去年", -1),
        ("上年", -1),
        ("上一年", -1),
        ("今年", 0),
        ("本年", 0),
        ("本年度", 0),
        ("明年", 1),
    ]
    .iter()
    .find(|(w, _)| s.contains(w))
    .map(|(_, o)| *o)
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
        let k = |s: &str, cp: bool| act(&c(s), cp, count(&c(s)).as_ref()).map(|a| a.kind);
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
        let t = count(&c("完成安哥拉总统洛伦索等128个党宾国宾团组的接待任务")).unwrap();
        assert_eq!(
            (t.value, t.unit.as_str(), t.after_etc),
            (128, "个党宾国宾团组", true)
        );
        assert!(count(&c("结好30周年")).is_none());
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
