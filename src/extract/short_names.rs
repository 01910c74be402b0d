//! The short names reports use, from `rules/abbreviations.tsv` (an analyst can add a row
//! without touching the code): a Chinese city's one-character name (京, 穗: 京港 is Beijing and
//! Hong Kong), the character after it that names Hong Kong, Macao or Taiwan, and the character
//! that names a country after 中 (中韩 is China and Korea).

use std::collections::HashMap;

/// The table, from the rows of `rules/abbreviations.tsv` (and `--rules FILE`) that the rule
/// book ([`super::rulebook`]) hands over.
#[derive(Clone, Debug, Default)]
pub struct ShortNames {
    /// (city name prefix, its character).
    pub home: Vec<(String, char)>,
    /// The character after 中 and the country's Chinese name.
    pub country: HashMap<char, String>,
    /// Words after 中X that make it a pair of countries.
    pub context: Vec<Vec<char>>,
    /// The character after a home's own (京港) and the region it names (香港).
    pub partner: Vec<(char, String)>,
}

impl ShortNames {
    /// Adds one row (kind, short, name): `home`, `country`, `partner` or `context`. A row that
    /// lacks its fields is refused with the column (from 0) and what it should hold.
    pub fn row(&mut self, f: &[&str]) -> Result<(), (usize, &'static str)> {
        let short = f.get(1).copied().unwrap_or("");
        let name = f.get(2).copied().unwrap_or("");
        let mut cs = short.chars();
        let one = match (cs.next(), cs.next()) {
            (Some(x), None) => Some(x),
            _ => None,
        };
        let kind = f[0];
        if kind == "context" {
            if short.is_empty() {
                return Err((
                    1,
                    "a word after 中X that makes it a pair of countries (context<TAB>词)",
                ));
            }
            self.context.push(short.chars().collect());
            return Ok(());
        }
        let Some(c) = one else {
            return Err((
                1,
                "one character (home<TAB>X<TAB>城市, country<TAB>X<TAB>国名, partner<TAB>X<TAB>地区)",
            ));
        };
        if name.is_empty() {
            return Err((
                2,
                "the name the character stands for (home<TAB>X<TAB>城市, country<TAB>X<TAB>国名, partner<TAB>X<TAB>地区)",
            ));
        }
        match kind {
            "home" => self.home.push((name.to_string(), c)),
            "country" => {
                self.country.insert(c, name.to_string());
            }
            _ => self.partner.push((c, name.to_string())),
        }
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
    use super::super::rulebook::Rules;

    #[test]
    fn pairs_need_a_context() {
        let t = &Rules::embedded().short;
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
