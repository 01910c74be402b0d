//! Lists in reports: a statement followed by its members, and members that carry their own
//! dates.
//!
//! - A clause that states an act and ends with a colon ("建立了国际友好城市关系的12个城市:",
//!   "参加会见的嘉宾有:") introduces a list: the clauses after it in the sentence that name
//!   counterparts but state no act of their own are its members, each a fact of the act's kind.
//! - A clause whose `、`-separated members each name a place with its own date in brackets
//!   ("阿尔汉布拉市(1994年10月)、拉普拉普市(1997年7月)") gives one fact per member, each with
//!   its own year.

use super::rulebook::{ends_any, has_char, Rules};
use super::rules::{self, Act};

/// The kind the members of a list take, when `act` (stated by a clause that ends in a colon)
/// introduces one: the act's own kind, or tie_established for a total of friendship cities
/// (or a sub-total after one, `ties_total`: 友好城市6对,其中市级5对,分别是:…).
pub fn member_kind(
    r: &Rules,
    act: &Act,
    clause: &[char],
    ties_total: bool,
) -> Option<&'static str> {
    match act.kind {
        "tie_established"
        | "leader_meeting"
        | "delegation_received"
        | "visit_abroad"
        | "agreement_signed" => Some(act.kind),
        "count_total" if ties_total || rules::names_ties(r, clause) => Some("tie_established"),
        _ => None,
    }
}

/// Whether the clause at `[start, end)` of `folded` ends where the text puts a colon (a
/// `list_mark`), or in a word that opens a list (`list_open`: 分别是, 包括, 如下, 嘉宾有).
pub fn opens_list(r: &Rules, folded: &[char], start: usize, end: usize) -> bool {
    if folded
        .get(end)
        .is_some_and(|&c| has_char(r.words("list_mark"), c))
    {
        return true;
    }
    let clause: String = folded[start..end].iter().collect();
    ends_any(clause.trim_end(), r.words("list_open"))
}

/// The members of the clause `[start, end)`: its parts separated by a `member_sep` (、) outside
/// brackets, as absolute char ranges. A clause with one part gives one range.
pub fn members(r: &Rules, folded: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let sep = r.words("member_sep");
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut from = start;
    for (i, &c) in folded.iter().enumerate().take(end).skip(start) {
        match c {
            '“' | '《' | '(' | '「' | '【' => depth += 1,
            '”' | '》' | ')' | '」' | '】' => depth = (depth - 1).max(0),
            c if depth == 0 && has_char(sep, c) => {
                if i > from {
                    out.push((from, i));
                }
                from = i + 1;
            }
            _ => {}
        }
    }
    if end > from {
        out.push((from, end));
    }
    out
}

/// Whether the members of a clause carry dates of their own: at least two of them state a
/// year. Then each member is its own fact.
pub fn dated_members(folded: &[char], parts: &[(usize, usize)]) -> bool {
    parts.len() >= 2
        && parts
            .iter()
            .filter(|&&(s, e)| rules::stated_year(&folded[s..e]).is_some())
            .count()
            >= 2
}
