//! Report intake (`amity extract`): sentence numbering as data/passages.csv, quotes verbatim,
//! partial lists with their totals, the acting district, chains of place names, new places,
//! and inputs pasted from PDFs, in traditional characters, empty or not Chinese. Needs nothing
//! outside the repository.

use std::sync::OnceLock;

use amity::extract::{extract, gazetteer::Gazetteer, ExtractError, Extraction, Fact, Options};
use amity::model::Dataset;
use proptest::prelude::*;

fn data() -> &'static (Dataset, Gazetteer) {
    static D: OnceLock<(Dataset, Gazetteer)> = OnceLock::new();
    D.get_or_init(|| {
        let ds = amity::ingest::load_dir(&amity::default_data_dir()).expect("data/ loads");
        let gaz = Gazetteer::new(&ds);
        (ds, gaz)
    })
}

fn seed_text() -> String {
    std::fs::read_to_string(amity::default_data_dir().join("reports/bjfao-2024h1.txt")).unwrap()
}

fn run(text: &str, home: Option<&str>) -> Result<Extraction, ExtractError> {
    let (ds, gaz) = data();
    let opts = Options {
        report_id: Some("test-report".into()),
        home: home.map(str::to_string),
        date: Some("2024-06-13".into()),
        source_url: None,
        rules: None,
        rules_file: None,
    };
    extract(text, &opts, ds, gaz)
}

fn seed() -> &'static Extraction {
    static X: OnceLock<Extraction> = OnceLock::new();
    X.get_or_init(|| {
        let (ds, gaz) = data();
        let opts = Options {
            report_id: Some("bjfao-2024h1".into()),
            home: Some("beijing".into()),
            ..Default::default()
        };
        extract(&seed_text(), &opts, ds, gaz).expect("the seed extracts")
    })
}

fn facts_in<'a>(x: &'a Extraction, passage_suffix: &str) -> Vec<&'a Fact> {
    x.facts
        .iter()
        .filter(|f| f.passage.ends_with(passage_suffix))
        .collect()
}

fn ids(f: &Fact) -> Vec<&str> {
    f.counterparts.iter().map(|c| c.id.as_str()).collect()
}

fn quotes_are_verbatim(x: &Extraction) {
    for f in &x.facts {
        let p = x
            .passages
            .iter()
            .find(|p| p.id == f.passage)
            .expect("the fact's passage");
        assert!(
            p.text.contains(&f.quote),
            "{:?} is not in {}: {:?}",
            f.quote,
            p.id,
            p.text
        );
        assert!(!f.quote.is_empty());
    }
}

#[test]
fn sentences_are_numbered_as_passages_csv() {
    let (ds, _) = data();
    let x = seed();
    let curated: Vec<(&str, usize, usize, &str)> = ds
        .passages
        .iter()
        .filter(|p| p.report.id == "bjfao-2024h1")
        .map(|p| {
            (
                p.id.as_str(),
                p.paragraph as usize,
                p.sentence as usize,
                p.text.as_str(),
            )
        })
        .collect();
    let found: Vec<(&str, usize, usize, &str)> = x
        .passages
        .iter()
        .map(|p| (p.id.as_str(), p.paragraph, p.sentence, p.text.as_str()))
        .collect();
    assert_eq!(found, curated);
    assert!(!x.split.reflowed);
    assert_eq!(x.header.date.as_deref(), Some("2024-06-13"));
    assert_eq!(x.header.issuer.as_deref(), Some("北京外办"));
    assert_eq!(
        (x.header.period_start.as_str(), x.header.period_end.as_str()),
        ("2024-01-01", "2024-06-13")
    );
}

#[test]
fn every_quote_occurs_in_its_passage() {
    quotes_are_verbatim(seed());
}

