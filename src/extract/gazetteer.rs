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

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::text::fold;
use crate::model::{Dataset, Level};

const COUNTRIES: &str = include_str!("../../data/gazetteer/countries.tsv");
const CITIES: &str = include_str!("../../data/gazetteer/cities.tsv");
const ALIASES: &str = include_str!("../../data/gazetteer/aliases.tsv");
const REGIONS_CN: &str = include_str!("../../data/gazetteer/regions_cn.tsv");
const CN_DIVISIONS: &str = include_str!("../../data/gazetteer/cn_divisions.tsv");
/// cities.tsv rows and the QID Wikidata's twin network has for the same place (derive_wikidata.py).
const QID_P190: &str = include_str!("../../data/gazetteer/qid_p190.tsv");

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

/// What a name resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    One(usize),
    /// Namesakes the name and its context do not tell apart.
    Many(Vec<usize>),
    None,
}

impl Lookup {
    /// Every entry the name may be: the one, the namesakes, or none.
    pub fn into_vec(self) -> Vec<usize> {
        match self {
            Lookup::One(i) => vec![i],
            Lookup::Many(is) => is,
            Lookup::None => Vec::new(),
        }
    }
}

/// A name as the name index keys it: folded (traditional to simplified, full-width to
/// half-width) and without spaces.
fn name_key(name: &str) -> String {
    fold(name)
        .into_iter()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A table cell or a name split into its Chinese part, its English part and a bracketed
/// qualifier: `奈良市 Nara`, `Kansas City (Missouri)`, `堪萨斯市（密苏里州）`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    pub zh: String,
    pub en: String,
    pub qualifier: Option<String>,
}

impl Cell {
    pub fn split(cell: &str) -> Cell {
        let folded: String = fold(cell).into_iter().collect();
        let mut main = folded.trim().to_string();
        let mut qualifier = None;
        // The bracket may close the cell (`Kansas City (Missouri)`) or sit between the names
        // (`堪萨斯市 (密苏里州) Kansas city`).
        if let Some(open) = main.find('(') {
            if let Some(len) = main[open..].find(')') {
                let q = main[open + 1..open + len].trim().to_string();
                if !q.is_empty() {
                    qualifier = Some(q);
                }
                main = format!("{} {}", main[..open].trim(), main[open + len + 1..].trim())
                    .trim()
                    .to_string();
            }
        }
        let (mut zh, mut en) = (String::new(), String::new());
        for c in main.chars() {
            if super::text::is_han(c) || c == '·' || (c == '-' && !zh.is_empty() && en.is_empty())
            {
                zh.push(c);
            } else if c.is_alphabetic() || (!en.is_empty() && matches!(c, ' ' | '-' | '\'' | '.')) {
                en.push(c);
            }
        }
        Cell {
            zh: zh.trim_matches(|c| c == '-' || c == '·').to_string(),
            en: en.trim().trim_end_matches(['-', '.']).trim().to_string(),
            qualifier,
        }
    }
}

#[derive(Default)]
struct Builder {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    by_qid: HashMap<String, usize>,
    /// Country entries by ISO code.
    by_iso: HashMap<String, usize>,
    /// (name_zh, country) of entries, to merge a table row into a curated place.
    by_name: HashMap<(String, Option<usize>), usize>,
    /// Table entries by their source id, for aliases.
    by_source: HashMap<String, usize>,
    /// cities.tsv entries by (name, country, is a city), to keep one of a doubled row.
    by_name_level: HashMap<(String, usize, bool), Vec<usize>>,
}

/// The twin network's QID where it names the same place as a cities.tsv row (by the row's id)
/// or a unit of China (`cn:CODE`) under another QID or none (`qid_p190.tsv`).
fn network_qids() -> HashMap<&'static str, &'static str> {
    QID_P190
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?, f.next()?))
        })
        .collect()
}

/// Whether a CN row of cities.tsv filed under Hong Kong, Macao or Taiwan lies there: dr5hn
/// files some mainland cities (东莞, 中山) under its Taiwan state, and the mainland comes from
/// the division list instead.
fn in_framed_region(admin1: &str, lat: &str, lon: &str) -> bool {
    let (Ok(lat), Ok(lon)) = (lat.parse::<f64>(), lon.parse::<f64>()) else {
        return false;
    };
    let inside =
        |(s, n, w, e): (f64, f64, f64, f64)| (s..=n).contains(&lat) && (w..=e).contains(&lon);
    match admin1 {
        "香港" => inside((22.1, 22.6, 113.8, 114.5)),
        "澳门" => inside((22.1, 22.25, 113.5, 113.65)),
        // Taiwan, Penghu, Kinmen and Matsu.
        "台湾" => inside((21.8, 25.4, 119.3, 122.1)) || inside((24.3, 26.4, 118.1, 120.6)),
        _ => false,
    }
}

