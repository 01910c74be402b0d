//! The structures reports use, each on a text written for the test (no report's own wording):
//! a list of partners after a total, each with its own date; a guest list with titles; totals
//! in other words and sub-totals; 中X pairs in an event's name; years relative to the report's
//! date; a title and a date line that are not broken sentences.

use std::sync::OnceLock;

use amity::extract::{extract, gazetteer::Gazetteer, Extraction, Fact, Options};
use amity::model::Dataset;

fn data() -> &'static (Dataset, Gazetteer) {
    static D: OnceLock<(Dataset, Gazetteer)> = OnceLock::new();
    D.get_or_init(|| {
        let ds = amity::ingest::load_dir(&amity::default_data_dir()).expect("data/ loads");
        let gaz = Gazetteer::new(&ds);
        (ds, gaz)
    })
}

fn run(text: &str, home: &str) -> Extraction {
    let (ds, gaz) = data();
    let opts = Options {
        home: Some(home.into()),
        ..Default::default()
    };
    extract(text, &opts, ds, gaz).expect("extracts")
}

/// (kind, counterparts' Chinese names, year, count).
type Key = (String, Vec<String>, Option<i32>, Option<u64>);

/// The key of every fact.
fn keys(x: &Extraction) -> Vec<Key> {
    x.facts
        .iter()
        .map(|f: &Fact| {
            (
                f.kind.to_string(),
                f.counterparts.iter().map(|c| c.name_zh.clone()).collect(),
                f.year.as_ref().map(|y| y.value),
                f.count.as_ref().map(|c| c.value),
            )
        })
        .collect()
}

fn has(x: &Extraction, kind: &str, cp: &[&str], year: Option<i32>) -> bool {
    keys(x).iter().any(|(k, c, y, _)| {
        k == kind && c.iter().map(String::as_str).eq(cp.iter().copied()) && *y == year
    })
}

const LISTS: &str = "某某市人民政府外事办公室2023年工作总结\n2023年12月20日\n截至2023年，我市已建立国际友好城市关系的城市有12个，包括：美国加利福尼亚州的阿尔汉布拉市（1994年10月）、菲律宾宿务省的拉普拉普市（1997年7月）、日本奈良市（1974年2月）、英国某某郡。\n3月，市长会见了来访的外国嘉宾，参加会见的嘉宾有：日本京都市市长、英国爱丁堡市副市长。\n";

// Proves each member of a list after a total is a tie of its own with its own year (a member
// without a date has none, not the report's year), named by the most specific place (the city
// after 的, not its state), and that a guest list after 嘉宾有: gives the guests' places as the
// meeting's counterparts, dated by the report's year.
#[test]
fn a_list_after_a_statement_gives_one_fact_per_member() {
    let x = run(LISTS, "西安");
    assert_eq!(
        x.header.date.as_deref(),
        Some("2023-12-20"),
        "{:?}",
        x.header
    );
    assert!(
        has(&x, "tie_established", &["阿尔汉布拉市"], Some(1994)),
        "{:?}",
        keys(&x)
    );
    assert!(
        has(&x, "tie_established", &["拉普拉普市"], Some(1997)),
        "{:?}",
        keys(&x)
    );
    assert!(
        has(&x, "tie_established", &["奈良市"], Some(1974)),
        "{:?}",
        keys(&x)
    );
    let ties: Vec<_> = x
        .facts
        .iter()
        .filter(|f| f.kind == "tie_established")
        .collect();
    assert!(
        ties.iter().all(|f| f.rule.starts_with("list-member ← ")),
        "{ties:?}"
    );
    assert!(
        !keys(&x)
            .iter()
            .any(|(k, _, y, _)| k == "tie_established" && *y == Some(2023)),
        "a listed tie takes no year from the statement: {:?}",
        keys(&x)
    );
    let meeting = x
        .facts
        .iter()
        .find(|f| f.kind == "leader_meeting")
        .expect("the meeting");
    let cps: Vec<&str> = meeting
        .counterparts
        .iter()
        .map(|c| c.name_zh.as_str())
        .collect();
    assert!(
        cps.contains(&"京都") && cps.contains(&"爱丁堡市"),
        "{cps:?}"
    );
    assert_eq!(meeting.year.as_ref().map(|y| y.value), Some(2023));
    for f in &x.facts {
        let p = x.passages.iter().find(|p| p.id == f.passage).unwrap();
        assert!(p.text.contains(&f.quote), "{} not in {}", f.quote, p.text);
    }
}

const TOTALS: &str = "某某市外事办公室2022年工作总结\n2022年12月30日\n截至目前，我市国际友好城市达到27个，其中市级5对、县级1对。2011至2022年发展了23个国际友好城市。\n去年，我市与韩国仁川市签署友好交流备忘录。\n成功举办纪念中韩建交30周年音乐会。中韩、中尼外长会在青举行。其中日常工作有序开展。\n";

