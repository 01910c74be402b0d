//! Syntax errors an analyst can act on. The parser reports the position and the set of
//! everything it would have accepted there (a dozen tokens and six lines of Unicode ranges);
//! [`explain`] turns that into one sentence with `line:column` at the start of the offending
//! token: "unknown prefix foo:", "expected SELECT, CONSTRUCT, ASK or DESCRIBE, found \"SELEC\"",
//! "the query ends before its closing \"}\"", "unexpected \"}\", expected a variable, an IRI …".

/// One sentence for the parser's message `raw` (`error at L:C: expected …`) on `text`.
pub(crate) fn explain(text: &str, raw: &str) -> String {
    let Some((line, col, expected)) = split(raw) else {
        return format!("SPARQL syntax error: {raw}");
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let at = |l: usize, c: usize| format!("SPARQL syntax error at {l}:{c}");
    if let Some((l, c, found)) = wrong_form(text) {
        return format!(
            "{}: expected SELECT, CONSTRUCT, ASK or DESCRIBE, found {found}",
            at(l, c)
        );
    }
    let line_text: Vec<char> = lines
        .get(line.saturating_sub(1))
        .unwrap_or(&"")
        .chars()
        .collect();
    // An undeclared prefix is an error wherever the parser's farthest point is (it may have
    // got further on another reading: `?p foo:bar ?l` reads as far as an expected OPTIONAL).
    {
        let offset = char_offset(&lines, line, col);
        if let Some((at_char, prefix)) = undeclared_prefix(text, offset) {
            let (l, c) = position_of(text, at_char);
            return format!(
                "{}: unknown prefix {prefix}: (no PREFIX {prefix}: <…> declares it)",
                at(l, c)
            );
        }
        if expected.contains("Prefix not found") {
            return format!("{}: unknown prefix", at(line, col));
        }
    }
    let alternatives = alternatives(expected);
    if alternatives.iter().any(|a| a == "\\u") {
        // At the quote that opens it.
        let end = col.saturating_sub(1).min(line_text.len());
        let open = line_text[..end]
            .iter()
            .rposition(|&c| c == '"' || c == '\'');
        return format!(
            "{}: a string is not closed",
            at(line, open.map_or(col, |i| i + 1))
        );
    }
    let offset = char_offset(&lines, line, col);
    let rest = text.chars().skip(offset).collect::<String>();
    if rest.trim().is_empty() {
        let open = unclosed(text);
        return match open {
            Some(c) => format!("{}: the query ends before its closing {c:?}", at(line, col)),
            None => format!("{}: the query ends too early", at(line, col)),
        };
    }
    let found = rest.trim_start();
    let skipped = rest.chars().count() - found.chars().count();
    let (l, c) = position_of(text, offset + skipped);
    let token: String = match found.chars().next() {
        Some(ch) if is_name_char(ch) => found.chars().take_while(|&c| is_name_char(c)).collect(),
        Some(ch) => ch.to_string(),
        None => String::new(),
    };
    let wanted = summary(&alternatives);
    if wanted.is_empty() {
        format!("{}: unexpected {token:?}", at(l, c))
    } else {
        format!("{}: unexpected {token:?}, expected {wanted}", at(l, c))
    }
}

/// `error at L:C: expected X` into (L, C, X).
fn split(raw: &str) -> Option<(usize, usize, &str)> {
    let rest = raw.strip_prefix("error at ")?;
    let (pos, expected) = rest.split_once(": ")?;
    let (l, c) = pos.split_once(':')?;
    let expected = expected.strip_prefix("expected ").unwrap_or(expected);
    Some((l.parse().ok()?, c.parse().ok()?, expected))
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '?' | '$')
}

/// The prefixed name whose prefix no PREFIX declares, the last one at or before char `offset`
/// (the parser reports the position after it), else the first: its char offset and prefix.
/// Comments, strings, IRIs and variables are skipped.
fn undeclared_prefix(text: &str, offset: usize) -> Option<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut declared = Vec::new();
    let mut used = Vec::new();
    let mut after_prefix_keyword = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' || c == '\'' {
            i += 1;
            while i < chars.len() && chars[i] != c && chars[i] != '\n' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
        } else if c == '<' {
            let end = chars[i + 1..]
                .iter()
                .position(|&c| c == '>' || c.is_whitespace());
            if let Some(n) = end {
                if chars[i + 1 + n] == '>' {
                    i += n + 1;
                }
            }
        } else if c == '?' || c == '$' || (c == '_' && chars.get(i + 1) == Some(&':')) {
            // A variable or a blank node label.
            i += if c == '_' { 2 } else { 1 };
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            continue;
        } else if c.is_alphabetic() || c == ':' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '-' | '.'))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if i < chars.len() && chars[i] == ':' {
                if after_prefix_keyword {
                    declared.push(word);
                } else {
                    used.push((start, word));
                }
                after_prefix_keyword = false;
                i += 1;
                while i < chars.len()
                    && is_name_char(chars[i])
                    && chars[i] != '?'
                    && chars[i] != '$'
                {
                    i += 1;
                }
                continue;
            }
            after_prefix_keyword = word.eq_ignore_ascii_case("PREFIX");
            continue;
        }
        i += 1;
    }
    let undeclared: Vec<&(usize, String)> =
        used.iter().filter(|(_, p)| !declared.contains(p)).collect();
    undeclared
        .iter()
        .rev()
        .find(|(at, _)| *at <= offset)
        .or(undeclared.first())
        .map(|(at, p)| (*at, p.clone()))
}