/// A Chinese unit's name without its generic part: 内蒙古 for 内蒙古自治区, 延边 for
/// 延边朝鲜族自治州 (the stem keeps at least two characters).
pub fn strip_cn_suffix(s: &str) -> &str {
    const GENERIC: &[&str] = &[
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "自治州",
        "自治县",
        "自治旗",
        "地区",
        "林区",
        "特区",
        "省",
        "市",
        "县",
        "区",
        "旗",
        "盟",
    ];
    for g in GENERIC {
        if let Some(t) = s.strip_suffix(g) {
            if t.chars().count() >= 2 {
                return t;
            }
        }
    }
    s
}

fn strip_suffix(s: &str) -> Option<&str> {
    let t = s.strip_suffix(SUFFIXES)?;
    (t.chars().count() >= 2).then_some(t)
}

/// A lowercase ASCII id from an English name ("Mexico City" → "mexico-city").
/// Characters that make up transliterated foreign names (尼亚加拉, 查达姆, 科凯麦基): a short name
/// flanked by two of them is part of a longer one.
const TRANSLIT: &str = "阿埃艾安奥巴贝比波伯布达德迪多杜尔法菲弗福哥格古哈赫霍基吉加卡凯坎科克库拉莱兰朗劳勒雷里利林卢鲁伦罗洛马麦曼梅蒙米莫姆穆纳内尼努诺帕佩皮普萨塞森沙圣斯苏索塔泰特提图托瓦威维温沃乌西希谢辛休雅亚扬耶伊尤扎泽詹兹";

/// Official long English forms of country names that tables use, and the gazetteer's name.
const EN_COUNTRY_FORMS: &[(&str, &str)] = &[
    ("united states of america", "united states"),
    ("usa", "united states"),
    ("republic of korea", "south korea"),
    ("korea", "south korea"),
    ("russian federation", "russia"),
    ("uk", "united kingdom"),
    ("great britain", "united kingdom"),
];

/// An English name folded for comparison: lower case, ASCII letters for accented Latin
/// ones, hyphens and runs of spaces as one space, without a leading "the".
fn en_key(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à'..='å' | 'ā' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è'..='ë' | 'ē' | 'ę' | 'ě' => 'e',
            'ì'..='ï' | 'ī' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' => 'n',
            'ò'..='ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ù'..='ü' | 'ū' | 'ű' => 'u',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ý' | 'ÿ' => 'y',
            '-' | '_' | '.' | ',' => ' ',
            c => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end().to_string();
    out.strip_prefix("the ").map(str::to_string).unwrap_or(out)
}

fn strip_generic(k: &str) -> String {
    for w in [
        " city",
        " shi",
        " county",
        " municipality",
        " metropolitan city",
        " metropolis",
        " region",
    ] {
        if let Some(b) = k.strip_suffix(w) {
            return b.to_string();
        }
    }
    k.to_string()
}

pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        // Vietnamese and other marks folded to their base letter (Định → dinh).
        let c = match c {
            'ạ' | 'ả' | 'ã' | 'ấ' | 'ầ' | 'ẩ' | 'ẫ' | 'ậ' | 'ắ' | 'ằ' | 'ẳ' | 'ẵ' | 'ặ' | 'ă'
            | 'ą' => 'a',
            'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể' | 'ễ' | 'ệ' | 'ę' | 'ě' => 'e',
            'ị' | 'ỉ' | 'ĩ' | 'ı' => 'i',
            'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ớ' | 'ờ' | 'ở' | 'ỡ' | 'ợ' | 'ő' => {
                'o'
            }
            'ụ' | 'ủ' | 'ũ' | 'ư' | 'ứ' | 'ừ' | 'ử' | 'ữ' | 'ự' | 'ů' | 'ű' => {
                'u'
            }
            'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' | 'ý' | 'ÿ' => 'y',
            'ś' | 'š' | 'ş' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ć' | 'č' => 'c',
            'ł' => 'l',
            'ń' | 'ň' => 'n',
            'ř' => 'r',
            'ť' | 'ţ' => 't',
            'ğ' => 'g',
            'ß' => 's',
            _ => c,
        };
        let c = match c {
            'à'..='å' | 'ā' => 'a',
            'è'..='ë' | 'ē' => 'e',
            'ì'..='ï' | 'ī' => 'i',
            'ò'..='ö' | 'ø' | 'ō' => 'o',
            'ù'..='ü' | 'ū' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'đ' | 'Đ' => 'd',
            _ => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

impl Builder {
    fn push(&mut self, e: Entry) -> usize {
        let i = self.entries.len();
        self.by_id.insert(e.id.clone(), i);
        if let Some(q) = &e.wikidata {
            self.by_qid.entry(q.clone()).or_insert(i);
        }
        self.entries.push(e);
        i
    }

    fn add_data(&mut self, ds: &Dataset) {
        for p in &ds.places {
            let lat = p.lat.as_deref().and_then(|s| s.parse().ok());
            let lon = p.lon.as_deref().and_then(|s| s.parse().ok());
            let framed = p.level == Level::Region
                && p.country.as_deref() == Some("china")
                && matches!(p.name_zh.as_str(), "香港" | "澳门" | "台湾");
            self.push(Entry {
                id: p.id.clone(),
                name_zh: p.name_zh.clone(),
                name_en: p.name_en.clone(),
                alt_zh: p.alt_zh.clone(),
                level: p.level,
                parent: None,
                country: None,
                lat,
                lon,
                population: 0,
                wikidata: p.wikidata.clone(),
                source: "data/places.csv".into(),
                in_data: true,
                framed_region: framed,
                code: None,
            });
        }
        for p in &ds.places {
            let i = self.by_id[&p.id];
            self.entries[i].parent = p
                .part_of
                .as_ref()
                .and_then(|r| self.by_id.get(&r.id).copied());
            self.entries[i].country = p.country.as_ref().and_then(|c| self.by_id.get(c).copied());
        }
        for i in 0..self.entries.len() {
            let key = (self.entries[i].name_zh.clone(), self.entries[i].country);
            self.by_name.entry(key).or_insert(i);
        }
    }

    fn continent(&mut self, name: &str) -> Option<usize> {
        // Centres from GeoNames' continent records (id, lat, lon).
        let (zh, en, gn, lat, lon) = match name.trim().to_ascii_lowercase().as_str() {
            "asia" | "as" => ("亚洲", "Asia", "6255147", 29.8405, 89.2969),
            "europe" | "eu" => ("欧洲", "Europe", "6255148", 48.6909, 9.1406),
            "africa" | "af" => ("非洲", "Africa", "6255146", 7.1881, 21.0938),
            "north america" | "na" => ("北美洲", "North America", "6255149", 46.0732, -100.5469),
            "south america" | "sa" => ("南美洲", "South America", "6255150", -14.6048, -57.6563),
            "oceania" | "oc" => ("大洋洲", "Oceania", "6255151", -18.3128, 138.5156),
            "antarctica" | "an" => ("南极洲", "Antarctica", "6255152", -78.1586, 16.4063),
            _ => return None,
        };
        if let Some(&i) = self.by_name.get(&(zh.to_string(), None)) {
            return Some(i);
        }
        let id = slug(en);
        if let Some(&i) = self.by_id.get(&id) {
            return Some(i);
        }
        let i = self.push(Entry {
            id,
            name_zh: zh.into(),
            name_en: en.into(),
            alt_zh: Vec::new(),
            level: Level::Continent,
            parent: None,
            country: None,
            lat: Some(lat),
            lon: Some(lon),
            population: 0,
            wikidata: None,
            source: format!("gn:{gn}"),
            in_data: false,
            framed_region: false,
            code: None,
        });
        self.by_name.insert((zh.to_string(), None), i);
        Some(i)
    }

    /// `countries.tsv`: iso2, name_zh, name_en, alt_zh, continent, lat, lon, source_id.
    fn add_countries(&mut self, tsv: &str) {
        let mut lines = tsv.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let col = |n: &str| header.iter().position(|h| *h == n);
        let (iso, zh, en, alt, cont, lat, lon, src) = (
            col("iso2"),
            col("name_zh"),
            col("name_en"),
            col("alt_zh"),
            col("continent"),
            col("lat"),
            col("lon"),
            col("source_id"),
        );
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            let get = |c: Option<usize>| c.and_then(|c| f.get(c)).map(|s| s.trim()).unwrap_or("");
            let (code, name_zh, name_en) = (get(iso), get(zh), get(en));
            if code.is_empty() || name_zh.is_empty() {
                continue;
            }
            let alt: Vec<String> = get(alt)
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            // A curated country of the same Chinese name (or alternative) is the same entry.
            let existing = std::iter::once(name_zh)
                .chain(alt.iter().map(String::as_str))
                .find_map(|n| {
                    self.entries.iter().position(|e| {
                        e.in_data
                            && e.level == Level::Country
                            && (e.name_zh == n || e.alt_zh.iter().any(|a| a == n))
                    })
                });
            let continent = self.continent(get(cont));
            let i = match existing {
                Some(i) => {
                    for a in std::iter::once(name_zh.to_string()).chain(alt) {
                        if a != self.entries[i].name_zh && !self.entries[i].alt_zh.contains(&a) {
                            self.entries[i].alt_zh.push(a);
                        }
                    }
                    i
                }
                None => {
                    let mut id = slug(name_en);
                    if self.by_id.contains_key(&id) {
                        id = format!("{id}-{}", code.to_ascii_lowercase());
                    }
                    let i = self.push(Entry {
                        id,
                        name_zh: name_zh.into(),
                        name_en: name_en.into(),
                        alt_zh: alt,
                        level: Level::Country,
                        parent: continent,
                        country: None,
                        lat: get(lat).parse().ok(),
                        lon: get(lon).parse().ok(),
                        population: 0,
                        wikidata: None,
                        source: get(src).to_string(),
                        in_data: false,
                        framed_region: false,
                        code: None,
                    });
                    self.entries[i].country = Some(i);
                    self.by_name.insert((name_zh.to_string(), Some(i)), i);
                    i
                }
            };
            self.by_iso.insert(code.to_ascii_uppercase(), i);
        }
    }

    /// `cities.tsv`: id, name_zh, name_en, country_iso2, level, admin1_zh, lat, lon,
    /// population. Regions come before the cities that name them as `admin1_zh`.
    fn add_cities(&mut self, tsv: &str) {
        let mut lines = tsv.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let col = |n: &str| header.iter().position(|h| *h == n);
        let cols = [
            "id",
            "name_zh",
            "name_en",
            "country_iso2",
            "level",
            "admin1_zh",
            "lat",
            "lon",
            "population",
        ]
        .map(col);
        let rows: Vec<Vec<String>> = lines
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                cols.iter()
                    .map(|c| {
                        c.and_then(|c| f.get(c))
                            .map(|s| s.trim().to_string())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect();
        let network_qid = network_qids();
        // Regions first, so cities can hang under them.
        let mut regions: HashMap<(usize, String), usize> = HashMap::new();
        for pass in ["region", "city"] {
            for r in &rows {
                let (sid, zh, en, iso, level, admin1, lat, lon, pop) = (
                    &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7], &r[8],
                );
                if level != pass || zh.is_empty() || en.is_empty() {
                    continue;
                }
                let Some(&country) = self.by_iso.get(&iso.to_ascii_uppercase()) else {
                    continue;
                };
                // The mainland comes from the official division list (`add_cn_divisions`);
                // dr5hn's CN rows doubled places (two 贵阳) and mistranslated others.
                if iso.eq_ignore_ascii_case("CN") && !in_framed_region(admin1, lat, lon) {
                    continue;
                }
                let parent = if pass == "city" {
                    regions
                        .get(&(country, admin1.clone()))
                        .copied()
                        .or(Some(country))
                } else {
                    Some(country)
                };
                let qid = match network_qid.get(sid.as_str()) {
                    Some(q) => Some(q.to_string()),
                    None => sid.starts_with('Q').then(|| sid.clone()),
                };
                // The same place twice in the table (dr5hn and GeoNames, or two dr5hn rows
                // with one population): keep the first, learn a QID the first lacks.
                let point = (lat.parse::<f64>().ok(), lon.parse::<f64>().ok());
                let pop: u64 = pop.parse().unwrap_or(0);
                let twin = self
                    .by_name_level
                    .get(&(zh.clone(), country, pass == "city"))
                    .and_then(|is| {
                        is.iter().copied().find(|&j| {
                            let e = &self.entries[j];
                            let near = match (point, e.lat, e.lon) {
                                ((Some(a), Some(b)), Some(c), Some(d)) => {
                                    (a - c).abs() < 0.03 && (b - d).abs() < 0.03
                                }
                                _ => false,
                            };
                            near || (pop > 0 && e.population == pop)
                        })
                    });
                if let Some(j) = twin {
                    if self.entries[j].wikidata.is_none() {
                        if let Some(q) = &qid {
                            self.by_qid.entry(q.clone()).or_insert(j);
                            self.entries[j].wikidata = Some(q.clone());
                        }
                    }
                    self.by_source.insert(sid.clone(), j);
                    continue;
                }
                // The same place curated in data/: keep the curated entry, learn its forms.
                let existing = qid
                    .as_ref()
                    .and_then(|q| self.by_qid.get(q).copied())
                    .or_else(|| {
                        let bare = strip_suffix(zh).unwrap_or(zh);
                        self.entries.iter().position(|e| {
                            e.in_data
                                && e.country == Some(country)
                                && (strip_suffix(&e.name_zh).unwrap_or(&e.name_zh) == bare
                                    || e.alt_zh.iter().any(|a| a == zh))
                        })
                    });
                if let Some(i) = existing {
                    if pass == "region" {
                        regions.insert((country, zh.clone()), i);
                    }
                    if *zh != self.entries[i].name_zh && !self.entries[i].alt_zh.contains(zh) {
                        self.entries[i].alt_zh.push(zh.clone());
                    }
                    continue;
                }
                let mut id = slug(en);
                if id.is_empty() || self.by_id.contains_key(&id) {
                    id = format!("{id}-{}", iso.to_ascii_lowercase());
                }
                if self.by_id.contains_key(&id) {
                    id = format!("{id}-{}", slug(sid));
                }
                let i = self.push(Entry {
                    id,
                    name_zh: zh.clone(),
                    name_en: en.clone(),
                    alt_zh: Vec::new(),
                    level: if pass == "region" {
                        Level::Region
                    } else {
                        Level::City
                    },
                    parent,
                    country: Some(country),
                    lat: lat.parse().ok(),
                    lon: lon.parse().ok(),
                    population: pop,
                    wikidata: qid,
                    source: sid.clone(),
                    in_data: false,
                    framed_region: false,
                    code: None,
                });
                self.by_source.insert(sid.clone(), i);
                self.by_name_level
                    .entry((zh.clone(), country, pass == "city"))
                    .or_default()
                    .push(i);
                if pass == "region" {
                    regions.insert((country, zh.clone()), i);
                }
                if matches!(admin1.as_str(), "香港" | "澳门" | "台湾") {
                    self.entries[i].framed_region = true;
                }
            }
        }
    }

    /// `aliases.tsv`: id, alias_zh, source — further names of table entries.
    fn add_aliases(&mut self, tsv: &str) {
        for line in tsv.lines().skip(1) {
            let mut f = line.split('\t');
            let (Some(id), Some(alias)) = (f.next(), f.next()) else {
                continue;
            };
            if let Some(&i) = self.by_source.get(id.trim()) {
                let alias = alias.trim().to_string();
                if !alias.is_empty()
                    && alias != self.entries[i].name_zh
                    && !self.entries[i].alt_zh.contains(&alias)
                {
                    self.entries[i].alt_zh.push(alias);
                }
            }
        }
    }

    /// `cn_divisions.tsv`: code, name_zh, name_en, kind, parent_code, lat, lon, coord_source,
    /// wikidata — every unit of the mainland down to county level, parents first (code
    /// order). A unit `data/` holds (the same name, with or without its suffix, under the same
    /// parent) stays `data/`'s entry and learns the code and the official name.
    fn add_cn_divisions(&mut self, tsv: &str) {
        let Some(cn) = self.by_iso.get("CN").copied() else {
            return;
        };
        let mut by_code: HashMap<String, usize> = HashMap::new();
        let network_qid = network_qids();
        // The Chinese places of data/, the only entries a unit may merge into (the units this
        // loop adds are never among them): a short list, not every entry once per unit.
        let curated: Vec<usize> = (0..self.entries.len())
            .filter(|&i| {
                let e = &self.entries[i];
                e.in_data && e.country == Some(cn) && e.level != Level::Country
            })
            .collect();
        for line in tsv.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').map(str::trim).collect();
            if f.len() < 9 || f[1].is_empty() {
                continue;
            }
            let (code, zh, en, kind, parent_code) = (f[0], f[1], f[2], f[3], f[4]);
            let parent = if parent_code.is_empty() {
                cn
            } else {
                match by_code.get(parent_code) {
                    Some(&p) => p,
                    None => continue,
                }
            };
            let level = match kind {
                "province" | "autonomous_region" => Level::Region,
                "urban_district" | "special_district" | "forestry_district" => Level::District,
                _ => Level::City,
            };
            let qid = if f[8].starts_with('Q') {
                Some(f[8].to_string())
            } else {
                network_qid
                    .get(format!("cn:{code}").as_str())
                    .map(|q| q.to_string())
            };
            let stem = strip_cn_suffix(zh);
            let existing = curated.iter().copied().find(|&i| {
                let e = &self.entries[i];
                (e.name_zh == zh
                    || strip_cn_suffix(&e.name_zh) == stem
                    || e.alt_zh.iter().any(|a| a == zh))
                    && match e.parent {
                        Some(p) => p == parent,
                        None => parent == cn,
                    }
            });
            let i = match existing {
                Some(i) => {
                    let e = &mut self.entries[i];
                    if e.name_zh != zh && !e.alt_zh.iter().any(|a| a == zh) {
                        e.alt_zh.push(zh.to_string());
                    }
                    e.code = Some(code.to_string());
                    if e.wikidata.is_none() {
                        if let Some(q) = &qid {
                            e.wikidata = Some(q.clone());
                            self.by_qid.entry(q.clone()).or_insert(i);
                        }
                    }
                    i
                }
                None => {
                    let mut id = if en.is_empty() {
                        format!("cn-{code}")
                    } else {
                        slug(en)
                    };
                    if self.by_id.contains_key(&id) {
                        id = format!("cn-{code}");
                    }
                    let alt = if stem != zh && stem.chars().count() >= 2 {
                        vec![stem.to_string()]
                    } else {
                        Vec::new()
                    };
                    self.push(Entry {
                        id,
                        name_zh: zh.to_string(),
                        name_en: en.to_string(),
                        alt_zh: alt,
                        level,
                        parent: Some(parent),
                        country: Some(cn),
                        lat: f[5].parse().ok(),
                        lon: f[6].parse().ok(),
                        population: 0,
                        wikidata: qid.clone(),
                        source: format!("cn:{code}"),
                        in_data: false,
                        framed_region: false,
                        code: Some(code.to_string()),
                    })
                }
            };
            by_code.insert(code.to_string(), i);
            self.by_source.insert(format!("cn:{code}"), i);
        }
    }

    /// `regions_cn.tsv`: Hong Kong, Macao and Taiwan as regions of China, unless data/ has them.
    fn add_regions_cn(&mut self, tsv: &str) {
        let cn = self.by_iso.get("CN").copied();
        for line in tsv.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').map(str::trim).collect();
            if f.len() < 8 {
                continue;
            }
            let (zh, en, alt) = (f[1], f[2], f[3]);
            let alt: Vec<String> = alt
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if let Some(i) = self
                .entries
                .iter()
                .position(|e| e.in_data && e.name_zh == zh)
            {
                self.entries[i].framed_region = true;
                for a in alt {
                    if !self.entries[i].alt_zh.contains(&a) {
                        self.entries[i].alt_zh.push(a);
                    }
                }
                self.by_source.insert(f[7].to_string(), i);
                continue;
            }
            let en = en.trim_end_matches(" S.A.R.");
            let i = self.push(Entry {
                id: slug(en),
                name_zh: zh.into(),
                name_en: en.into(),
                alt_zh: alt,
                level: Level::Region,
                parent: cn,
                country: cn,
                lat: f[5].parse().ok(),
                lon: f[6].parse().ok(),
                population: 0,
                wikidata: f[7].starts_with('Q').then(|| f[7].to_string()),
                source: f[7].to_string(),
                in_data: false,
                framed_region: true,
                code: None,
            });
            self.by_source.insert(f[7].to_string(), i);
        }
    }

    fn finish(self, ds: &Dataset) -> Gazetteer {
        let jieba = jieba_rs::Jieba::new();
        // A two-character form jieba knows as an ordinary word (not a place or a name) is
        // not a name on its own, unless data/ says it is.
        let common = |form: &str| -> bool {
            if !jieba.has_word(form) {
                return false;
            }
            let tags = jieba.tag(form, false);
            !(tags.len() == 1 && tags[0].tag.starts_with('n') && tags[0].tag != "n")
        };
        let mut map: HashMap<String, Vec<usize>> = HashMap::new();
        let mut names: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            let stem = strip_cn_suffix(&e.name_zh);
            for n in std::iter::once(e.name_zh.as_str())
                .chain(e.alt_zh.iter().map(String::as_str))
                .chain([stem, strip_suffix(&e.name_zh).unwrap_or("")])
            {
                if n.chars().count() >= 2 {
                    let ids = names.entry(n.to_string()).or_default();
                    if !ids.contains(&i) {
                        ids.push(i);
                    }
                }
            }
            let mut forms: Vec<String> = std::iter::once(e.name_zh.clone())
                .chain(e.alt_zh.iter().cloned())
                .collect();
            if matches!(e.level, Level::City | Level::District | Level::Region) {
                let stripped: Vec<String> = forms
                    .iter()
                    .filter_map(|f| strip_suffix(f).map(str::to_string))
                    .collect();
                forms.extend(stripped);
            }
            for f in forms {
                let n = f.chars().count();
                // Jieba's tags are rough (it tags 首尔 as an adverb), so the ordinary-word test
                // spares large cities, whose names are rarely mistranslated.
                // A name written with its suffix (奈良市, three characters or more) is a
                // place's name, whatever jieba makes of it.
                let suffixed = n >= 3 && f.ends_with(SUFFIXES);
                if n < 2
                    || (!e.in_data
                        && (NOT_NAMES.contains(&f.as_str())
                            || (e.population < 500_000 && !suffixed && common(&f))))
                {
                    continue;
                }
                let ids = map.entry(f).or_default();
                if !ids.contains(&i) {
                    ids.push(i);
                }
            }
        }
        let mut forms: Vec<(String, Vec<usize>)> = map.into_iter().collect();
        forms.sort();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(forms.iter().map(|(f, _)| f.as_str()))
            .expect("gazetteer automaton");
        // The city an organisation or department belongs to: its based_in, else its parent's.
        let city_of = |start: &str| -> Option<String> {
            let mut id: String = start.to_string();
            for _ in 0..16 {
                if let Some(o) = ds.organisations.iter().find(|o| o.id == id) {
                    if let Some(b) = &o.based_in {
                        return Some(b.id.clone());
                    }
                    id = o.parent.as_ref()?.id.clone();
                } else {
                    id = ds
                        .departments
                        .iter()
                        .find(|d| d.id == id)?
                        .parent
                        .as_ref()?
                        .id
                        .clone();
                }
            }
            None
        };
        let names_city = |form: &str, city: &str| {
            ds.places.iter().find(|p| p.id == city).is_some_and(|p| {
                let stem = p.name_zh.trim_end_matches('市');
                !stem.is_empty() && form.contains(stem)
            })
        };
        let mut org_forms = Vec::new();
        for o in &ds.organisations {
            let city = city_of(&o.id);
            for n in std::iter::once(&o.name_zh).chain(&o.alt_zh) {
                if n.chars().count() >= 2 {
                    let relative = city.clone().filter(|c| !names_city(n, c));
                    org_forms.push((o.id.clone(), n.clone(), relative));
                }
            }
        }
        for d in &ds.departments {
            let relative = city_of(&d.id).filter(|c| !names_city(&d.name_zh, c));
            org_forms.push((d.id.clone(), d.name_zh.clone(), relative));
        }
        let org_ac = (!org_forms.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(org_forms.iter().map(|(_, n, _)| n.as_str()))
                .expect("organisation automaton")
        });
        let home_country = self
            .by_id
            .get("china")
            .copied()
            .or_else(|| self.by_iso.get("CN").copied());
        Gazetteer {
            jieba,
            en_keys: std::sync::OnceLock::new(),
            by_id: self.by_id,
            entries: self.entries,
            forms,
            names,
            ac,
            org_forms,
            org_ac,
            home_country,
        }
    }
}