// Proves totals in other words (达到, 发展了) and sub-totals (其中…、…) are totals with their
// own numbers, a span of years dates a total by its end, 去年 is the year before the report's,
// and 中韩 / 中尼 in an event's name make Korea and Nepal its counterparts (其中日常 is no pair).
#[test]
fn totals_relative_years_and_country_pairs() {
    let x = run(TOTALS, "青岛");
    let totals: Vec<(Option<i32>, Option<u64>)> = keys(&x)
        .into_iter()
        .filter(|(k, ..)| k == "count_total")
        .map(|(_, _, y, c)| (y, c))
        .collect();
    for want in [
        (Some(2022), Some(27)),
        (Some(2022), Some(5)),
        (Some(2022), Some(1)),
        (Some(2022), Some(23)),
    ] {
        assert!(totals.contains(&want), "{want:?} in {totals:?}");
    }
    assert!(
        has(&x, "agreement_signed", &["仁川"], Some(2021)),
        "{:?}",
        keys(&x)
    );
    assert!(
        has(&x, "event_held", &["韩国"], Some(2022)),
        "{:?}",
        keys(&x)
    );
    assert!(
        has(&x, "event_held", &["韩国", "尼泊尔"], Some(2022)),
        "{:?}",
        keys(&x)
    );
    assert!(
        !keys(&x)
            .iter()
            .any(|(_, c, _, _)| c.iter().any(|n| n == "日本")),
        "{:?}",
        keys(&x)
    );
    assert!(
        !x.facts.iter().any(|f| f.kind == "anniversary"),
        "建交N周年 is the countries' anniversary, not a tie's: {:?}",
        keys(&x)
    );
}

const SIDES: &str = "某某市外事办公室2019年工作总结\n2019年12月30日\n截至1997年底，我市与外国城市结为友好城的共有34对，其中，省级13对，市级21对。全年接待来访外宾共28批次、210人次。\n2019年11月，美国俄勒冈州州务卿率代表团一行9人访津，拜会我市领导同志，并出席友城商品馆开馆仪式。\n俄勒冈州是我市的友好州，双方在经贸领域开展了广泛的交流合作。\n我市已与美国西雅图等26个国家的城市建立了34对友好城市。亚洲地区8个，欧洲14个。\n";

// Proves sub-totals in clauses of their own after a total (其中,省级13对,市级21对) take the
// total's 截至 year; a total of delegations received is counted by groups, not people; the
// visiting delegation of a clause is the other side of the acts after it (拜会, 出席), with 访津
// read as a visit to the home (Tianjin); 双方 stands for the paragraph's place.
#[test]
fn sub_totals_visitors_and_both_sides() {
    let x = run(SIDES, "天津");
    let totals: Vec<(Option<i32>, Option<u64>)> = keys(&x)
        .into_iter()
        .filter(|(k, ..)| k == "count_total")
        .map(|(_, _, y, c)| (y, c))
        .collect();
    for want in [
        (Some(1997), Some(34)),
        (Some(1997), Some(13)),
        (Some(1997), Some(21)),
        (Some(2019), Some(28)),
        // Sub-totals in the sentence after their total.
        (Some(2019), Some(8)),
        (Some(2019), Some(14)),
    ] {
        assert!(totals.contains(&want), "{want:?} in {totals:?}");
    }
    assert!(
        has(&x, "delegation_received", &["俄勒冈州"], Some(2019)),
        "{:?}",
        keys(&x)
    );
    assert!(
        has(&x, "leader_meeting", &["俄勒冈州"], Some(2019)),
        "{:?}",
        keys(&x)
    );
    assert!(
        has(&x, "event_held", &["俄勒冈州"], Some(2019)),
        "{:?}",
        keys(&x)
    );
    assert!(
        has(&x, "exchange_cooperation", &["俄勒冈州"], Some(2019)),
        "{:?}",
        keys(&x)
    );
    let carried = x
        .facts
        .iter()
        .filter(|f| f.rule.starts_with("named-earlier ← "))
        .count();
    assert!(
        carried >= 2,
        "{:?}",
        x.facts.iter().map(|f| &f.rule).collect::<Vec<_>>()
    );
}

