//! Every place is the real place: the gazetteer holds China's divisions once each, resolves
//! cells that hold a Chinese name, an English one or both, lists namesakes instead of guessing,
//! never places a new place at a centroid, and names Wikidata's twin places in Chinese.

mod common;

use amity::extract::gazetteer::{Cell, Gazetteer, Lookup};
use amity::extract::import::import_ties;
use amity::extract::{extract, ExtractError, Options};
use amity::model::{Dataset, Level};

fn data() -> (Dataset, Gazetteer) {
    let ds = amity::ingest::load_dir(&common::data_dir()).unwrap();
    let gaz = Gazetteer::new(&ds);
    (ds, gaz)
}

fn one(gaz: &Gazetteer, name: &str, within: Option<usize>) -> usize {
    match gaz.lookup(name, within) {
        Lookup::One(i) => i,
        other => panic!("{name}: {other:?}"),
    }
}

// Proves 贵阳 is one place (the prefecture-level city of Guizhou, code 520100), not the two
// dr5hn rows (Guizhou and Hunan) the old gazetteer had, and `--home 贵阳` is accepted.
#[test]
fn guiyang_is_one_place() {
    let (ds, gaz) = data();
    let i = one(&gaz, "贵阳", None);
    let e = gaz.entry(i);
    assert_eq!(e.code.as_deref(), Some("520100"), "{}", gaz.describe(i));
    assert_eq!(gaz.entry(e.parent.unwrap()).name_zh, "贵州省");
    assert_eq!(one(&gaz, "贵阳市", None), i);
    let named: Vec<usize> = (0..gaz.entries.len())
        .filter(|&j| {
            let n = &gaz.entry(j).name_zh;
            n == "贵阳" || n == "贵阳市"
        })
        .collect();
    assert_eq!(named, vec![i], "one entry named 贵阳(市)");
    let x = extract(
        "贵阳市外办2023年工作总结\n贵阳市与美国某市签署合作备忘录。\n",
        &Options {
            home: Some("贵阳".into()),
            ..Default::default()
        },
        &ds,
        &gaz,
    )
    .unwrap();
    assert_eq!(x.header.home, e.id);
}

// Proves a district that publishes its own reports (长宁区, Shanghai) is known with its code,
// and that the bare 长宁 (also 长宁县, Sichuan) is refused with both candidates and their ids.
#[test]
fn changning_district_and_its_namesake() {
    let (ds, gaz) = data();
    let i = one(&gaz, "长宁区", None);
    assert_eq!(gaz.entry(i).code.as_deref(), Some("310105"));
    assert_eq!(gaz.entry(i).level, Level::District);
    assert_eq!(gaz.entry(gaz.entry(i).parent.unwrap()).name_zh, "上海市");
    let opts = |h: &str| Options {
        home: Some(h.into()),
        ..Default::default()
    };
    let text = "2023年外事工作总结\n区政府与日本某市签署友好交流协议。\n";
    let x = extract(text, &opts("长宁区"), &ds, &gaz).unwrap();
    assert_eq!(x.header.home, gaz.entry(i).id);
    match extract(text, &opts("长宁"), &ds, &gaz) {
        Err(ExtractError::AmbiguousHome(h, c)) => {
            assert_eq!(h, "长宁");
            assert!(
                c.iter()
                    .any(|d| d.contains("长宁区") && d.contains("310105") && d.contains("上海市")),
                "{c:?}"
            );
            assert!(
                c.iter()
                    .any(|d| d.contains("长宁县") && d.contains("511524")),
                "{c:?}"
            );
            let msg = ExtractError::AmbiguousHome(h, c).to_string();
            assert!(msg.contains("--home ID"), "{msg}");
        }
        other => panic!(
            "expected the candidates, got {:?}",
            other.map(|x| x.header.home)
        ),
    }
    match extract(text, &opts("不存在的地方"), &ds, &gaz) {
        Err(ExtractError::UnknownHome(h)) => assert_eq!(h, "不存在的地方"),
        other => panic!("{:?}", other.map(|x| x.header.home)),
    }
}