#[test]
fn partial_lists_keep_their_totals() {
    let x = seed();
    let f = facts_in(x, "p12s02");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, "delegation_received");
    assert_eq!(ids(f[0]), ["hanoi", "minsk"]);
    assert!(f[0].partial);
    assert_eq!(f[0].count.as_ref().map(|c| c.value), Some(11));
    let f = facts_in(x, "p08s03");
    assert_eq!(
        (f[0].kind, ids(f[0])),
        ("delegation_received", vec!["angola"])
    );
    assert_eq!(f[0].count.as_ref().map(|c| c.value), Some(128));
    let f = facts_in(x, "p12s08");
    assert_eq!(
        (f[0].kind, ids(f[0])),
        ("event_held", vec!["london", "lima"])
    );
    assert_eq!(f[0].count.as_ref().map(|c| c.value), Some(13));
    assert!(f[0].partial);
}

#[test]
fn a_district_acting_on_its_own_is_the_acting_side() {
    let x = seed();
    let f = facts_in(x, "p12s11");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, "agreement_signed");
    assert_eq!(f[0].home.id, "shijingshan");
    assert_eq!(ids(f[0]), ["olmazor"]);
    assert!(f[0].rule.ends_with("letter_of_intent"), "{}", f[0].rule);
    let f = facts_in(x, "p12s12");
    assert_eq!(
        (f[0].home.id.as_str(), ids(f[0])),
        ("mentougou", vec!["bottrop"])
    );
    // The city itself where no district acts.
    let f = facts_in(x, "p12s04");
    assert_eq!(
        (f[0].home.id.as_str(), ids(f[0])),
        ("beijing", vec!["minsk"])
    );
}

#[test]
fn chains_of_names_resolve_to_the_right_level() {
    let x = seed();
    let chain = |passage: &str, text: &str| -> (String, Vec<String>) {
        let m = x
            .mentions
            .iter()
            .find(|m| m.passage.ends_with(passage) && m.text == text)
            .unwrap_or_else(|| panic!("a mention {text} in {passage}"));
        (m.id.clone(), m.part_of.clone())
    };
    assert_eq!(
        chain("p12s12", "博特罗普市"),
        ("bottrop".into(), vec!["nrw".into(), "germany".into()])
    );
    assert_eq!(chain("p12s11", "奥尔马佐尔区").0, "olmazor");
    assert_eq!(chain("p12s11", "奥尔马佐尔区").1[0], "tashkent");
    assert_eq!(chain("p12s01", "马德里").0, "madrid");
    // The country before a city is a prefix, not a second counterpart.
    let f = facts_in(x, "p12s01");
    assert_eq!(
        ids(f[0]),
        ["madrid", "rome", "san-francisco", "bangkok", "minsk"]
    );
}

#[test]
fn anniversaries_derive_the_start_year() {
    let x = seed();
    let f = facts_in(x, "p12s05");
    assert_eq!(f[0].kind, "anniversary");
    let y = f[0].year.as_ref().unwrap();
    assert_eq!((y.value, y.basis), (1994, "derived"));
}

#[test]
fn hk_macao_taiwan_are_regions_not_countries() {
    let x = seed();
    let f = facts_in(x, "p15s02");
    let c = &f
        .iter()
        .find(|f| f.kind == "conference")
        .unwrap()
        .counterparts[0];
    assert_eq!(
        (c.id.as_str(), c.level.as_deref(), c.country_zh.as_deref()),
        ("taiwan", Some("region"), Some("中国"))
    );
}