// Proves `extract` reads a text PDF (tests/fixtures/report.pdf, printed by Chromium from
// report-for-pdf.html) and a saved web page by their content: the PDF's text with a line cut
// between 2023 and 年 joined, the page's article without its menu and footer, and every quote a
// verbatim substring of the text that is recorded.
#[test]
fn a_pdf_and_a_web_page() {
    let pdf = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/report.pdf"
    ))
    .unwrap();
    let input = amity::extract::input::read(&pdf).unwrap();
    assert_eq!(input.format, "pdf");
    let x = run(&input.text, "西安");
    assert!(
        has(&x, "agreement_signed", &["奈良市"], Some(2023)),
        "{:?}",
        keys(&x)
    );
    assert!(
        has(&x, "leader_meeting", &["首尔"], Some(2023)),
        "{:?}",
        keys(&x)
    );
    assert!(
        x.passages
            .iter()
            .any(|p| p.text == "截至2023年，我市国际友好城市达到27个。"),
        "{:?}",
        x.passages
    );
    for f in &x.facts {
        assert!(x.split.text.contains(&f.quote), "{}", f.quote);
    }
    let page = "<html><head><meta charset='utf-8'><title>新闻</title></head><body><div class='nav'><a>首页</a> <a>会见活动</a></div><div class='content'><h1>某市外办2024年工作动态</h1><p>发布时间：2024-03-02</p><p>2月，市长会见了法国里昂市代表团，双方签署了友好交流备忘录。</p></div><div class='footer'>主办：某市人民政府 地址：某路1号</div></body></html>";
    let input = amity::extract::input::read(page.as_bytes()).unwrap();
    assert_eq!(input.format, "html");
    assert!(
        !input.text.contains("首页") && !input.text.contains("主办"),
        "{}",
        input.text
    );
    let x = run(&input.text, "西安");
    assert_eq!(
        x.header.date.as_deref(),
        Some("2024-03-02"),
        "{}",
        input.text
    );
    assert!(
        has(&x, "leader_meeting", &["里昂"], Some(2024)),
        "{:?}",
        keys(&x)
    );
    assert!(
        x.facts.iter().any(|f| f.kind == "agreement_signed"),
        "{:?}",
        keys(&x)
    );
}

// Proves a pattern is added without a Rust change: with the rows of tests/fixtures/extra-rules.tsv
// (中斐 names Fiji; 友好年 is a context word) the event's name gives Fiji as its counterpart, and
// without them it gives none; a malformed rules file is refused with its line.
#[test]
fn a_rule_added_from_a_file() {
    let text = "某某市外事办公室2024年工作总结\n2024年12月30日\n我市举办中斐友好年文化活动。\n";
    let (ds, gaz) = data();
    let with = |rules: Option<String>| {
        let opts = Options {
            home: Some("青岛".into()),
            rules,
            ..Default::default()
        };
        extract(text, &opts, ds, gaz)
    };
    let plain = with(None).unwrap();
    assert!(
        !plain.facts.iter().any(|f| f.kind == "event_held"),
        "{:?}",
        keys(&plain)
    );
    let extra = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/extra-rules.tsv"
    ))
    .unwrap();
    let x = with(Some(extra)).unwrap();
    assert!(
        has(&x, "event_held", &["斐济"], Some(2024)),
        "{:?}",
        keys(&x)
    );
    let err = with(Some("country\t斐济\n".into()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1") && err.contains("country"), "{err}");
}

// Proves words and a rule are added without a Rust change (issue 29, rules as data): with the
// rows of tests/fixtures/extra-rules-acts.tsv a signing verb (互签) and a document noun (换文) the
// built-in rules lack make an agreement, and a rule of the file's own (`banquet`, reading a
// group of the file's own) makes a meeting, each fact naming the rule's id; without the file
// neither sentence gives a fact; a malformed row is refused with its file, line and column.
#[test]
fn words_and_rules_added_from_a_file() {
    let text = "某某市外事办公室2024年工作总结\n2024年12月30日\n3月，我市与日本奈良市互签换文。\n5月，市长宴请法国里昂市代表团。\n";
    let (ds, gaz) = data();
    let with = |rules: Option<String>| {
        let opts = Options {
            home: Some("青岛".into()),
            rules,
            rules_file: Some("extra-rules-acts.tsv".into()),
            ..Default::default()
        };
        extract(text, &opts, ds, gaz)
    };
    let plain = with(None).unwrap();
    assert!(plain.facts.is_empty(), "{:?}", keys(&plain));
    let extra = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/extra-rules-acts.tsv"
    ))
    .unwrap();
    let x = with(Some(extra)).unwrap();
    let rules: Vec<(&str, &str)> = x.facts.iter().map(|f| (f.kind, f.rule.as_str())).collect();
    assert_eq!(
        rules,
        [
            ("agreement_signed", "sign: 互签 + 换文 → exchange_of_notes"),
            ("leader_meeting", "banquet: 宴请"),
        ],
        "{:?}",
        keys(&x)
    );
    assert!(has(&x, "agreement_signed", &["奈良市"], Some(2024)));
    assert!(
        has(&x, "leader_meeting", &["里昂"], Some(2024)),
        "{:?}",
        keys(&x)
    );
    let err = with(Some(
        "sign\t互签\nrule\t65\tbanquet\tleader_meeting\tword\tfeast\n".into(),
    ))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("extra-rules-acts.tsv, line 2, column 6 (groups): \"feast\""),
        "{err}"
    );
}

