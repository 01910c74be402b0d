//! The gazetteer: every name a place can be written by in a report, and what it resolves to.
//!
//! Three sources, merged into one list of entries: the places of `data/` (curated; their ids
//! win), the countries with their Chinese names and the world's cities and first-level regions
//! with Chinese names (`data/gazetteer/`, embedded in the binary; sources and licence in
//! `data/README.md`). A name ("马德里", "博特罗普市", "北威州") is found by one Aho-Corasick
//! pass, longest match first; [`Gazetteer::resolve`] then picks the entry a chain of adjacent
//! names points to ("德国北威州博特罗普市": Bottrop *in* North Rhine-Westphalia *in* Germany)
//! and never guesses between two entries the text does not tell apart.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;

use super::text::fold;
use crate::model::{Dataset, Level};

mod build;
mod names;

use build::{Builder, ALIASES, CITIES, CN_DIVISIONS, COUNTRIES, REGIONS_CN};
use names::{en_key, name_key, strip_generic, strip_suffix, EN_COUNTRY_FORMS, TRANSLIT};
pub use names::{slug, strip_cn_suffix, Cell, Lookup};

/// One place the gazetteer knows.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The id in `data/places.csv`, or for a table entry a new id made from its English name.
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub alt_zh: Vec<String>,
    pub level: Level,
    /// The entry directly above (region, country, continent), if known.
    pub parent: Option<usize>,
    /// The country entry (itself for a country).
    pub country: Option<usize>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub population: u64,
    pub wikidata: Option<String>,
    /// Where the entry comes from: `data/places.csv`, or the table's source id.
    pub source: String,
    /// Whether `data/places.csv` holds it.
    pub in_data: bool,
    /// Hong Kong, Macao and Taiwan: regions the reports frame as handled by the HK-Macao
    /// office, never as foreign countries; counterparts all the same.
    pub framed_region: bool,
    /// The official division code of a unit of the Chinese mainland (`cn_divisions.tsv`).
    pub code: Option<String>,
}

impl Entry {
    pub fn level_key(&self) -> &'static str {
        Level::KEYS[self.level as usize]
    }
}

/// The gazetteer, built once per run.
pub struct Gazetteer {
    pub entries: Vec<Entry>,
    /// Each entry's English name folded by `en_key`, made on the first `find_en` (only
    /// `import` of an English table asks; `extract` never pays for it).
    en_keys: std::sync::OnceLock<Vec<String>>,
    forms: Vec<(String, Vec<usize>)>,
    /// Every Chinese name of every entry (with and without its suffix), unfiltered: a table
    /// cell or `--home` is a name by construction, so 合作市 there is the city.
    names: HashMap<String, Vec<usize>>,
    ac: AhoCorasick,
    /// Organisations of `data/` by name: (id, name) for highlighting.
    /// Organisation id, the form, and for a form that does not name its city ("市政府",
    /// "协调督办处") the city it belongs to: such a form is only that city's in its own reports.
    org_forms: Vec<(String, String, Option<String>)>,
    org_ac: Option<AhoCorasick>,
    home_country: Option<usize>,
    by_id: HashMap<String, usize>,
    /// Jieba's dictionary, to tell a name from a piece of a longer word (大都 in 大都市).
    jieba: jieba_rs::Jieba,
}

/// Suffixes a Chinese place name may carry or drop ("塔什干市" / "塔什干").
pub const SUFFIXES: &[char] = &['市', '州', '省', '区', '县', '郡', '府'];

/// Two-character words that are never a place name alone, whatever a table says (a town
/// named 合作 exists; "合作" in a report is cooperation).
const NOT_NAMES: &[&str] = &[
    "合作",
    "发展",
    "国际",
    "友好",
    "和平",
    "中心",
    "城市",
    "地方",
    "国家",
    "工作",
    "交流",
    "文化",
    "经济",
    "科技",
    "人民",
    "政府",
    "东方",
    "西部",
    "南部",
    "北部",
    "中部",
    "新城",
    "胜利",
    "自由",
    "团结",
    "和谐",
    "未来",
    "首都",
    "明天",
    "光明",
    "前进",
    "红旗",
    "建设",
    "开放",
    "共和",
    "民主",
    "联合",
    "世界",
    "全球",
    "中华",
    "长城",
    "高新",
    "友谊",
    "复兴",
    "繁荣",
    "平安",
    "吉祥",
    "太平",
    "大都",
    "都市",
    "中央",
    "中心区",
    "新区",
    "市区",
    "城区",
    "郊区",
];

