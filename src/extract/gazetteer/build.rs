//! Building the gazetteer: `data/`'s places first, then the embedded tables of
//! `data/gazetteer/` (countries, China's divisions, the world's cities and regions, aliases),
//! merged so one place is one entry.

use std::collections::HashMap;

use aho_corasick::{AhoCorasickBuilder, MatchKind};

use super::*;
use crate::model::{Dataset, Level};

pub(super) const COUNTRIES: &str = include_str!("../../../data/gazetteer/countries.tsv");
pub(super) const CITIES: &str = include_str!("../../../data/gazetteer/cities.tsv");
pub(super) const ALIASES: &str = include_str!("../../../data/gazetteer/aliases.tsv");
pub(super) const REGIONS_CN: &str = include_str!("../../../data/gazetteer/regions_cn.tsv");
pub(super) const CN_DIVISIONS: &str = include_str!("../../../data/gazetteer/cn_divisions.tsv");
/// cities.tsv rows and the QID Wikidata's twin network has for the same place (derive_wikidata.py).
pub(super) const QID_P190: &str = include_str!("../../../data/gazetteer/qid_p190.tsv");

#[derive(Default)]
pub(super) struct Builder {
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
pub(super) fn network_qids() -> HashMap<&'static str, &'static str> {
    QID_P190
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?, f.next()?))
        })
        .collect()
}

/// The ethnic groups named in the autonomous prefectures' names (without 族 where a name
/// writes it without: 蒙古, 哈萨克, 柯尔克孜).
const ETHNIC: &[&str] = &[
    "朝鲜",
    "土家",
    "藏族",
    "羌族",
    "彝族",
    "布依",
    "苗族",
    "侗族",
    "哈尼",
    "壮族",
    "傣族",
    "白族",
    "景颇",
    "傈僳",
    "回族",
    "蒙古",
    "柯尔克孜",
    "哈萨克",
];

/// 甘孜州 for 甘孜藏族自治州: the place name before the first ethnic group, and 州.
fn prefecture_short_name(zh: &str) -> Option<String> {
    let chars: Vec<char> = zh.chars().collect();
    (2..chars.len()).find_map(|i| {
        let rest: String = chars[i..].iter().collect();
        ETHNIC
            .iter()
            .any(|e| rest.starts_with(e))
            .then(|| format!("{}州", chars[..i].iter().collect::<String>()))
    })
}

/// Whether a CN row of cities.tsv filed under Hong Kong, Macao or Taiwan lies there: dr5hn
/// files some mainland cities (东莞, 中山) under its Taiwan state, and the mainland comes from
/// the division list instead.
pub(super) fn in_framed_region(admin1: &str, lat: &str, lon: &str) -> bool {
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

impl Builder {
    pub(super) fn push(&mut self, e: Entry) -> usize {
        let i = self.entries.len();
        self.by_id.insert(e.id.clone(), i);
        if let Some(q) = &e.wikidata {
            self.by_qid.entry(q.clone()).or_insert(i);
        }
        self.entries.push(e);
        i
    }

    pub(super) fn add_data(&mut self, ds: &Dataset) {
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

    pub(super) fn continent(&mut self, name: &str) -> Option<usize> {
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
    pub(super) fn add_countries(&mut self, tsv: &str) {
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
    pub(super) fn add_cities(&mut self, tsv: &str) {
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
                // An empty network QID: the row gives its item up to its city (a city-state).
                let qid = match network_qid.get(sid.as_str()) {
                    Some(q) => (!q.is_empty()).then(|| q.to_string()),
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
    pub(super) fn add_aliases(&mut self, tsv: &str) {
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
    pub(super) fn add_cn_divisions(&mut self, tsv: &str) {
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
                    let mut alt = if stem != zh && stem.chars().count() >= 2 {
                        vec![stem.to_string()]
                    } else {
                        Vec::new()
                    };
                    // An autonomous prefecture is written by its place name and 州 (甘孜州 for
                    // 甘孜藏族自治州, 凉山州): the county of the same stem (甘孜县) is not it.
                    if kind == "autonomous_prefecture" {
                        if let Some(short) = prefecture_short_name(zh) {
                            if !alt.contains(&short) {
                                alt.push(short);
                            }
                        }
                    }
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
    pub(super) fn add_regions_cn(&mut self, tsv: &str) {
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

    pub(super) fn finish(self, ds: &Dataset) -> Gazetteer {
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
