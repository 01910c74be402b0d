//! The rule book: the words the extractor looks for and the rules that make facts, read from
//! the analyst-editable files of `rules/` (embedded at build time, parsed once) and from the
//! rows of `--rules FILE` added to them.
//!
//! Every row says what it is in its first column: `rule` or `refine` (a rule of
//! `rules/acts.tsv`: order, id, kind, test, groups), `home` / `country` / `context` /
//! `partner` (a short name of `rules/abbreviations.tsv`), or the name of a group of words
//! (`rules/words.tsv`, `rules/text.tsv`: group, pattern, value). The code reads a group by its
//! name; a rule names the groups its test reads. A malformed row is refused with its file, line,
//! column and value.

use std::collections::HashMap;

use super::rules::KINDS;
use super::short_names::ShortNames;

/// The files of `rules/`, as embedded.
const FILES: &[(&str, &str)] = &[
    ("rules/acts.tsv", include_str!("../../rules/acts.tsv")),
    ("rules/words.tsv", include_str!("../../rules/words.tsv")),
    ("rules/text.tsv", include_str!("../../rules/text.tsv")),
    (
        "rules/abbreviations.tsv",
        include_str!("../../rules/abbreviations.tsv"),
    ),
];

/// One word of a group.
#[derive(Clone, Debug)]
pub struct Word {
    pub text: String,
    pub chars: Vec<char>,
    /// What the word stands for (a document's kind, a year's offset), or empty.
    pub value: String,
    /// Where the row is: (index into [`Rules::files`], line).
    at: (usize, usize),
}

impl Word {
    /// Whether `hay` has the word (a word written A…B: both A and B).
    pub fn is_in(&self, hay: &str) -> bool {
        if self.text.contains('…') {
            self.text
                .split('…')
                .filter(|p| !p.is_empty())
                .all(|p| hay.contains(p))
        } else {
            hay.contains(self.text.as_str())
        }
    }

    /// The word's one character (for the groups of one character a row).
    pub fn char(&self) -> char {
        self.chars[0]
    }
}

/// How the words of a stage-`rule` or stage-`refine` row are put together: the code of each
/// is in `rules.rs` (clause tests) and `sentence.rs` (refinements).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Test {
    Anniversary,
    Signing,
    TiePhrase,
    TiePhraseTotal,
    VerbNounApart,
    Word,
    BothTotal,
    Both,
    PhraseUnless,
    VerbNotAfter,
    NamedMeeting,
    HoldAndNoun,
    Cooperation,
    TiesTotal,
    EtcTotal,
    ActEtcTotal,
    VisitHome,
    Subtotals,
    ListMember,
    NamedEarlier,
    AlsoSigning,
    TwinningAgreement,
    ActTotal,
}

/// Each test: its name in the file, whether it refines an act, and the roles of its groups.
const TESTS: &[(Test, &str, bool, &[&str])] = &[
    (Test::Anniversary, "anniversary", false, &["MARK", "BEFORE"]),
    (Test::Signing, "signing", false, &["VERB", "NOUN"]),
    (
        Test::TiePhrase,
        "tie_phrase",
        false,
        &["PHRASE", "BARE", "NEAR"],
    ),
    (
        Test::TiePhraseTotal,
        "tie_phrase_total",
        false,
        &["PHRASE", "BARE", "NEAR"],
    ),
    (
        Test::VerbNounApart,
        "verb_noun_apart",
        false,
        &["VERB", "NOUN"],
    ),
    (Test::Word, "word", false, &["WORDS"]),
    (Test::BothTotal, "both_total", false, &["FIRST", "SECOND"]),
    (Test::Both, "both", false, &["FIRST", "SECOND"]),
    (
        Test::PhraseUnless,
        "phrase_unless",
        false,
        &["PHRASE", "UNLESS"],
    ),
    (
        Test::VerbNotAfter,
        "verb_not_after",
        false,
        &["VERB", "NOT_AFTER"],
    ),
    (
        Test::NamedMeeting,
        "named_meeting",
        false,
        &["NOUN", "VENUE", "GENERIC", "HOLD", "INTERNATIONAL"],
    ),
    (Test::HoldAndNoun, "hold_and_noun", false, &["VERB", "NOUN"]),
    (Test::Cooperation, "cooperation", false, &["WORDS", "SIDES"]),
    (Test::TiesTotal, "ties_total", false, &["TOTAL"]),
    (Test::EtcTotal, "etc_total", false, &[]),
    (Test::ActEtcTotal, "act_etc_total", true, &[]),
    (Test::VisitHome, "visit_home", true, &["MARK", "DELEGATION"]),
    (Test::Subtotals, "subtotals", true, &["MARK"]),
    (Test::ListMember, "list_member", true, &[]),
    (Test::NamedEarlier, "named_earlier", true, &[]),
    (Test::AlsoSigning, "also_signing", true, &["VERB", "NOUN"]),
    (
        Test::TwinningAgreement,
        "twinning_agreement",
        true,
        &["DOCUMENT"],
    ),
    (Test::ActTotal, "act_total", true, &["ALL"]),
];

