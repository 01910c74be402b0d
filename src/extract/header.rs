//! The report's header (title, date, issuer, source, period) and its home city: given, or
//! guessed from the header's or the text's first city written as a place.

use super::gazetteer::{slug, strip_cn_suffix};
use super::rulebook::{ends_any, starts_any};
use super::text::{self, fold, has_han, Split};
use super::*;
use crate::model::Level;

impl Extractor<'_> {
    /// Title, date, issuer and home, from the header lines and the options.
    pub(super) fn header(&self, split: &Split, opts: &Options) -> Result<Header, ExtractError> {
        let gaz = self.gaz;
        let r = self.rules;
        let first_lines: Vec<&str> = split
            .sentences
            .iter()
            .filter(|s| s.paragraph <= 4)
            .map(|s| s.text.as_str())
            .collect();
        let p1: Vec<&text::Sentence> = split
            .sentences
            .iter()
            .filter(|s| s.paragraph == 1)
            .collect();
        let title = (p1.len() == 1
            && !p1[0].text.contains('。')
            && !p1[0].text.starts_with(['(', '（', '第', '#'])
            && p1[0].text.chars().count() <= 80
            && has_han(&p1[0].text))
        .then(|| p1[0].text.trim().to_string());
        let mut date = opts.date.clone();
        let mut issuer = None;
        let mut source_url = opts.source_url.clone();
        for l in &first_lines {
            let t = l.trim();
            for k in r.words("date_key") {
                if let Some(rest) = t
                    .strip_prefix(k.text.as_str())
                    .and_then(|r| r.strip_prefix([':', '：']))
                {
                    if date.is_none() {
                        date = parse_day(rest);
                    }
                }
            }
            for k in r.words("issuer_key") {
                if let Some(rest) = t
                    .strip_prefix(k.text.as_str())
                    .and_then(|r| r.strip_prefix([':', '：']))
                {
                    if !rest.trim().is_empty() {
                        issuer = Some(rest.trim().to_string());
                    }
                }
            }
            // (2020年10月26日在…会议上), or a line that is only the date: 2023年12月20日
            let date_only = t.chars().count() <= 16
                && t.chars()
                    .all(|c| c.is_ascii_digit() || "年月日号 .-/".contains(c) || c.is_whitespace());
            if date.is_none() && (t.starts_with(['(', '（']) || date_only) {
                date = parse_day(t);
            }
            // A short line naming an office: 杭州市人大常委会民宗侨、外事工委
            if issuer.is_none()
                && !t.contains('。')
                && t.chars().count() <= 30
                && r.words("office")
                    .iter()
                    .any(|k| t.ends_with(k.text.as_str()) || t.contains(&format!("{}、", k.text)))
                && Some(t.to_string()) != title
            {
                issuer = Some(t.to_string());
            }
        }
        if let Some(src) = &split.source_line {
            // # source: URL | date: 2021-01-19 (…) | issuer | completeness
            let parts: Vec<&str> = src.trim_start_matches("# source:").split('|').collect();
            if source_url.is_none() {
                source_url = parts
                    .first()
                    .map(|s| s.trim().to_string())
                    .filter(|s| s.starts_with("http"));
            }
            if date.is_none() {
                date = parts.get(1).and_then(|d| parse_day(d));
            }
            if issuer.is_none() {
                issuer = parts
                    .get(2)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
            }
        }
        if issuer.is_none() {
            if let Some(t) = &title {
                for k in r.words("title_office") {
                    if let Some(i) = t.find(k.text.as_str()) {
                        issuer = Some(t[..i + k.text.len()].to_string());
                        break;
                    }
                }
            }
        }
        // Home: as given, else the first Chinese city in the header, else in the text.
        let mut home_basis = Some("given by --home".to_string());
        let home = match &opts.home {
            Some(h) => self.home_from(h)?,
            None => {
                let header_text: String = [title.clone(), issuer.clone()]
                    .into_iter()
                    .flatten()
                    .chain(first_lines.iter().map(|s| s.to_string()))
                    .collect::<Vec<_>>()
                    .join("。");
                // The office that speaks (河北省人民政府, 长宁区外办) is the home at its own
                // level; else the level the report speaks of itself at (我省); else the header's
                // first city.
                let folded_text: String = fold(&split.text).into_iter().collect();
                let own = self.own_level(&folded_text);
                // (Only a place the text itself names: a site that carries another city's
                // report, 青海人大网 for Chongqing's, is not its home.)
                let first = issuer
                    .as_deref()
                    .and_then(|t| self.issuing_place(t))
                    .filter(|(i, _)| {
                        let stem = strip_cn_suffix(&gaz.entry(*i).name_zh).to_string();
                        folded_text.contains(stem.as_str())
                    })
                    .or_else(|| own.and_then(|l| self.first_of_level(&header_text, l)))
                    .or_else(|| self.first_city(&header_text));
                let (i, words, place) = match first {
                    Some((i, w)) => (i, w, "the header"),
                    None => self
                        .first_city(&split.text)
                        .map(|(i, w)| (i, w, "the text"))
                        .ok_or(ExtractError::NoHome)?,
                };
                home_basis = Some(format!(
                    "guessed from 「{words}」 in {place}; pass --home to choose another"
                ));
                i
            }
        };
        let home_id = gaz.entry(home).id.clone();
        // The period: the title's year (上半年: to the report's date), else the date's year.
        let title_year = title
            .as_deref()
            .and_then(|t| rules::stated_year(&t.chars().collect::<Vec<_>>()))
            .map(|(y, _)| y);
        let date_year = date
            .as_deref()
            .and_then(|d| d.get(..4)?.parse::<i32>().ok())
            .or_else(|| {
                split.source_line.as_deref().and_then(|s| {
                    rules::stated_year(&s.chars().collect::<Vec<_>>()).map(|(y, _)| y)
                })
            });
        let year = title_year.or(date_year).unwrap_or(0);
        let period_start = if year > 0 {
            format!("{year:04}-01-01")
        } else {
            String::new()
        };
        let mut period_end = if year > 0 {
            format!("{year:04}-12-31")
        } else {
            String::new()
        };
        if title
            .as_deref()
            .is_some_and(|t| super::rulebook::any_in(t, r.words("first_half")))
        {
            period_end = format!("{year:04}-06-30");
        }
        if let Some(d) = &date {
            if d.as_str() >= period_start.as_str() && d.as_str() < period_end.as_str() {
                period_end = d.clone();
            }
        }
        let id = match &opts.report_id {
            Some(id) => id.clone(),
            None => {
                let base = slug(&gaz.entry(home).name_en);
                let base = if base.is_empty() {
                    home_id.clone()
                } else {
                    base
                };
                match &date {
                    Some(d) => format!("{base}-{}", d.replace('-', "")),
                    None if year > 0 => format!("{base}-{year}"),
                    None => format!("{base}-report"),
                }
            }
        };
        Ok(Header {
            id,
            title,
            date,
            issuer,
            source_url,
            period_start,
            period_end,
            home: home_id,
            home_basis,
        })
    }

    /// `--home`: a place id, else a name; a name several places bear is refused with the
    /// candidates (each with its id and what it lies in), never guessed.
    pub(super) fn home_from(&self, h: &str) -> Result<usize, ExtractError> {
        if let Some(i) = self.gaz.by_id(h) {
            return Ok(i);
        }
        match self.gaz.lookup(h, None) {
            gazetteer::Lookup::One(i) => Ok(i),
            gazetteer::Lookup::Many(c) => {
                // A home is in China: foreign namesakes do not make a Chinese name ambiguous.
                let domestic: Vec<usize> = c
                    .iter()
                    .copied()
                    .filter(|&i| !self.gaz.is_counterpart(i) || self.gaz.entry(i).framed_region)
                    .collect();
                match domestic[..] {
                    [one] => Ok(one),
                    _ => Err(ExtractError::AmbiguousHome(
                        h.to_string(),
                        (if domestic.is_empty() { c } else { domestic })
                            .iter()
                            .map(|&i| self.gaz.describe(i))
                            .collect(),
                    )),
                }
            }
            gazetteer::Lookup::None => Err(ExtractError::UnknownHome(h.to_string())),
        }
    }

    /// The level a report speaks of its own side at (我省: a region, 我区: a district, 我市: a
    /// city), by the words it uses most; none when it uses none, or a region or district as
    /// often as a city.
    fn own_level(&self, text: &str) -> Option<Level> {
        let n = |g: &str| -> usize {
            self.rules
                .words(g)
                .iter()
                .map(|w| text.matches(w.text.as_str()).count())
                .sum()
        };
        let (region, district, city) = (n("self_region"), n("self_district"), n("self_city"));
        if region > city && region >= district {
            Some(Level::Region)
        } else if district > city && district > region {
            Some(Level::District)
        } else {
            None
        }
    }

    /// The place an issuer's name begins with (河北省人民政府 → 河北省, 长宁区外办 → 长宁区),
    /// at its own level, when its suffix or an office follows it.
    fn issuing_place(&self, issuer: &str) -> Option<(usize, String)> {
        let f: String = fold(issuer).into_iter().collect();
        let chars: Vec<char> = f.chars().collect();
        let found = self.gaz.find(&f);
        let (s, mut e, ids) = found.first()?.clone();
        if s > 0 {
            return None;
        }
        let (mut i, _) = self.gaz.resolve(&ids, None, None)?;
        let mut start = s;
        // The chain's last place: 上海市长宁区 is 长宁区.
        for (s2, e2, ids2) in &found[1..] {
            if *s2 != e {
                break;
            }
            match self.gaz.resolve(ids2, None, None) {
                Some((j, _)) if self.gaz.within(j, i) => {
                    (i, start, e) = (j, *s2, *e2);
                }
                _ => break,
            }
        }
        let entry = self.gaz.entry(i);
        if !self.gaz.is_domestic(i) || entry.framed_region || entry.level == Level::Country {
            return None;
        }
        let words: String = chars[start..e].iter().collect();
        let after: String = chars[e..chars.len().min(e + 6)].iter().collect();
        (ends_any(&words, self.rules.words("home_suffix"))
            || words.ends_with('省')
            || starts_any(&after, self.rules.words("home_office")))
        .then_some((i, words))
    }

    /// The first place of China of `level` named in `text` as a place (its suffix or office
    /// after it, or data/ holds it), with its words; for a district, an autonomous region
    /// where no district is named (广西 says 我区).
    fn first_of_level(&self, text: &str, level: Level) -> Option<(usize, String)> {
        let f: String = fold(text).into_iter().collect();
        let chars: Vec<char> = f.chars().collect();
        let mut region = None;
        for (s, e, ids) in self.gaz.find(&f) {
            let Some(i) = ids.iter().copied().find(|&i| {
                self.gaz.entry(i).level == level || self.gaz.entry(i).level == Level::Region
            }) else {
                continue;
            };
            if !self.gaz.is_domestic(i) || self.gaz.entry(i).framed_region {
                continue;
            }
            let words: String = chars[s..e].iter().collect();
            let after: String = chars[e..chars.len().min(e + 6)].iter().collect();
            let written_as_place = self.gaz.entry(i).in_data
                || self.gaz.entry(i).level == Level::Region
                || ends_any(&words, self.rules.words("home_suffix"))
                || starts_any(&after, self.rules.words("home_office"));
            if !written_as_place {
                continue;
            }
            match self.gaz.entry(i).level {
                l if l == level => return Some((i, words)),
                Level::Region if region.is_none() => region = Some((i, words)),
                _ => {}
            }
        }
        region.filter(|_| level == Level::District)
    }

    /// The first city (or district's city) of China named in `text`, with the words it was
    /// read from. Only a name written as a place counts: one `data/` holds, or one followed by
    /// its administrative suffix (市, 区, 县…) or by the office that speaks for it (外办,
    /// 人民政府…), so 成功 in 成功举办 or 浦江 in a river's name never makes a home.
    pub(super) fn first_city(&self, text: &str) -> Option<(usize, String)> {
        let f: String = fold(text).into_iter().collect();
        let chars: Vec<char> = f.chars().collect();
        for (s, e, ids) in self.gaz.find(&f) {
            let Some((i, _)) = self.gaz.resolve(&ids, None, None) else {
                continue;
            };
            if !self.gaz.is_domestic(i) {
                continue;
            }
            let words: String = chars[s..e].iter().collect();
            let after: String = chars[e..chars.len().min(e + 6)].iter().collect();
            let written_as_place = self.gaz.entry(i).in_data
                || ends_any(&words, self.rules.words("home_suffix"))
                || starts_any(&after, self.rules.words("home_office"));
            if !written_as_place {
                continue;
            }
            let e = self.gaz.entry(i);
            match e.level {
                Level::City => return Some((i, words)),
                Level::District => {
                    if let Some(p) = self
                        .gaz
                        .ancestors(i)
                        .find(|&a| self.gaz.entry(a).level == Level::City)
                    {
                        return Some((p, words));
                    }
                }
                _ => {}
            }
        }
        None
    }
}