impl Gazetteer {
    /// Builds the gazetteer from `data/`'s places and the embedded tables.
    pub fn new(ds: &Dataset) -> Gazetteer {
        let mut b = Builder::default();
        b.add_data(ds);
        b.add_countries(COUNTRIES);
        b.add_regions_cn(REGIONS_CN);
        b.add_cn_divisions(CN_DIVISIONS);
        b.add_cities(CITIES);
        b.add_aliases(ALIASES);
        b.finish(ds)
    }

    pub fn entry(&self, i: usize) -> &Entry {
        &self.entries[i]
    }

    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The entries whose English name is `name`, compared without case, accents, a leading
    /// "the" or a trailing "City"/"County" (so "Linkoping" finds Linköping and "the United
    /// States of America" the United States); for tables that give only English names.
    pub fn find_en(&self, name: &str) -> Vec<usize> {
        self.most_populous(self.find_en_all(name))
    }

    /// The entries an English name may be, every namesake kept (for [`Gazetteer::lookup`],
    /// which narrows by country and qualifier before choosing).
    fn find_en_all(&self, name: &str) -> Vec<usize> {
        let want = en_key(name);
        if want.is_empty() {
            return Vec::new();
        }
        let alias = EN_COUNTRY_FORMS
            .iter()
            .find(|(long, _)| *long == want)
            .map(|(_, short)| *short);
        let keys = self
            .en_keys
            .get_or_init(|| self.entries.iter().map(|e| en_key(&e.name_en)).collect());
        let mut hits: Vec<usize> = (0..keys.len())
            .filter(|&i| keys[i] == want || Some(keys[i].as_str()) == alias)
            .collect();
        // "Nara" is both 奈良县 (the prefecture, "Nara") and 奈良市 ("Nara-shi"): keep both,
        // so the city can win over its region as it does for Chinese names.
        if !hits.is_empty() && hits.iter().all(|&i| self.entries[i].level == Level::Region) {
            hits.extend((0..keys.len()).filter(|&i| {
                self.entries[i].level == Level::City && strip_generic(&keys[i]) == want
            }));
        }
        let says_region = [
            "county",
            "province",
            "state",
            "region",
            "prefecture",
            "metropolis",
        ]
        .iter()
        .any(|w| want.ends_with(&format!(" {w}")));
        if !hits.is_empty()
            && !says_region
            && hits.iter().all(|&i| self.entries[i].level == Level::Region)
        {
            // A city table's "Buenos Aires" is the city, not the province of that name: take
            // an entry named "… of Buenos Aires" (the Autonomous City of Buenos Aires) if any.
            let of = format!(" of {want}");
            let cities: Vec<usize> = (0..keys.len())
                .filter(|&i| keys[i].ends_with(&of))
                .collect();
            if !cities.is_empty() {
                return cities;
            }
        }
        if hits.is_empty() {
            // "Mombasa County", "Kuwait City": without the generic word; "Frankfurt": the
            // name as the first words of a longer one ("Frankfurt am Main").
            let bare = strip_generic(&want);
            let prefix = format!("{want} ");
            let mut hits: Vec<usize> = (0..keys.len())
                .filter(|&i| {
                    let k = &keys[i];
                    (bare != want && strip_generic(k) == bare) || k.starts_with(&prefix)
                })
                .collect();
            if says_region && hits.iter().any(|&i| self.entries[i].level == Level::Region) {
                hits.retain(|&i| self.entries[i].level == Level::Region);
            }
            return hits;
        }
        hits
    }