/// A rule of `rules/acts.tsv`.
#[derive(Clone, Debug)]
pub struct Rule {
    pub order: i64,
    pub id: String,
    /// The kind it makes; empty for a refinement that keeps the act's kind.
    pub kind: &'static str,
    pub test: Test,
    /// The groups its test reads, in the test's order.
    pub groups: Vec<String>,
    at: (usize, usize),
}

/// What a group's rows must hold, for the groups the code reads by name.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// Any word, no value.
    Word,
    /// One character a row.
    Char,
    /// A whole number as value.
    Offset,
    /// One character, with a place's level (city, district, region) as value.
    Suffix,
}

/// The groups the code reads by name (the others are read by the rules that name them).
const FIXED: &[(&str, Shape)] = &[
    ("tie", Shape::Word),
    ("ties_word", Shape::Word),
    ("unit", Shape::Word),
    ("not_count_within", Shape::Word),
    ("not_count_unit", Shape::Word),
    ("unit_stop", Shape::Char),
    ("etc", Shape::Word),
    ("people_unit", Shape::Word),
    ("people_unit_replaced", Shape::Word),
    ("place_unit", Shape::Word),
    ("as_of", Shape::Word),
    ("relative_year", Shape::Offset),
    ("range_sep", Shape::Word),
    ("planned", Shape::Word),
    ("outcome_word", Shape::Word),
    ("new_tie", Shape::Word),
    ("standing_tie", Shape::Word),
    ("both_sides", Shape::Word),
    ("count_approx", Shape::Char),
    ("pair_unit", Shape::Word),
    ("home_after", Shape::Word),
    ("home_as", Shape::Char),
    ("list_mark", Shape::Char),
    ("list_open", Shape::Word),
    ("member_sep", Shape::Char),
    ("title_end", Shape::Word),
    ("meta_key", Shape::Word),
    ("item_key", Shape::Word),
    ("date_key", Shape::Word),
    ("issuer_key", Shape::Word),
    ("office", Shape::Word),
    ("title_office", Shape::Word),
    ("first_half", Shape::Word),
    ("home_suffix", Shape::Word),
    ("self_region", Shape::Word),
    ("self_district", Shape::Word),
    ("self_city", Shape::Word),
    ("home_office", Shape::Word),
    ("lead_mark", Shape::Word),
    ("cut_unit", Shape::Char),
    ("task_heading", Shape::Word),
    ("not_district", Shape::Word),
    ("district_act", Shape::Word),
    ("district_by", Shape::Word),
    ("twin_word", Shape::Word),
    ("name_stop", Shape::Char),
    ("not_name_start", Shape::Word),
    ("place_measure", Shape::Char),
    ("name_end_word", Shape::Word),
    ("name_end_suffix", Shape::Char),
    ("place_suffix", Shape::Suffix),
    ("event_suffix", Shape::Char),
];

const WORD_COLUMNS: &[&str] = &["group", "pattern", "value", "note"];
const RULE_COLUMNS: &[&str] = &["stage", "order", "id", "kind", "test", "groups", "note"];
const SHORT_COLUMNS: &[&str] = &["kind", "short", "name_zh", "note"];

/// A row of a rules file that cannot be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}, line {line}, column {column} ({name}): {value:?}: {expected}")]
pub struct RulesError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub name: &'static str,
    pub value: String,
    pub expected: String,
}