// Proves the mainland's divisions are all there (about 3,200 units at three levels, each
// with a code) and that Beijing's districts in data/ are data/'s entries, with their codes.
#[test]
fn china_is_complete_to_county_level() {
    let (_, gaz) = data();
    let coded: Vec<&amity::extract::gazetteer::Entry> =
        gaz.entries.iter().filter(|e| e.code.is_some()).collect();
    assert!(coded.len() >= 3100, "{} coded units", coded.len());
    let mentougou = one(&gaz, "门头沟区", None);
    assert!(gaz.entry(mentougou).in_data);
    assert_eq!(gaz.entry(mentougou).code.as_deref(), Some("110109"));
    // 朝阳区 of Beijing (data/) and of Changchun: within Jilin only the second.
    let jilin = one(&gaz, "吉林省", None);
    let cc = one(&gaz, "朝阳区", Some(jilin));
    assert_eq!(gaz.entry(cc).code.as_deref(), Some("220104"));
    assert_ne!(
        cc,
        one(&gaz, "朝阳区", None),
        "data/'s Chaoyang wins without context"
    );
}

// Proves cells with both names, a bracketed qualifier or an English name only are split and
// resolved, and that a namesake pair the text cannot tell apart stays a list.
#[test]
fn cells_resolve_through_either_name() {
    let (_, gaz) = data();
    assert_eq!(
        Cell::split("奈良市 Nara"),
        Cell {
            zh: "奈良市".into(),
            en: "Nara".into(),
            qualifier: None
        }
    );
    let c = Cell::split("Kansas City (Missouri)");
    assert_eq!(
        (c.en.as_str(), c.qualifier.as_deref()),
        ("Kansas City", Some("Missouri"))
    );
    let c = Cell::split("堪萨斯市（密苏里州）");
    assert_eq!(
        (c.zh.as_str(), c.qualifier.as_deref()),
        ("堪萨斯市", Some("密苏里州"))
    );
    // The bracket between the two names, as Xi'an's table writes it.
    let c = Cell::split("堪萨斯市 (密苏里州) Kansas city");
    assert_eq!(
        (c.zh.as_str(), c.en.as_str(), c.qualifier.as_deref()),
        ("堪萨斯市", "Kansas city", Some("密苏里州"))
    );
    let us = one(&gaz, "美国", None);
    let kc = one(&gaz, "堪萨斯市 (密苏里州) Kansas city", Some(us));
    assert_eq!(
        gaz.entry(gaz.entry(kc).parent.unwrap()).name_zh,
        "密苏里州",
        "{}",
        gaz.describe(kc)
    );
    let japan = one(&gaz, "日本", None);
    let nara = one(&gaz, "奈良市 Nara", Some(japan));
    assert!(
        gaz.entry(nara).name_en.starts_with("Nara"),
        "{}",
        gaz.describe(nara)
    );
    assert_eq!(one(&gaz, "Nara", Some(japan)), nara);
    assert_eq!(one(&gaz, "奈良", Some(japan)), nara);
    let uk = one(&gaz, "英国", None);
    assert_eq!(
        gaz.entry(one(&gaz, "Edinburgh", Some(uk))).name_zh,
        "爱丁堡"
    );
    // Nothing outside the country the row gives.
    assert_eq!(gaz.lookup("Nara", Some(uk)), Lookup::None);
}