#[test]
fn an_unknown_place_becomes_a_new_candidate_place() {
    let x = run(
        "石景山区与乌兹别克斯坦塔什干市米拉巴德区签署友好关系意向书。\n",
        Some("beijing"),
    )
    .unwrap();
    let f = &x.facts[0];
    assert_eq!(f.kind, "agreement_signed");
    let c = &f.counterparts[0];
    assert_eq!(c.name_zh, "米拉巴德区");
    assert_eq!((c.new, c.level.as_deref()), (Some(true), Some("district")));
    let p = x
        .places
        .iter()
        .find(|p| p.id == c.id)
        .expect("a new place row");
    assert!(p.unknown);
    assert_eq!(p.parent.as_deref(), Some("tashkent"));
    assert!(p.name_en.is_empty(), "no English name is invented");
    // A list member after a country, with no suffix.
    let x = run(
        "接待印度尼西亚勿加泗、越南河内等代表团来访。\n",
        Some("beijing"),
    )
    .unwrap();
    let names: Vec<&str> = x.facts[0]
        .counterparts
        .iter()
        .map(|c| c.name_zh.as_str())
        .collect();
    assert!(names.contains(&"河内"), "{names:?}");
    assert_eq!(x.facts[0].counterparts.len(), 2, "{names:?}");
}

#[test]
fn pdf_line_breaks_traditional_and_full_width_give_the_same_facts() {
    let plain = "市主要领导会见西班牙马德里、意大利罗马等城市领导人。与明斯克签署两市合作发展计划。在京举办与河内结好30周年系列活动。\n";
    let broken = "市主要领导会见西班牙马\n德里、意大利罗马等城市领\n导人。与明斯克签署两市合\n作发展计划。在京举办与河\n内结好30周年系列活动。\n";
    let trad = "市主要領導會見西班牙馬德里、意大利羅馬等城市領導人。與明斯克簽署兩市合作發展計劃。在京舉辦與河內結好30周年系列活動。\n";
    let wide = "市主要领导会见西班牙马德里、意大利罗马等城市领导人。与明斯克签署两市合作发展计划。在京举办与河内结好３０周年系列活动，包括图片展。\n";
    let key = |x: &Extraction| -> Vec<(&'static str, Vec<String>, Option<i32>)> {
        x.facts
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.counterparts.iter().map(|c| c.id.clone()).collect(),
                    f.year.as_ref().map(|y| y.value),
                )
            })
            .collect()
    };
    let want = key(&run(plain, Some("beijing")).unwrap());
    assert_eq!(want.len(), 3, "{want:?}");
    for text in [broken, trad, wide] {
        let x = run(text, Some("beijing")).unwrap();
        assert_eq!(key(&x), want, "{text}");
        quotes_are_verbatim(&x);
    }
    assert!(run(broken, Some("beijing")).unwrap().split.reflowed);
    // Traditional text keeps its own characters in the quote.
    let x = run(trad, Some("beijing")).unwrap();
    assert!(x.facts[1].quote.contains("簽署"), "{}", x.facts[1].quote);
}

#[test]
fn stray_spaces_in_dates_are_read() {
    let x = run("2019年 3月,与意大利维罗纳市签署友好交流备忘录。\n1974年 2月1日,与日本东京缔结友好城市关系。\n", Some("beijing")).unwrap();
    let y: Vec<Option<i32>> = x
        .facts
        .iter()
        .map(|f| f.year.as_ref().map(|y| y.value))
        .collect();
    assert_eq!(y, [Some(2019), Some(1974)]);
    assert_eq!(
        x.facts[1].date.as_ref().and_then(|d| d.value.as_deref()),
        Some("1974-02-01")
    );
    assert_eq!(x.facts[1].kind, "tie_established");
}

#[test]
fn bad_inputs_are_clear_errors() {
    assert!(matches!(run("", Some("beijing")), Err(ExtractError::Empty)));
    assert!(matches!(
        run(" \n\n\t\n", Some("beijing")),
        Err(ExtractError::Empty)
    ));
    assert!(matches!(
        run("Mayor met delegations from Madrid.\n", Some("beijing")),
        Err(ExtractError::NotChinese(_))
    ));
    assert!(matches!(
        run("会见代表团。\n", Some("nowhere-at-all")),
        Err(ExtractError::UnknownHome(_))
    ));
    let (ds, gaz) = data();
    let no_home = extract("会见代表团。\n", &Options::default(), ds, gaz);
    assert!(matches!(no_home, Err(ExtractError::NoHome)), "{no_home:?}");
    let bad_date = Options {
        date: Some("2024-13-01".into()),
        home: Some("beijing".into()),
        ..Default::default()
    };
    assert!(matches!(
        extract("会见。", &bad_date, ds, gaz),
        Err(ExtractError::BadDate(_))
    ));
    // Punctuation only, two columns interleaved: a result, no facts made up.
    assert!(matches!(
        run("。。。,,,、、、\n", Some("beijing")),
        Err(ExtractError::NotChinese(_))
    ));
    let cols = "市主要领导会见      国家会议中心二期\n西班牙马德里等      加快落实装修\n城市领导人。        方案。\n";
    let x = run(cols, Some("beijing")).unwrap();
    quotes_are_verbatim(&x);
}