    /// Of several same-named entries, the city (or else any) with the largest population,
    /// when it is clearly the largest (ten times the next); all of them otherwise.
    fn most_populous(&self, mut hits: Vec<usize>) -> Vec<usize> {
        // A place data/ already holds wins over the gazetteer's copies of it (a second
        // import of a table, or a table naming a report's place, gives the same node).
        if hits.iter().any(|&i| self.entries[i].in_data) {
            hits.retain(|&i| self.entries[i].in_data);
        }
        if hits.len() < 2 {
            return hits;
        }
        hits.sort_by_key(|&i| {
            (
                self.entries[i].level != Level::City,
                std::cmp::Reverse(self.entries[i].population),
            )
        });
        let (a, b) = (&self.entries[hits[0]], &self.entries[hits[1]]);
        if a.level == Level::City
            && (b.level != Level::City || a.population >= 10 * b.population.max(1))
        {
            hits.truncate(1);
        }
        hits
    }

    /// Whether an entry is on the other side of a home in China: abroad, or a framed region.
    pub fn is_counterpart(&self, i: usize) -> bool {
        let e = &self.entries[i];
        if e.framed_region || self.ancestors(i).any(|a| self.entries[a].framed_region) {
            return true;
        }
        match (e.country, self.home_country) {
            (Some(c), Some(h)) => c != h,
            (None, _) => e.level == Level::Continent,
            (Some(_), None) => true,
        }
    }

    /// Whether an entry lies in the home country (and is not a framed region).
    pub fn is_domestic(&self, i: usize) -> bool {
        !self.is_counterpart(i) && self.entries[i].level != Level::Continent
    }