// Proves a table of zh+en cells resolves its partners to the gazetteer's places (one node per
// real place, with their own coordinates and QIDs), and a partner it cannot place is a new
// place with its names apart and no coordinates.
#[test]
fn a_table_with_both_names_in_one_cell() {
    let (ds, gaz) = data();
    let table = "序号,城市,国家,洲,结好签字时间\n1,奈良市 Nara,日本,亚洲,1974年2月1日\n2,京都市 Kyoto,日本,亚洲,1974年5月10日\n3,爱丁堡市 Edinburgh,英国,欧洲,1985年 5 月11日\n4,多特蒙德市 Dortmund,德国,欧洲,1994.10\n5,某某亚市 Moumouya,法国,欧洲,2001年 5 月11日\n";
    let rows = import_ties(table.as_bytes(), "t", "西安", "twinning", &ds, &gaz).unwrap();
    let ties = rows.get("ties.csv");
    let places = rows.get("places.csv");
    assert_eq!(ties.len(), 5);
    let years: Vec<&str> = ties.iter().map(|t| t["start_year"].as_str()).collect();
    assert_eq!(years, ["1974", "1974", "1985", "1994", "2001"]);
    let place = |id: &str| places.iter().find(|p| p["id"] == id);
    for (t, en) in ties.iter().zip(["Nara", "Kyoto", "Edinburgh", "Dortmund"]) {
        let id = &t["place_b"];
        assert!(!id.contains("partner"), "{en} resolved, not new: {id}");
        if let Some(p) = place(id) {
            assert!(p["name_en"].starts_with(en), "{p:?}");
            assert!(
                !p["name_zh"].contains(en),
                "names apart: {:?}",
                p["name_zh"]
            );
            assert!(
                !p["lat"].is_empty() && !p["coord_source"].contains("approximate"),
                "{p:?}"
            );
        }
    }
    let new = place(&ties[4]["place_b"]).expect("the unknown partner is a new place");
    assert_eq!(
        (new["name_zh"].as_str(), new["name_en"].as_str()),
        ("某某亚市", "Moumouya")
    );
    assert!(
        new["lat"].is_empty() && new["lon"].is_empty(),
        "no centroid: {new:?}"
    );
    // Nara and Kyoto are two places, not one point.
    assert_ne!(ties[0]["place_b"], ties[1]["place_b"]);
}

// Proves no place of data/ (and no place an import writes) sits at a country's point, and
// none says its coordinates are approximate.
#[test]
fn no_place_sits_at_a_country_centroid() {
    let (ds, gaz) = data();
    let centroids: Vec<(f64, f64, &str)> = include_str!("../data/gazetteer/countries.tsv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some((f.get(5)?.parse().ok()?, f.get(6)?.parse().ok()?, f[0]))
        })
        .collect();
    let at_centroid = |lat: f64, lon: f64| {
        centroids
            .iter()
            .find(|(a, b, _)| (a - lat).abs() < 0.01 && (b - lon).abs() < 0.01)
            .map(|c| c.2)
    };
    let mut bad = Vec::new();
    for p in &ds.places {
        if matches!(p.level, Level::Country | Level::Continent) {
            continue;
        }
        if let (Some(la), Some(lo)) = (&p.lat, &p.lon) {
            if let Some(c) = at_centroid(la.parse().unwrap(), lo.parse().unwrap()) {
                bad.push(format!("{} at {c}'s point", p.id));
            }
        }
        if p.coord_source
            .as_deref()
            .is_some_and(|s| s.contains("approximate"))
        {
            bad.push(format!("{}: {:?}", p.id, p.coord_source));
        }
    }
    assert!(bad.is_empty(), "{bad:?}");
    // An import of partners nobody knows: none gets a point.
    let table = "城市,国家,日期\n无名甲市,加拿大,1990\n无名乙市,芬兰,1991\n";
    let rows = import_ties(table.as_bytes(), "t", "beijing", "twinning", &ds, &gaz).unwrap();
    for p in rows.get("places.csv") {
        if p["level"] != "country" {
            assert!(p["lat"].is_empty(), "{p:?}");
        }
    }
}