const TWO_ACTS: &str = "某某市人民政府外事办公室2021年工作简报\n2021年11月18日\n1月，我市与日本奈良市签署友好城市协议书。\n11月，我市与英国爱丁堡市举行结好40周年庆典，两市市长签署了“结好40周年协议书”。\n我市与爱丁堡市于1980年缔结为友好城市。\n截至目前，我市已与美国洛杉矶、日本京都等12个国家的34对城市建立了友好城市关系。\n8月，德国多特蒙德市成为我市第21个国际友好城市。\n全年共接待来访外宾团组60多批次。\n";

// Proves a clause can state two acts (a signed twinning agreement is the agreement and the
// tie; a signing at an anniversary is both), an anniversary takes the tie's year the report
// states (1980) over the one its ordinal gives (1981), a tie stated with its number is also
// that total (34; the ordinal 第21个 too), and an approximate number (60多批次) is a total at
// its number.
#[test]
fn one_clause_two_acts_and_totals_in_tie_sentences() {
    let x = run(TWO_ACTS, "重庆");
    let k = keys(&x);
    assert!(
        has(&x, "agreement_signed", &["奈良市"], Some(2021)),
        "{k:?}"
    );
    assert!(has(&x, "tie_established", &["奈良市"], Some(2021)), "{k:?}");
    assert!(has(&x, "anniversary", &["爱丁堡市"], Some(1980)), "{k:?}");
    assert!(
        has(&x, "agreement_signed", &["爱丁堡市"], Some(2021)),
        "{k:?}"
    );
    let total = |n: u64| {
        k.iter()
            .any(|(kind, cp, _, c)| kind == "count_total" && cp.is_empty() && *c == Some(n))
    };
    assert!(total(34), "{k:?}");
    assert!(total(21), "{k:?}");
    assert!(
        has(&x, "tie_established", &["多特蒙德"], Some(2021)),
        "{k:?}"
    );
    assert!(!has(&x, "anniversary", &["爱丁堡市"], Some(1981)), "{k:?}");
    assert!(total(60), "{k:?}");
}

fn home_of(text: &str) -> String {
    let (ds, gaz) = data();
    let x = extract(text, &Options::default(), ds, gaz).expect("extracts");
    x.header.home.clone()
}

// Proves the home guessed without --home is the side the report speaks for, at its level: the
// office that issues it (长宁区外办: the district, not Shanghai), the level it speaks of itself
// at (我省: the province named in its title, not the city where a meeting was held), and an
// autonomous prefecture by its short name (甘孜州 is 甘孜藏族自治州, not the county 甘孜县).
#[test]
fn the_home_is_the_side_the_report_speaks_for() {
    let district = "上海市长宁区人民政府外事办公室\n2023年5月10日\n长宁区与日本某市开展交流。我区接待了来访的代表团。\n";
    assert_eq!(home_of(district), "cn-310105");
    let province = "河北省友好活动周在艾奥瓦州举办\n2013年4月19日\n4月18日，我省有关部门和美国艾奥瓦州友好代表团在石家庄举行会谈。我省将派出代表团。\n";
    assert_eq!(home_of(province), "hebei");
    let prefecture = "甘孜州与尼泊尔博卡拉市签订备忘录\n2019年9月19日\n9月18日，甘孜州与尼泊尔博卡拉市签订了建立友好城市备忘录。\n";
    let (_, gaz) = data();
    let home = home_of(prefecture);
    let e = gaz.entry(gaz.by_id(&home).unwrap());
    assert_eq!(e.code.as_deref(), Some("513300"), "{home}");
}

const VISITS: &str = "某某省人民政府外事办公室2023年工作简报\n2023年3月1日\n9月，我省将派出代表团访问美国艾奥瓦州。\n2月21日至24日，副省长一行到访柬埔寨。\n泰国北碧府代表团一行到访我省。\n";

// Proves the home's side sending a delegation (派出代表团访问…) is a visit abroad, not a
// delegation received, and 到访 goes abroad only to a foreign place named after it: a
// delegation that 到访我省 was received.
#[test]
fn a_delegation_sent_is_a_visit_abroad() {
    let x = run(VISITS, "河北");
    let k = keys(&x);
    assert!(has(&x, "visit_abroad", &["艾奥瓦州"], Some(2023)), "{k:?}");
    assert!(
        !has(&x, "delegation_received", &["艾奥瓦州"], Some(2023)),
        "{k:?}"
    );
    assert!(has(&x, "visit_abroad", &["柬埔寨"], Some(2023)), "{k:?}");
    assert!(
        k.iter()
            .any(|(kind, cp, _, _)| kind == "delegation_received"
                && cp.iter().any(|c| c.contains("北碧"))),
        "{k:?}"
    );
}