    /// The entries above `i`, nearest first.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let mut cur = self.entries[i].parent;
        let mut guard = 0;
        std::iter::from_fn(move || {
            let c = cur?;
            guard += 1;
            if guard > 16 {
                return None;
            }
            cur = self.entries[c].parent;
            Some(c)
        })
    }

    /// `i` and the entries above it, the topmost first (continent, country, …, `i`).
    pub fn chain_down(&self, i: usize) -> Vec<usize> {
        let mut chain: Vec<usize> = std::iter::once(i).chain(self.ancestors(i)).collect();
        chain.reverse();
        chain
    }

    /// Whether `outer` is `i` or above it.
    pub fn within(&self, i: usize, outer: usize) -> bool {
        i == outer
            || self.ancestors(i).any(|a| a == outer)
            || self.entries[i].country == Some(outer)
    }

    /// The Chinese name of an entry's country, if any.
    pub fn country_zh(&self, i: usize) -> Option<&str> {
        self.entries[i]
            .country
            .map(|c| self.entries[c].name_zh.as_str())
    }

    /// Every place name in `folded` (one char per char of the sentence): char offsets, the
    /// matched form and the entries it may be.
    pub fn find(&self, folded: &str) -> Vec<(usize, usize, Vec<usize>)> {
        let starts: Vec<usize> = folded.char_indices().map(|(b, _)| b).collect();
        let to_char = |b: usize| starts.partition_point(|&s| s < b);
        let chars: Vec<char> = folded.chars().collect();
        let mut out = Vec::new();
        for m in self.ac.find_iter(folded) {
            let (s, mut e) = (to_char(m.start()), to_char(m.end()));
            let e0 = e;
            let (form, ids) = &self.forms[m.pattern().as_usize()];
            // 蒙古国: a country's name with 国 after it is the country.
            if chars.get(e) == Some(&'国')
                && !form.ends_with('国')
                && ids.iter().all(|&i| self.entries[i].level == Level::Country)
            {
                e += 1;
            }
            // Korea's long suffixes (首尔 + 特别市, 釜山 + 广域市) belong to the mention.
            for long in ["特别自治市", "特别市", "广域市", "特别自治道"] {
                let l: Vec<char> = long.chars().collect();
                if chars[e..].starts_with(&l) && !form.ends_with(long) {
                    e += l.len();
                    break;
                }
            }
            // A suffix the form dropped ("博特罗普" + 市) belongs to the mention.
            if let Some(&c) = chars.get(e).filter(|_| e == e0) {
                if SUFFIXES.contains(&c) && !form.ends_with(SUFFIXES) {
                    let level_ok = ids.iter().any(|&i| {
                        matches!(
                            self.entries[i].level,
                            Level::City | Level::District | Level::Region
                        )
                    });
                    if level_ok {
                        e += 1;
                    }
                }
            }
            // A table name that is the start or the end of a longer ordinary word is that
            // word, not a place: 大都 in 大都市, only for names data/ does not hold.
            if ids.iter().all(|&i| !self.entries[i].in_data)
                && (self.inside_word(&chars, s, e0) || (e > e0 && self.common_word(&chars[s..e])))
            {
                continue;
            }
            if ids
                .iter()
                .all(|&i| !self.entries[i].in_data && !self.is_domestic(i))
                && self.inside_unknown_name(&chars, s, e, &out)
            {
                continue;
            }
            out.push((s, e, ids.clone()));
        }
        out
    }

    /// Whether the foreign name at chars[s..e] is only the middle or the end of a longer name
    /// nobody knows: 亚加 (Yagha) inside 尼亚加拉市 (both neighbours are characters of
    /// transliterated names), or 北区 (Kita-ku) at the end of 新北区 (a district name glued to
    /// the character before it, which no earlier match explains).
    fn inside_unknown_name(
        &self,
        chars: &[char],
        s: usize,
        e: usize,
        before: &[(usize, usize, Vec<usize>)],
    ) -> bool {
        let prev = s.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(e).copied();
        let chained = before.last().is_some_and(|&(_, pe, _)| pe == s);
        // 肯特 in 查达姆-肯特市: the second half of a hyphenated name.
        if prev.is_some_and(|c| matches!(c, '-' | '－' | '·' | '・'))
            && s >= 2
            && super::text::is_han(chars[s - 2])
        {
            return true;
        }
        if e - s == 2
            && prev.is_some_and(|c| TRANSLIT.contains(c))
            && next.is_some_and(|c| TRANSLIT.contains(c))
            && !chained
        {
            return true;
        }
        e - s <= 3
            && chars[e - 1] == '区'
            && !chained
            && prev.is_some_and(|c| {
                super::text::is_han(c) && !"与和及在的、对同跟向同于赴到从至".contains(c)
            })
    }

    /// Whether chars[s..e] extended by one character on either side is a dictionary word
    /// that is not a place name.
    fn inside_word(&self, chars: &[char], s: usize, e: usize) -> bool {
        (e < chars.len() && self.common_word(&chars[s..e + 1]))
            || (s > 0 && self.common_word(&chars[s - 1..e]))
    }

    /// Whether `w` is a word of jieba's dictionary that is not tagged as a place name.
    fn common_word(&self, w: &[char]) -> bool {
        let w: String = w.iter().collect();
        if !self.jieba.has_word(&w) {
            return false;
        }
        let tags = self.jieba.tag(&w, false);
        !(tags.len() == 1 && tags[0].tag.starts_with("ns"))
    }

    /// Organisations of `data/` named in `folded`: char offsets and id.
    /// The organisations `data/` knows named in `folded`: (start, end, id). A form that does not
    /// name its city counts only in a report whose home is that city (or inside it): "市政府" in
    /// a Guangzhou report is not Beijing's government.
    pub fn find_orgs(&self, folded: &str, home: Option<usize>) -> Vec<(usize, usize, String)> {
        let Some(ac) = &self.org_ac else {
            return Vec::new();
        };
        let starts: Vec<usize> = folded.char_indices().map(|(b, _)| b).collect();
        let to_char = |b: usize| starts.partition_point(|&s| s < b);
        let ours = |city: &Option<String>| match city {
            None => true,
            Some(c) => match (home, self.by_id(c)) {
                (Some(h), Some(c)) => h == c || self.within(h, c),
                _ => false,
            },
        };
        ac.find_iter(folded)
            .filter(|m| ours(&self.org_forms[m.pattern().as_usize()].2))
            .map(|m| {
                (
                    to_char(m.start()),
                    to_char(m.end()),
                    self.org_forms[m.pattern().as_usize()].0.clone(),
                )
            })
            .collect()
    }

    /// The entry a mention resolves to, given the entry of the name right before it (the
    /// chain "国家 + 州 + 城市") and what earlier sentences of the report resolved the same
    /// form to. `None` when the candidates stay more than one: the caller makes the mention
    /// a new candidate place instead of guessing.
    pub fn resolve(
        &self,
        candidates: &[usize],
        context: Option<usize>,
        earlier: Option<usize>,
    ) -> Option<(usize, f64)> {
        if let Some(ctx) = context {
            let inside: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&c| c != ctx && self.within(c, ctx))
                .collect();
            if let Some(best) = self.single(&inside) {
                return Some((best, 0.95));
            }
            let same_country: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&c| {
                    c != ctx
                        && self.entries[c].country.is_some()
                        && self.entries[c].country == self.entries[ctx].country
                })
                .collect();
            if let Some(best) = self.single(&same_country) {
                return Some((best, 0.9));
            }
        }
        if let Some(e) = earlier {
            if candidates.contains(&e) {
                return Some((e, 0.9));
            }
        }
        self.single(candidates).map(|b| (b, 0.85))
    }

    /// The entries a Chinese name (a table cell, `--home`) names exactly; only when none does,
    /// the name with its suffix dropped or with one added (塔什干 / 塔什干市).
    pub fn named(&self, name: &str) -> Vec<usize> {
        let f = name_key(name);
        match self.names.get(&f) {
            Some(ids) => ids.clone(),
            None => self.named_loosely(&f),
        }
    }

    /// The entries `name` names with its suffix dropped or one added (and exactly).
    fn named_loosely(&self, name: &str) -> Vec<usize> {
        let f = name_key(name);
        let mut out: Vec<usize> = self.names.get(&f).cloned().unwrap_or_default();
        let mut add = |ids: Option<&Vec<usize>>| {
            for &i in ids.into_iter().flatten() {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        };
        let stem = strip_cn_suffix(&f);
        if stem != f {
            add(self.names.get(stem));
        }
        for sfx in SUFFIXES {
            add(self.names.get(&format!("{f}{sfx}")));
        }
        out
    }

    /// What a cell or name resolves to. The cell may hold a Chinese name, an English one or
    /// both (`奈良市 Nara`), and a qualifier in brackets (`Kansas City (Missouri)`, `堪萨斯市
    /// (密苏里州)`); `within` (a country or region the row or context gives) narrows it, and
    /// nothing outside it is taken. Namesakes left apart are [`Lookup::Many`], never a guess.
    pub fn lookup(&self, cell: &str, within: Option<usize>) -> Lookup {
        let c = Cell::split(cell);
        if c.zh.is_empty() && c.en.is_empty() {
            return Lookup::None;
        }
        let by_zh = if c.zh.is_empty() {
            Vec::new()
        } else {
            self.named(&c.zh)
        };
        let by_en = if c.en.is_empty() {
            Vec::new()
        } else {
            self.find_en_all(&c.en)
        };
        let mut cands: Vec<usize> = match (by_zh.is_empty(), by_en.is_empty()) {
            (false, false) => {
                // 爱丁堡市 Edinburgh: the city 爱丁堡 is named by both, loosely; 萨格勒布市 Zagreb
                // names the region exactly and the city 萨格勒布 loosely, and the city wins below.
                let loose = self.named_loosely(&c.zh);
                let both: Vec<usize> = by_en
                    .iter()
                    .copied()
                    .filter(|i| by_zh.contains(i) || loose.contains(i))
                    .collect();
                if both.is_empty() {
                    // The two names disagree: keep both sides' options for the analyst.
                    by_zh.iter().chain(&by_en).copied().collect()
                } else {
                    both
                }
            }
            (false, true) => by_zh,
            (true, false) => by_en,
            (true, true) => Vec::new(),
        };
        cands.sort_unstable();
        cands.dedup();
        // A name written as a city (科尼亚市) that no entry carries exactly is not the region
        // its stem names (科尼亚, Konya province): without the city, the place is new.
        if c.zh.ends_with('市')
            && !c.zh.ends_with("特别市")
            && !c.zh.ends_with("广域市")
            && !self.names.contains_key(&name_key(&c.zh))
        {
            cands.retain(|&i| self.entries[i].level != Level::Region);
        }
        if let Some(q) = &c.qualifier {
            let outer = self.lookup(q, within).into_vec();
            let inside: Vec<usize> = cands
                .iter()
                .copied()
                .filter(|&i| outer.iter().any(|&o| o != i && self.within(i, o)))
                .collect();
            if !inside.is_empty() {
                cands = inside;
            }
        }
        if let Some(w) = within {
            cands.retain(|&i| i != w && self.within(i, w));
        }
        match cands.len() {
            0 => Lookup::None,
            1 => Lookup::One(cands[0]),
            _ => match self
                .single(&cands)
                .or_else(|| self.prefecture_over_counties(&cands))
            {
                Some(one) => Lookup::One(one),
                None => Lookup::Many(cands),
            },
        }
    }

    /// A bare Chinese name shared by one prefecture-level (or higher) unit and county-level
    /// ones only: the prefecture, as the name is used (西安 is 西安市, not 西安区 of Liaoyuan;
    /// a district is written with its 区). Two prefectures, or a non-coded entry, stay apart.
    fn prefecture_over_counties(&self, c: &[usize]) -> Option<usize> {
        let codes: Option<Vec<&str>> = c.iter().map(|&i| self.entries[i].code.as_deref()).collect();
        let codes = codes?;
        let high: Vec<usize> = (0..c.len()).filter(|&k| codes[k].ends_with("00")).collect();
        (high.len() == 1).then(|| c[high[0]])
    }

    /// One line naming an entry for a person choosing between namesakes: its Chinese and
    /// English names, its id and what it lies in (长宁区 (cn-310105) in 上海市, 中国).
    pub fn describe(&self, i: usize) -> String {
        let e = &self.entries[i];
        let mut s = e.name_zh.clone();
        if !e.name_en.is_empty() {
            s.push(' ');
            s.push_str(&e.name_en);
        }
        s.push_str(&format!(" (id {}, {}", e.id, e.level_key()));
        if let Some(code) = &e.code {
            s.push_str(&format!(", code {code}"));
        }
        s.push(')');
        let up: Vec<&str> = self
            .ancestors(i)
            .map(|a| self.entries[a].name_zh.as_str())
            .filter(|n| !n.is_empty())
            .collect();
        if !up.is_empty() {
            s.push_str(" in ");
            s.push_str(&up.join(", "));
        }
        s
    }

    /// One entry out of several, when the text need not say more: the only one; else the
    /// only curated one; else a country over its namesakes; else one at least ten times as
    /// populous as every other.
    fn single(&self, c: &[usize]) -> Option<usize> {
        match c {
            [] => None,
            [one] => Some(*one),
            _ => {
                let curated: Vec<usize> = c
                    .iter()
                    .copied()
                    .filter(|&i| self.entries[i].in_data)
                    .collect();
                if curated.len() == 1 {
                    return Some(curated[0]);
                }
                // A city over the region of the same name (明斯克 the city, not the oblast).
                let cities: Vec<usize> = c
                    .iter()
                    .copied()
                    .filter(|&i| self.entries[i].level == Level::City)
                    .collect();
                if cities.len() == 1
                    && c.iter().all(|&i| {
                        matches!(self.entries[i].level, Level::City | Level::Region)
                            && self.entries[i].country == self.entries[cities[0]].country
                    })
                    && c.iter()
                        .all(|&i| self.entries[i].country == self.entries[cities[0]].country)
                {
                    return Some(cities[0]);
                }
                let countries: Vec<usize> = c
                    .iter()
                    .copied()
                    .filter(|&i| self.entries[i].level == Level::Country)
                    .collect();
                if countries.len() == 1 {
                    return Some(countries[0]);
                }
                let mut by_pop: Vec<usize> = c.to_vec();
                by_pop.sort_by_key(|&i| std::cmp::Reverse(self.entries[i].population));
                let (a, b) = (
                    self.entries[by_pop[0]].population,
                    self.entries[by_pop[1]].population,
                );
                (a > 0 && a >= b.saturating_mul(10)).then_some(by_pop[0])
            }
        }
    }
}