// Proves the gazetteer holds no place twice: no two entries of one level with the same Chinese
// name in the same country whose points are within 2 km of each other or whose populations are
// equal. (A province and its capital city may share a name and a point: two places.)
#[test]
fn no_duplicate_entries() {
    let (_, gaz) = data();
    let mut by_key: std::collections::HashMap<(String, Option<usize>, Level), Vec<usize>> =
        Default::default();
    for (i, e) in gaz.entries.iter().enumerate() {
        if !e.name_zh.is_empty() {
            by_key
                .entry((e.name_zh.clone(), e.country, e.level))
                .or_default()
                .push(i);
        }
    }
    let km = |a: (f64, f64), b: (f64, f64)| {
        let r = std::f64::consts::PI / 180.0;
        let h = ((b.0 - a.0) * r / 2.0).sin().powi(2)
            + (a.0 * r).cos() * (b.0 * r).cos() * ((b.1 - a.1) * r / 2.0).sin().powi(2);
        12742.0 * h.sqrt().asin()
    };
    let mut dups = Vec::new();
    for ((name, _, _), is) in &by_key {
        for (n, &i) in is.iter().enumerate() {
            for &j in &is[n + 1..] {
                let (a, b) = (gaz.entry(i), gaz.entry(j));
                let near = match (a.lat, a.lon, b.lat, b.lon) {
                    (Some(la), Some(oa), Some(lb), Some(ob)) => km((la, oa), (lb, ob)) < 2.0,
                    _ => false,
                };
                let same_pop = a.population > 0 && a.population == b.population;
                if near || same_pop {
                    dups.push(format!("{name}: {} / {}", a.id, b.id));
                }
            }
        }
    }
    dups.sort();
    assert!(
        dups.is_empty(),
        "{} duplicates: {:?}",
        dups.len(),
        &dups[..dups.len().min(20)]
    );
}

// Proves a Wikidata twin place reads in Chinese and English from the gazetteer, with its
// country: Moscow (Q649) is 莫斯科 / Moscow in Russia, no longer only "Moskau".
#[test]
fn wikidata_places_get_chinese_labels_and_a_country() {
    let crawl = amity::ingest::wikidata::load_dir(&common::data_dir())
        .unwrap()
        .expect("the crawl is in data/");
    let moscow = crawl.places.get(&649).expect("Q649 named by the gazetteer");
    assert_eq!(
        (moscow.zh.as_str(), moscow.en.as_str()),
        ("莫斯科", "Moscow")
    );
    assert_eq!(moscow.country, Some(159));
    assert_eq!(crawl.countries[&159].zh, "俄罗斯");
    let named = crawl.places.values().filter(|n| !n.zh.is_empty()).count();
    assert!(
        named >= 3900,
        "{named} of the crawl's places have a Chinese name"
    );
    let quads = amity::mapping::wikidata::to_quads(&crawl);
    let labels: Vec<String> = quads
        .iter()
        .filter(|q| q.subject.to_string() == "<http://www.wikidata.org/entity/Q649>")
        .map(|q| q.object.to_string())
        .collect();
    assert!(labels.iter().any(|l| l == "\"莫斯科\"@zh"), "{labels:?}");
    assert!(labels.iter().any(|l| l == "\"Moscow\"@en"), "{labels:?}");
    assert!(
        labels
            .iter()
            .any(|l| l == "<http://www.wikidata.org/entity/Q159>"),
        "{labels:?}"
    );
}

// Proves a home guessed from the text says the words it came from, and that a verb phrase
// (成功举办) or a bare name not written as a place never makes one.
#[test]
fn a_guessed_home_names_its_words() {
    let (ds, gaz) = data();
    let x = extract(
        "贵阳市人民政府外事办公室2023年工作总结\n与日本某市签署合作备忘录。\n",
        &Options::default(),
        &ds,
        &gaz,
    )
    .unwrap();
    assert_eq!(x.header.home, gaz.entry(one(&gaz, "贵阳市", None)).id);
    let basis = x.header.home_basis.clone().unwrap();
    assert!(
        basis.contains("贵阳") && basis.contains("header"),
        "{basis}"
    );
    let r = extract(
        "2023年工作总结\n成功举办国际友城论坛,与日本某市签署合作备忘录。\n",
        &Options::default(),
        &ds,
        &gaz,
    );
    match r {
        Err(ExtractError::NoHome) => {}
        Ok(x) => panic!(
            "no home is written as a place, yet {} was guessed ({:?})",
            x.header.home, x.header.home_basis
        ),
        Err(e) => panic!("{e}"),
    }
}

