//! The short names reports use, from `rules/abbreviations.tsv` (an analyst can add a row
//! without touching the code): a Chinese city's one-character name (京, 穗: 京港 is Beijing and
//! Hong Kong) and the character that names a country after 中 (中韩 is China and Korea).

use std::collections::HashMap;

const EMBEDDED: &str = include_str!("../../rules/abbreviations.tsv");

/// The table, read once.
#[derive(Clone, Debug)]
pub struct ShortNames {
    /// (city name prefix, its character).
    pub home: Vec<(String, char)>,
    /// The character after 中 and the country's Chinese name.
    pub country: HashMap<char, String>,
    /// Words after 中X that make it a pair of countries.
    pub context: Vec<Vec<char>>,
}

impl ShortNames {
    pub fn embedded() -> &'static ShortNames {
        static T: std::sync::OnceLock<ShortNames> = std::sync::OnceLock::new();
        T.get_or_init(|| ShortNames::parse(EMBEDDED))
    }

    pub fn parse(tsv: &str) -> ShortNames {
        let mut t = ShortNames {
            home: Vec::new(),
            country: HashMap::new(),
            context: Vec::new(),
        };
        for line in tsv.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').map(str::trim).collect();
            let short = f.get(1).copied().unwrap_or("");
            let one = || {
                let mut c = short.chars();
                match (c.next(), c.next()) {
                    (Some(x), None) => Some(x),
                    _ => None,
                }
            };
            match (f[0], f.get(2).copied().unwrap_or("")) {
                ("home", name) if !name.is_empty() => {
                    if let Some(c) = one() {
                        t.home.push((name.to_string(), c));
                    }
                }
                ("country", name) if !name.is_empty() => {
                    if let Some(c) = one() {
                        t.country.insert(c, name.to_string());
                    }
                }
                ("context", _) if !short.is_empty() => t.context.push(short.chars().collect()),
                _ => {}
            }
        }
        t
    }

    /// Adds the rows of another table (same format). A row that is not `home`, `country` or
    /// `context` with its fields is an error naming its line.
    pub fn extend(&mut self, tsv: &str) -> Result<(), String> {
        for (n, line) in tsv.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') || t.starts_with("kind\t") {
                continue;
            }
            let f: Vec<&str> = line.split('\t').map(str::trim).collect();
            let ok = match f[0] {
                "home" | "country" => f.len() >= 3 && f[1].chars().count() == 1 && !f[2].is_empty(),
                "context" => f.len() >= 2 && !f[1].is_empty(),
                _ => false,
            };
            if !ok {
                return Err(format!(
                    "line {}: {line:?}: expected `home<TAB>X<TAB>城市`, `country<TAB>X<TAB>国名` or `context<TAB>词`",
                    n + 1
                ));
            }
        }
        let more = ShortNames::parse(tsv);
        self.home.extend(more.home);
        self.country.extend(more.country);
        self.context.extend(more.context);
        Ok(())
    }

    /// The home city's character, for a home whose Chinese name starts with a listed city.
    pub fn home_char(&self, home_zh: &str) -> Option<char> {
        self.home
            .iter()
            .find(|(n, _)| home_zh.starts_with(n.as_str()))
            .map(|(_, c)| *c)
    }

    /// 中X pairs in `folded`: (char offset of X, the country's name). X counts when a context
    /// word follows it, or it is one of a run 中X、中Y, or its full name follows in brackets
    /// (中尼(泊尔)).
    pub fn country_pairs(&self, folded: &[char]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for i in 0..folded.len().saturating_sub(1) {
            if folded[i] != '中' {
                continue;
            }
            let x = folded[i + 1];
            let Some(name) = self.country.get(&x) else {
                continue;
            };
            let rest = &folded[i + 2..];
            let in_context = self.context.iter().any(|w| rest.starts_with(w));
            let run = rest.starts_with(&['、', '中'])
                || (i >= 1 && folded[i - 1] == '、' && i >= 3 && folded[i - 3] == '中');
            let bracketed = rest.first() == Some(&'(') && {
                let inner: String = rest[1..].iter().take_while(|&&c| c != ')').collect();
                name.ends_with(&inner) && !inner.is_empty()
            };
            if in_context || run || bracketed {
                out.push((i + 1, name.clone()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_need_a_context() {
        let t = ShortNames::embedded();
        let f = |s: &str| -> Vec<String> {
            let c: Vec<char> = s.chars().collect();
            t.country_pairs(&c).into_iter().map(|(_, n)| n).collect()
        };
        assert_eq!(f("纪念中韩建交30周年音乐会"), ["韩国"]);
        assert_eq!(f("中韩、中尼外长会在青举行"), ["韩国", "尼泊尔"]);
        assert_eq!(f("中尼(泊尔)友好"), ["尼泊尔"]);
        assert!(f("中美洲").is_empty() && f("其中日常工作").is_empty() && f("中心").is_empty());
        assert_eq!(t.home_char("广州市"), Some('穗'));
    }
}