#[test]
fn home_is_read_from_the_header() {
    let (ds, gaz) = data();
    let opts = Options::default();
    let x = extract(&seed_text(), &opts, ds, gaz).unwrap();
    assert_eq!(x.header.home, "beijing");
    assert_eq!(
        x.header.title.as_deref(),
        Some("北京市人民政府外事办公室2024年市政府工作报告重点任务上半年进展情况")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    /// Any text: a result or a clear error, and every quote verbatim.
    #[test]
    fn never_panics_and_quotes_stay_verbatim(s in "[会见签署与了德国北威州博特罗普市等12个代表团来访结好周年、,。\\n (《》“”a-z0-9]{0,200}") {
        if let Ok(x) = run(&s, Some("beijing")) {
            quotes_are_verbatim(&x);
        }
    }
}

/// Names nobody knows are not read as the known names inside them, and a city's own
/// unqualified organisation names count only in that city's reports (sentences made up for
/// the test).
#[test]
fn short_names_inside_unknown_names_and_home_relative_organisations() {
    let ids_of =
        |x: &Extraction| -> Vec<String> { x.mentions.iter().map(|m| m.id.clone()).collect() };
    // 亚加 (Yagha, Burkina Faso) inside an unknown transliterated name.
    let x = run(
        "常州市与加拿大巴亚加拉市签署友好城市意向书。\n",
        Some("changzhou"),
    )
    .unwrap();
    assert!(
        !ids_of(&x).iter().any(|i| i.contains("yagha")),
        "{:?}",
        ids_of(&x)
    );
    assert!(
        x.mentions.iter().any(|m| m.text == "巴亚加拉市"),
        "{:?}",
        x.mentions
    );
    // 肯特 (Kent) as the second half of a hyphenated name.
    let x = run(
        "常州市与加拿大温莎-肯特市签署友好城市意向书。\n",
        Some("changzhou"),
    )
    .unwrap();
    assert!(
        !ids_of(&x).contains(&"kent".to_string()),
        "{:?}",
        ids_of(&x)
    );
    // 北区 (Kita-ku, Japan) at the end of an unknown district of the home city.
    let x = run(
        "常州市南北区与德国某某市签署友好城市意向书。\n",
        Some("changzhou"),
    )
    .unwrap();
    assert!(
        !ids_of(&x).iter().any(|i| i.starts_with("kita")),
        "{:?}",
        ids_of(&x)
    );
    // "市政府" is Beijing's government only in a Beijing report.
    let x = run("广州市政府代表团访问意大利罗马。\n", Some("guangzhou")).unwrap();
    assert!(
        !ids_of(&x).contains(&"beijing-government".to_string()),
        "{:?}",
        ids_of(&x)
    );
    let x = run("市政府代表团访问意大利罗马。\n", Some("beijing")).unwrap();
    assert!(
        ids_of(&x).contains(&"beijing-government".to_string()),
        "{:?}",
        ids_of(&x)
    );
    // The word for friendship city before a name is not part of it.
    let x = run("在美国友城某某尔市开展文化交流。\n", Some("changzhou")).unwrap();
    assert!(
        x.mentions.iter().all(|m| !m.text.starts_with("友城")),
        "{:?}",
        x.mentions
    );
}