// Proves a cell whose Chinese name is the region's exactly and the city's loosely
// (萨格勒布市 Zagreb: the City of Zagreb region and the city 萨格勒布) resolves to the city, and
// that a row whose dr5hn QID is not the twin network's takes the network's (Kathmandu's
// district Q797472 in dr5hn, the city Q3037 in Wikidata's P190 network).
#[test]
fn city_over_region_and_the_network_qid() {
    let (_, gaz) = data();
    let hr = one(&gaz, "克罗地亚", None);
    let z = one(&gaz, "萨格勒布市 Zagreb", Some(hr));
    assert_eq!(gaz.entry(z).level, Level::City, "{}", gaz.describe(z));
    let np = one(&gaz, "Nepal", None);
    let k = one(&gaz, "Kathmandu", Some(np));
    assert_eq!(gaz.entry(k).wikidata.as_deref(), Some("Q3037"));
    let sh = one(&gaz, "上海", None);
    assert_eq!(gaz.entry(sh).wikidata.as_deref(), Some("Q8686"));
}

// Proves no two entries carry one QID (a QID is one place: the prefecture of Nara taking the
// twin network's QID of the city of Nara once hid the city), and the city of 奈良市 is found
// in running text as the city, not the prefecture.
#[test]
fn one_entry_per_qid() {
    let (_, gaz) = data();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut doubled = Vec::new();
    for (i, e) in gaz.entries.iter().enumerate() {
        if let Some(q) = e.wikidata.as_deref() {
            if let Some(&j) = seen.get(q) {
                doubled.push(format!("{q}: {} / {}", gaz.describe(j), gaz.describe(i)));
            } else {
                seen.insert(q, i);
            }
        }
    }
    assert!(
        doubled.is_empty(),
        "{} doubled: {:?}",
        doubled.len(),
        &doubled[..doubled.len().min(10)]
    );
    let found = gaz.find("日本奈良市");
    let (_, _, ids) = found.last().unwrap();
    assert_eq!(
        gaz.entry(ids[0]).level,
        Level::City,
        "{}",
        gaz.describe(ids[0])
    );
}

// Proves the cases of session 16's resolution work: a name written as a city (科尼亚市 Konya)
// is the city (GeoNames' Konya, added where dr5hn lists only its districts) and never the
// province its stem names; a city-state's item goes to the city, not the region row (Hamburg,
// Q1055; Saint Petersburg, Q656); of two network places of one name, the one no row holds goes
// to the remaining city (São Paulo: the state holds Q175, the city takes Q174).
#[test]
fn cities_over_their_namesake_regions() {
    let (_, gaz) = data();
    let tr = one(&gaz, "土耳其", None);
    let k = one(&gaz, "科尼亚市 Konya", Some(tr));
    assert_eq!(gaz.entry(k).level, Level::City, "{}", gaz.describe(k));
    assert_eq!(gaz.entry(k).wikidata.as_deref(), Some("Q79857"));
    for (country, cell, qid) in [
        ("Germany", "汉堡市 Hamburg", "Q1055"),
        ("Russia", "圣彼得堡市 Saint Petersburg", "Q656"),
        ("Brazil", "圣保罗市 São Paulo", "Q174"),
    ] {
        let c = one(&gaz, country, None);
        let i = one(&gaz, cell, Some(c));
        let e = gaz.entry(i);
        assert_eq!(e.level, Level::City, "{}", gaz.describe(i));
        assert_eq!(e.wikidata.as_deref(), Some(qid), "{}", gaz.describe(i));
    }
}

// Proves a city's label is its standard Chinese name (the form Xinhua and the foreign ministry
// use) and the source's Taiwan or older form is kept as another name that still resolves:
// 佛罗伦萨 over 翡冷翠, 堪培拉 over 坎培拉; and that San Marino's Fiorentino, which dr5hn also
// names 佛罗伦萨, no longer makes the name ambiguous.
#[test]
fn standard_chinese_names_are_the_labels() {
    let (_, gaz) = data();
    for (standard, other, en) in [
        ("佛罗伦萨", "翡冷翠", "Florence"),
        ("堪培拉", "坎培拉", "Canberra"),
    ] {
        let i = one(&gaz, standard, None);
        let e = gaz.entry(i);
        assert_eq!(e.name_zh, standard);
        assert_eq!(e.name_en, en);
        assert!(e.alt_zh.iter().any(|a| a == other), "{:?}", e.alt_zh);
        assert_eq!(one(&gaz, other, None), i);
    }
}