/// The words and rules, merged from the embedded files and any added.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    files: Vec<String>,
    groups: HashMap<String, Vec<Word>>,
    /// The stage-`rule` rows, in the order they are tried.
    clause: Vec<Rule>,
    /// The stage-`refine` rows, one per test.
    refine: Vec<Rule>,
    pub short: ShortNames,
}

/// A group's words, or none.
const NONE: &[Word] = &[];

impl Rules {
    /// The files of `rules/`, parsed once.
    pub fn embedded() -> &'static Rules {
        static R: std::sync::OnceLock<Rules> = std::sync::OnceLock::new();
        R.get_or_init(|| {
            let mut r = Rules::default();
            for (name, text) in FILES {
                r.add(name, text).unwrap_or_else(|e| panic!("{e}"));
            }
            r.check().unwrap_or_else(|e| panic!("{e}"));
            r
        })
    }

    /// The embedded rules with the rows of `text` (the file `file`) added: new words go after a
    /// group's own, a rule with an id already known replaces that rule.
    pub fn with(file: &str, text: &str) -> Result<Rules, RulesError> {
        let mut r = Rules::embedded().clone();
        r.add(file, text)?;
        r.check()?;
        Ok(r)
    }

    /// The words of `group`, in file order (none if no row names it).
    pub fn words(&self, group: &str) -> &[Word] {
        self.groups.get(group).map_or(NONE, Vec::as_slice)
    }

    /// The stage-`rule` rows, in the order they are tried.
    pub fn clause_rules(&self) -> &[Rule] {
        &self.clause
    }

    /// The refinement of `test` (every one is there: [`Rules::check`] makes sure).
    pub fn refinement(&self, test: Test) -> &Rule {
        self.refine
            .iter()
            .find(|r| r.test == test)
            .expect("every refinement has a rule")
    }

    fn error(&self, at: (usize, usize), column: usize, name: &'static str) -> ErrorAt {
        ErrorAt {
            file: self.files[at.0].clone(),
            line: at.1,
            column,
            name,
        }
    }

    fn add(&mut self, file: &str, text: &str) -> Result<(), RulesError> {
        let fi = self.files.len();
        self.files.push(file.to_string());
        let mut ids_here: Vec<String> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').map(str::trim).collect();
            let at = (fi, n + 1);
            let field = |c: usize| f.get(c).copied().unwrap_or("");
            match f[0] {
                // A line naming the columns.
                "kind" | "group" | "stage" => {}
                "rule" | "refine" => {
                    let rule = self.rule_row(&f, at)?;
                    if ids_here.contains(&rule.id) {
                        return Err(self
                            .error(at, 2, RULE_COLUMNS[2])
                            .is(field(2), "an id given to another rule of this file already"));
                    }
                    ids_here.push(rule.id.clone());
                    self.insert(rule, field(2))?;
                }
                "home" | "country" | "context" | "partner" => {
                    self.short.row(&f).map_err(|(c, expected)| {
                        self.error(at, c, SHORT_COLUMNS[c]).is(field(c), expected)
                    })?;
                }
                group => self.word_row(group, &f, at)?,
            }
        }
        Ok(())
    }

    fn word_row(&mut self, group: &str, f: &[&str], at: (usize, usize)) -> Result<(), RulesError> {
        let e = |c: usize, expected: &str| {
            self.error(at, c, WORD_COLUMNS[c])
                .is(f.get(c).copied().unwrap_or(""), expected)
        };
        if !group
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(e(
                0,
                "a group's name (lowercase letters, digits and _), `rule`, `refine`, or a short name's kind (home, country, context, partner)",
            ));
        }
        let pattern = f.get(1).copied().unwrap_or("");
        let value = f.get(2).copied().unwrap_or("");
        if pattern.is_empty() {
            return Err(e(1, "a word"));
        }
        let shape = FIXED.iter().find(|(g, _)| *g == group).map(|(_, s)| *s);
        let one = pattern.chars().count() == 1;
        match shape {
            Some(Shape::Char) if !one => return Err(e(1, "one character (this group is read a character at a time)")),
            Some(Shape::Suffix) if !one => return Err(e(1, "one character: a place name's last character")),
            Some(Shape::Suffix) if !matches!(value, "city" | "district" | "region") => {
                return Err(e(2, "the level of a place whose name ends in the character: city, district or region"))
            }
            Some(Shape::Offset) if value.parse::<i32>().is_err() => {
                return Err(e(2, "a whole number: the offset from the report's year (去年 -1)"))
            }
            _ => {}
        }
        self.groups
            .entry(group.to_string())
            .or_default()
            .push(Word {
                text: pattern.to_string(),
                chars: pattern.chars().collect(),
                value: value.to_string(),
                at,
            });
        Ok(())
    }

    fn rule_row(&self, f: &[&str], at: (usize, usize)) -> Result<Rule, RulesError> {
        let field = |c: usize| f.get(c).copied().unwrap_or("");
        let e =
            |c: usize, expected: &str| self.error(at, c, RULE_COLUMNS[c]).is(field(c), expected);
        let refine = f[0] == "refine";
        let order = if refine {
            if field(1) != "-" {
                return Err(e(1, "`-`: a refinement is applied at its own step"));
            }
            0
        } else {
            field(1)
                .parse::<i64>()
                .map_err(|_| e(1, "a whole number: lower is tried first"))?
        };
        let id = field(2);
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(e(2, "an id: lowercase letters, digits and -"));
        }
        let names: Vec<&str> = TESTS
            .iter()
            .filter(|t| t.2 == refine)
            .map(|t| t.1)
            .collect();
        let Some(&(test, _, _, roles)) = TESTS.iter().find(|t| t.1 == field(4) && t.2 == refine)
        else {
            return Err(e(
                4,
                &format!("a test of stage {}: {}", f[0], names.join(", ")),
            ));
        };
        let keeps_kind = matches!(test, Test::ListMember | Test::NamedEarlier);
        let kind = match (keeps_kind, field(3)) {
            (true, "-") => "",
            (true, _) => return Err(e(3, "`-`: this refinement keeps the act's kind")),
            (false, k) => KINDS
                .iter()
                .copied()
                .find(|x| *x == k)
                .ok_or_else(|| e(3, &format!("a kind of fact: {}", KINDS.join(", "))))?,
        };
        let groups: Vec<String> = match field(5) {
            "-" | "" => Vec::new(),
            g => g
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        };
        if groups.len() != roles.len() {
            let want = if roles.is_empty() {
                "`-`: this test reads no group".to_string()
            } else {
                format!(
                    "{} group names separated by spaces, for {}",
                    roles.len(),
                    roles.join(" ")
                )
            };
            return Err(e(5, &want));
        }
        Ok(Rule {
            order,
            id: id.to_string(),
            kind,
            test,
            groups,
            at,
        })
    }

    /// Adds a rule; a rule with a known id replaces it (at the same stage, a refinement with
    /// the same test).
    fn insert(&mut self, rule: Rule, id: &str) -> Result<(), RulesError> {
        let refine = TESTS.iter().any(|t| t.0 == rule.test && t.2);
        let err = |expected: &str| self.error(rule.at, 2, RULE_COLUMNS[2]).is(id, expected);
        let (mine, other) = if refine {
            (&self.refine, &self.clause)
        } else {
            (&self.clause, &self.refine)
        };
        if other.iter().any(|r| r.id == rule.id) {
            return Err(err(
                "an id of a rule of the other stage: a rule replaces only one of its own stage",
            ));
        }
        let known = mine.iter().position(|r| r.id == rule.id);
        if refine {
            let same_test = mine.iter().find(|r| r.test == rule.test);
            if let Some(t) = same_test.filter(|t| t.id != rule.id) {
                return Err(err(&format!(
                    "{}: the id of the rule that already refines with this test, to replace it (each refinement is applied once)",
                    t.id
                )));
            }
            if let Some(k) = known.filter(|&k| mine[k].test != rule.test) {
                return Err(err(&format!(
                    "an id of another refinement ({}): a refinement is replaced only by one with its test",
                    mine[k].test.name()
                )));
            }
        }
        let mine = if refine {
            &mut self.refine
        } else {
            &mut self.clause
        };
        match known {
            Some(k) => mine[k] = rule,
            None => mine.push(rule),
        }
        // Stable: rules of one order keep the order of their rows.
        self.clause.sort_by_key(|r| r.order);
        Ok(())
    }

    /// The whole is consistent: every group a rule names has words, every group has a reader,
    /// every document noun a kind, every refinement a rule.
    fn check(&self) -> Result<(), RulesError> {
        for r in self.clause.iter().chain(&self.refine) {
            for g in &r.groups {
                if self.words(g).is_empty() {
                    return Err(self.error(r.at, 5, RULE_COLUMNS[5]).is(
                        g,
                        "a group with words (no row of the rules names it in its first column)",
                    ));
                }
            }
            if r.test == Test::Signing {
                if let Some(w) = self.words(&r.groups[1]).iter().find(|w| w.value.is_empty()) {
                    return Err(self.error(w.at, 2, WORD_COLUMNS[2]).is(
                        "",
                        "the document's kind (memorandum, agreement…): a signing rule reads this group",
                    ));
                }
            }
        }
        for (_, name, refine, _) in TESTS {
            if *refine && !self.refine.iter().any(|r| r.test.name() == *name) {
                let e = ErrorAt {
                    file: self.files.last().cloned().unwrap_or_default(),
                    line: 0,
                    column: 5,
                    name: RULE_COLUMNS[4],
                };
                return Err(e.is(name, "a refine row with this test: the code applies it"));
            }
        }
        let mut unread: Vec<(&String, &Word)> = self
            .groups
            .iter()
            .filter(|(g, _)| {
                !FIXED.iter().any(|(f, _)| f == g)
                    && !self
                        .clause
                        .iter()
                        .chain(&self.refine)
                        .any(|r| r.groups.contains(g))
            })
            .filter_map(|(g, ws)| ws.first().map(|w| (g, w)))
            .collect();
        unread.sort_by_key(|(_, w)| w.at);
        if let Some((g, w)) = unread.first() {
            return Err(self.error(w.at, 0, WORD_COLUMNS[0]).is(
                g,
                "a group a rule of acts.tsv names or the code reads (the groups are in rules/words.tsv and rules/text.tsv)",
            ));
        }
        Ok(())
    }
}

