//! The report's text as the rest of extraction sees it: lines joined where a PDF or a
//! flip-book broke a sentence, paragraphs (non-empty lines) and sentences numbered exactly as
//! `data/passages.csv` numbers them, the header lines, and a *folded* copy of every sentence
//! for matching (full-width ASCII to half-width, traditional to simplified characters).
//!
//! Folding maps one character to one character, so a match found at char offsets of the
//! folded copy is cut from the verbatim sentence at the same offsets: every quote is a
//! substring of its passage by construction.

use super::rulebook::{has_char, Rules};

/// One sentence: its numbers and verbatim text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub paragraph: usize,
    pub sentence: usize,
    pub text: String,
}

/// The text split into paragraphs and sentences.
#[derive(Clone, Debug, Default)]
pub struct Split {
    /// The text the passages are cut from (the input with broken lines joined).
    pub text: String,
    pub sentences: Vec<Sentence>,
    /// Whether broken lines were joined (the input looked hard-wrapped).
    pub reflowed: bool,
    /// The `# source: URL | date | …` line some collected reports begin with, if any
    /// (not part of the report; not numbered).
    pub source_line: Option<String>,
}

/// Marks that end a sentence. The seed splits after 。 only; ！ and ？ (and their ASCII
/// forms after Chinese text) end sentences in other reports.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

/// Closing marks that stay with the sentence they follow (。” ends inside the quote).
fn is_closer(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | ')' | '）' | '】' | '》' | '"')
}

/// Whether a line ends where a sentence, heading or table cell may end.
fn ends_cleanly(line: &str) -> bool {
    match line.trim_end().chars().last() {
        None => true,
        Some(c) => {
            ends_sentence(c)
                || is_closer(c)
                || matches!(c, ':' | '：' | ';' | '；' | '|' | '!' | '?' | '.' | '…')
        }
    }
}

/// Whether a line begins a new item (第N项, 一、, (一), 1., a heading mark) rather than
/// continuing the line before it.
fn begins_item(r: &Rules, line: &str) -> bool {
    let t = line.trim_start();
    let mut cs = t.chars();
    let Some(first) = cs.next() else {
        return true;
    };
    if matches!(
        first,
        '第' | '(' | '（' | '#' | '【' | '■' | '●' | '◆' | '·' | '-' | '*'
    ) {
        return true;
    }
    // 一、 二、 … and 1. 2、 …
    let head: String = t.chars().take(4).collect();
    let numeral = |c: char| "一二三四五六七八九十".contains(c) || c.is_ascii_digit();
    let mut hc = head.chars();
    if let Some(c0) = hc.next() {
        if numeral(c0) {
            for c in hc {
                if matches!(c, '、' | '.' | '．' | ',') {
                    return true;
                }
                if !numeral(c) {
                    break;
                }
            }
        }
    }
    // Header lines such as 日期:… 来源:… (`item_key`)
    r.words("item_key")
        .iter()
        .any(|k| t.starts_with(k.text.as_str()) && t[k.text.len()..].starts_with([':', '：']))
}

/// In text whose lines end cleanly, a line cut between a number and its unit ("截至2023" /
/// "年，…", as PDFs cut them) is still one sentence: such pairs are joined, nothing else.
fn join_split_numbers(r: &Rules, lines: &[&str]) -> Option<String> {
    let units = r.words("cut_unit");
    let cut = |a: &str, b: &str| {
        a.trim_end()
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_digit())
            && b.trim_start()
                .chars()
                .next()
                .is_some_and(|c| has_char(units, c))
    };
    if !lines.windows(2).any(|w| cut(w[0], w[1])) {
        return None;
    }
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        let next = lines.get(i + 1);
        if next.is_some_and(|n| cut(l, n)) {
            continue;
        }
        if next.is_some() {
            out.push('\n');
        }
    }
    Some(out)
}