/// The char offset of (line, column), both counted from 1.
fn char_offset(lines: &[&str], line: usize, col: usize) -> usize {
    let before: usize = lines
        .iter()
        .take(line.saturating_sub(1))
        .map(|l| l.chars().count() + 1)
        .sum();
    before + col.saturating_sub(1)
}

/// The (line, column) of char offset `offset`, both counted from 1.
fn position_of(text: &str, offset: usize) -> (usize, usize) {
    let (mut l, mut c) = (1, 1);
    for ch in text.chars().take(offset) {
        if ch == '\n' {
            l += 1;
            c = 1;
        } else {
            c += 1;
        }
    }
    (l, c)
}

/// Skips whitespace and comments from char `i`.
fn skip_blank(chars: &[char], mut i: usize) -> usize {
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i < chars.len() && chars[i] == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        return i;
    }
}

/// When the query, past its PREFIX and BASE lines, does not start with one of the four query
/// forms: where, and what it starts with instead.
fn wrong_form(text: &str) -> Option<(usize, usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = skip_blank(&chars, 0);
    loop {
        let word: String = chars[i..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '_')
            .collect();
        let len = word.chars().count();
        if word.eq_ignore_ascii_case("PREFIX") || word.eq_ignore_ascii_case("BASE") {
            // Past the prefix name (if any) and the `<…>` IRI.
            i = skip_blank(&chars, i + len);
            if word.eq_ignore_ascii_case("PREFIX") {
                while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '<' {
                    i += 1;
                }
                i = skip_blank(&chars, i);
            }
            if i < chars.len() && chars[i] == '<' {
                while i < chars.len() && chars[i] != '>' {
                    i += 1;
                }
                i = skip_blank(&chars, i + 1);
                continue;
            }
            return None;
        }
        let known = ["SELECT", "CONSTRUCT", "ASK", "DESCRIBE"];
        if known.iter().any(|k| word.eq_ignore_ascii_case(k)) {
            return None;
        }
        let (l, c) = position_of(text, i);
        let found = if i >= chars.len() {
            "the end of the query".to_string()
        } else if word.is_empty() {
            format!("{:?}", chars[i].to_string())
        } else {
            format!("{word:?}")
        };
        return Some((l, c, found));
    }
}

/// The innermost bracket left open at the end of `text` (comments, strings and IRIs skipped).
fn unclosed(text: &str) -> Option<char> {
    let mut stack = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            q @ ('"' | '\'') => {
                i += 1;
                while i < chars.len() && chars[i] != q {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
            }
            '<' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '>' || c.is_whitespace());
                if let Some(n) = end {
                    if chars[i + 1 + n] == '>' {
                        i += n + 1;
                    }
                }
            }
            '{' => stack.push('}'),
            '(' => stack.push(')'),
            '[' => stack.push(']'),
            '}' | ')' | ']' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.pop()
}

/// The quoted tokens and bare words of the parser's expected set; character classes (`[…]`)
/// become "[]".
fn alternatives(expected: &str) -> Vec<String> {
    let expected = expected.strip_prefix("one of ").unwrap_or(expected);
    let chars: Vec<char> = expected.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                        if chars[i] != '"' && chars[i] != '\\' {
                            s.push('\\');
                        }
                    }
                    s.push(chars[i]);
                    i += 1;
                }
                out.push(s);
            }
            '[' => {
                let mut depth = 0;
                while i < chars.len() {
                    match chars[i] {
                        '\'' => {
                            // A quoted char inside a class: skip it whole ('[' or ']' included).
                            i += 1;
                            while i < chars.len() && chars[i] != '\'' {
                                i += if chars[i] == '\\' { 2 } else { 1 };
                            }
                        }
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                out.push("[]".into());
            }
            c if c.is_ascii_alphabetic() => {
                let word: String = chars[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_' || **c == ' ')
                    .collect();
                let word = word
                    .split(',')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                i += word.chars().count().max(1);
                out.push(word);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A short reading of the alternatives: what kinds of term, then the punctuation and keywords.
fn summary(alternatives: &[String]) -> String {
    let has = |s: &str| alternatives.iter().any(|a| a == s);
    let mut parts: Vec<String> = Vec::new();
    if has("?") || has("$") {
        parts.push("a variable".into());
    }
    if has("<") {
        parts.push("an IRI or prefixed name".into());
    }
    if has("\"") || has("'") {
        parts.push("a literal".into());
    }
    for a in alternatives {
        let keep = matches!(
            a.as_str(),
            "{" | "}" | "(" | ")" | "." | "," | ";" | "*" | "="
        ) || (a.len() > 1 && a.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        if keep && !parts.contains(&format!("{a:?}")) && parts.len() < 7 {
            parts.push(format!("{a:?}"));
        }
    }
    match parts.len() {
        0 => String::new(),
        1 => parts.remove(0),
        n => format!("{} or {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}