impl Test {
    pub fn name(self) -> &'static str {
        TESTS.iter().find(|t| t.0 == self).map_or("", |t| t.1)
    }
}

/// Where an error is, before its value and what was expected are known.
struct ErrorAt {
    file: String,
    line: usize,
    column: usize,
    name: &'static str,
}

impl ErrorAt {
    fn is(self, value: &str, expected: &str) -> RulesError {
        RulesError {
            file: self.file,
            line: self.line,
            column: self.column + 1,
            name: self.name,
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }
}

/// Where `needle` first starts in `hay`.
pub fn find(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == needle[..])
}

/// The word of `words` found first in `hay` (the shorter where two start together), with its
/// span.
pub fn find_any<'w>(hay: &[char], words: &'w [Word]) -> Option<(usize, usize, &'w Word)> {
    let mut best: Option<(usize, usize, &Word)> = None;
    for w in words {
        if let Some(i) = find(hay, &w.chars) {
            let e = i + w.chars.len();
            if best.is_none_or(|(bi, be, _)| (i, e) < (bi, be)) {
                best = Some((i, e, w));
            }
        }
    }
    best
}

pub fn has_any(hay: &[char], words: &[Word]) -> bool {
    words.iter().any(|w| find(hay, &w.chars).is_some())
}

/// Whether `hay` has any of `words`.
pub fn any_in(hay: &str, words: &[Word]) -> bool {
    words.iter().any(|w| w.is_in(hay))
}