/// A line of a report's head: a title (…工作总结, …的答复), a date line (2023年12月20日) or
/// an office's name (…外事办公室), short and without clause punctuation.
fn header_like(r: &Rules, t: &str) -> bool {
    let date_only = t.chars().count() <= 16
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || "年月日号 .-/".contains(c) || c.is_whitespace());
    t.chars().count() <= 40
        && !t.contains(['，', ',', '。', '；', ';', '、'])
        && (date_only || super::rulebook::ends_any(t, r.words("title_end")))
}

/// Joins lines broken inside sentences, when the text looks hard-wrapped: most of its
/// non-empty lines end mid-sentence. Text whose lines end cleanly is left as it is, so a
/// report typed line by line (the seed) keeps its paragraphs.
fn reflow(r: &Rules, lines: &[&str]) -> Option<String> {
    let body: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    // A title and a date line at the top end without a stop, but are not broken sentences.
    // A first line followed by a date or source line is the title, whatever its last word.
    let meta = |l: &str| {
        let t = l.trim();
        r.words("meta_key")
            .iter()
            .any(|k| t.starts_with(k.text.as_str()) && t[k.text.len()..].starts_with([':', '：']))
            || (header_like(r, t) && t.chars().any(|c| c.is_ascii_digit()))
    };
    let top = body
        .iter()
        .take(4)
        .enumerate()
        .take_while(|(i, l)| {
            let t = l.trim();
            header_like(r, t)
                || meta(t)
                || (*i == 0
                    && t.chars().count() <= 40
                    && !t.contains(['，', ',', '。'])
                    && body.get(1).is_some_and(|n| meta(n)))
        })
        .count();
    let body = &body[top..];
    if body.len() < 3 {
        return None;
    }
    let broken = body.iter().filter(|l| !ends_cleanly(l)).count();
    if broken * 2 < body.len() {
        return join_split_numbers(r, lines);
    }
    let mut out = String::new();
    let mut prev_clean = true;
    let mut seen = 0;
    for l in lines {
        let t = l.trim();
        if !t.is_empty() {
            seen += 1;
            if seen <= top {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(t);
                out.push('\n');
                prev_clean = true;
                continue;
            }
        }
        if t.is_empty() {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            prev_clean = true;
            continue;
        }
        if !out.is_empty() && !out.ends_with('\n') {
            if prev_clean || begins_item(r, t) {
                out.push('\n');
            } else if out
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            {
                // Latin words broken at a line end keep a space between them.
                out.push(' ');
            }
        }
        out.push_str(t);
        prev_clean = ends_cleanly(t);
    }
    Some(out)
}

/// Splits `input` into numbered sentences.
///
/// A paragraph is a non-empty line (after joining broken lines, see [`reflow`]); a sentence
/// ends after 。 (！ ？), with closing quotes and brackets that follow it, and a
/// parenthesised `(牵头部门:…)` or `（责任单位：…）` at the end of a line is a sentence of its
/// own. The sentences of a paragraph concatenate to the line exactly.
pub fn split(input: &str) -> Split {
    split_with(input, Rules::embedded())
}

/// [`split`] with the words of `r` (the head's, the sentences').
pub fn split_with(input: &str, r: &Rules) -> Split {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let input = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<&str> = input.split('\n').collect();
    let mut source_line = None;
    if let Some(first) = lines.first() {
        if first.trim_start().starts_with("# source:") {
            source_line = Some(first.trim().to_string());
            lines.remove(0);
        }
    }
    let (text, reflowed) = match reflow(r, &lines) {
        Some(t) => (t, true),
        None => (lines.join("\n"), false),
    };
    let mut sentences = Vec::new();
    let mut paragraph = 0;
    for line in text.split('\n') {
        let line = line.trim_end_matches([' ', '\t']);
        if line.trim().is_empty() {
            continue;
        }
        paragraph += 1;
        for (i, s) in sentences_of(r, line).into_iter().enumerate() {
            sentences.push(Sentence {
                paragraph,
                sentence: i + 1,
                text: s.to_string(),
            });
        }
    }
    Split {
        text,
        sentences,
        reflowed,
        source_line,
    }
}