/// The first of `words` (in file order) that `hay` has.
pub fn first_in<'w>(hay: &str, words: &'w [Word]) -> Option<&'w Word> {
    words.iter().find(|w| w.is_in(hay))
}

pub fn starts_any(hay: &str, words: &[Word]) -> bool {
    words.iter().any(|w| hay.starts_with(w.text.as_str()))
}

pub fn ends_any(hay: &str, words: &[Word]) -> bool {
    words.iter().any(|w| hay.ends_with(w.text.as_str()))
}

/// Whether `hay` (chars) starts with any of `words`.
pub fn chars_start_any(hay: &[char], words: &[Word]) -> bool {
    words.iter().any(|w| hay.starts_with(&w.chars))
}

/// Whether `hay` (chars) ends with any of `words`.
pub fn chars_end_any(hay: &[char], words: &[Word]) -> bool {
    words.iter().any(|w| hay.ends_with(&w.chars))
}

/// Whether `c` is one of a one-character group's words.
pub fn has_char(words: &[Word], c: char) -> bool {
    words.iter().any(|w| w.chars == [c])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> RulesError {
        Rules::with("mine.tsv", text).unwrap_err()
    }

    #[test]
    fn the_embedded_rules_are_whole() {
        let r = Rules::embedded();
        for (g, _) in FIXED {
            assert!(!r.words(g).is_empty(), "no words in group {g}");
        }
        let ids: Vec<&str> = r.clause_rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.first(), Some(&"anniversary"));
        assert_eq!(ids.last(), Some(&"etc-total"));
        assert_eq!(r.refinement(Test::ListMember).id, "list-member");
        assert_eq!(r.words("document")[2].value, "memorandum");
        assert!(r.words("visit_abroad_mark")[1].is_in("对法国某市进行访问"));
    }

    #[test]
    fn rows_add_and_replace() {
        let r = Rules::with(
            "mine.tsv",
            "sign\t签字\ndocument\t换文\texchange_of_notes\nrule\t5\tmeet\tleader_meeting\tword\tmeet\n",
        )
        .unwrap();
        assert_eq!(r.words("sign").last().unwrap().text, "签字");
        assert_eq!(r.clause_rules()[0].id, "meet");
        assert_eq!(
            r.clause_rules().len(),
            Rules::embedded().clause_rules().len()
        );
    }

    #[test]
    fn malformed_rows_name_their_place() {
        let e = err("# a comment\n\nsign\t\n");
        assert_eq!(
            (e.file.as_str(), e.line, e.column, e.name, e.value.as_str()),
            ("mine.tsv", 3, 2, "pattern", "")
        );
        let e = err("Sign\t签字\n");
        assert_eq!((e.line, e.column, e.value.as_str()), (1, 1, "Sign"));
        let e = err("sing\t签字\n");
        assert_eq!((e.column, e.name, e.value.as_str()), (1, "group", "sing"));
        let e = err("relative_year\t大前年\tthree\n");
        assert_eq!((e.column, e.value.as_str()), (3, "three"));
        let e = err("unit_stop\t和与\n");
        assert_eq!(e.column, 2);
        let e = err("place_suffix\t府\ttown\n");
        assert_eq!((e.column, e.value.as_str()), (3, "town"));
        let e = err("document\t换文\n");
        assert_eq!((e.line, e.column, e.name), (1, 3, "value"));
        let e = err("rule\tfirst\tx\tleader_meeting\tword\tmeet\n");
        assert_eq!((e.column, e.name, e.value.as_str()), (2, "order", "first"));
        let e = err("rule\t5\tMeet!\tleader_meeting\tword\tmeet\n");
        assert_eq!((e.column, e.name), (3, "id"));
        let e = err("rule\t5\tx\tmeeting\tword\tmeet\n");
        assert_eq!((e.column, e.name, e.value.as_str()), (4, "kind", "meeting"));
        let e = err("rule\t5\tx\tleader_meeting\twords\tmeet\n");
        assert_eq!((e.column, e.name, e.value.as_str()), (5, "test", "words"));
        let e = err("rule\t5\tx\tleader_meeting\tsigning\tsign\n");
        assert_eq!((e.column, e.name, e.value.as_str()), (6, "groups", "sign"));
        let e = err("rule\t5\tx\tleader_meeting\tword\tgreet\n");
        assert_eq!((e.column, e.value.as_str()), (6, "greet"));
        let e =
            err("rule\t5\tx\tleader_meeting\tword\tmeet\nrule\t6\tx\tleader_meeting\tword\tmeet\n");
        assert_eq!((e.line, e.column), (2, 3));
        let e = err("refine\t-\tmine\t-\tlist_member\t-\n");
        assert_eq!((e.column, e.value.as_str()), (3, "mine"));
        let e = err("refine\t1\tlist-member\t-\tlist_member\t-\n");
        assert_eq!(e.column, 2);
        let e = err("country\t斐济\n");
        assert_eq!((e.column, e.name, e.value.as_str()), (2, "short", "斐济"));
        assert!(e
            .to_string()
            .starts_with("mine.tsv, line 1, column 2 (short): \"斐济\""));
    }
}