/// A line's sentences; a trailing parenthesis that opens with a word of `lead_mark` (牵头,
/// 责任单位: who leads or is responsible) is one of its own.
fn sentences_of<'l>(r: &Rules, line: &'l str) -> Vec<&'l str> {
    let leads = r.words("lead_mark");
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if ends_sentence(chars[i].1) {
            let mut j = i + 1;
            while j < chars.len() && is_closer(chars[j].1) && !opens_lead(leads, line, chars[j].0) {
                j += 1;
            }
            if j < chars.len() {
                cuts.push(chars[j].0);
            }
            i = j;
            continue;
        }
        i += 1;
    }
    // A trailing (牵头部门:…) is its own sentence.
    if line.ends_with([')', '）']) {
        if let Some(open) = line.rfind(['(', '（']) {
            let inner = &line[open + line[open..].chars().next().map_or(1, char::len_utf8)..];
            if open > 0 && super::rulebook::starts_any(inner, leads) && !cuts.contains(&open) {
                cuts.push(open);
            }
        }
    }
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts {
        if c > start {
            out.push(&line[start..c]);
            start = c;
        }
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out
}

fn opens_lead(leads: &[super::rulebook::Word], line: &str, at: usize) -> bool {
    let rest = &line[at..];
    (rest.starts_with('(') || rest.starts_with('（'))
        && super::rulebook::starts_any(
            &rest[rest.chars().next().map_or(1, char::len_utf8)..],
            leads,
        )
}

/// One character folded for matching: full-width ASCII forms to ASCII, the ideographic
/// space to a space, traditional characters to simplified ones (one to one; context-aware,
/// by the `fast2s` table).
pub fn fold(s: &str) -> Vec<char> {
    let simplified = fast2s::convert(s);
    let out: Vec<char> = simplified
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect();
    debug_assert_eq!(out.len(), s.chars().count());
    out
}

/// Whether `s` has any Chinese character.
pub fn has_han(s: &str) -> bool {
    s.chars().any(is_han)
}

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_department_is_its_own_sentence() {
        let s = split("第7项加强合作。(牵头部门:协调督办处)\n");
        let t: Vec<&str> = s.sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(t, ["第7项加强合作。", "(牵头部门:协调督办处)"]);
    }

    #[test]
    fn closing_quote_stays_with_its_sentence() {
        let s = split("他说“好。”然后走了。\n");
        let t: Vec<&str> = s.sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(t, ["他说“好。”", "然后走了。"]);
    }

    #[test]
    fn broken_lines_are_joined() {
        let s = split("石景山区与乌兹别克斯坦塔\n什干市奥尔马佐尔区签署友\n好关系意向书。门头沟区与\n德国签署备忘录。\n");
        assert!(s.reflowed);
        assert_eq!(s.sentences.len(), 2);
        assert_eq!(
            s.sentences[0].text,
            "石景山区与乌兹别克斯坦塔什干市奥尔马佐尔区签署友好关系意向书。"
        );
    }

    #[test]
    fn a_title_and_a_date_line_are_not_broken_sentences() {
        let s = split("某市外事办公室2023年工作总结\n2023年12月20日\n我市与日本某市签署友\n好交流备忘录。市长会见\n来访的外国嘉宾。\n");
        assert!(s.reflowed);
        let t: Vec<&str> = s.sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(t[0], "某市外事办公室2023年工作总结");
        assert_eq!(t[1], "2023年12月20日");
        assert_eq!(t[2], "我市与日本某市签署友好交流备忘录。");
    }

    #[test]
    fn folding_keeps_length() {
        let f: String = fold("會見ＡＢＣ，簽署協議").into_iter().collect();
        assert_eq!(f, "会见ABC,签署协议");
    }
}
