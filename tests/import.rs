//! `amity import ties`: the date forms official tables use, partners through the gazetteer,
//! and a table with an unreadable row reported by line and reason with nothing imported.

use amity::extract::gazetteer::Gazetteer;
use amity::extract::import::{import_ties, parse_table_date};

#[test]
fn the_date_forms_of_official_tables() {
    let day = |s: &str| parse_table_date(s).unwrap();
    assert_eq!(day("1974年2月1日"), (1974, Some("1974-02-01".into())));
    assert_eq!(day("1974年 2月1日"), (1974, Some("1974-02-01".into())));
    assert_eq!(day("1979.03.14"), (1979, Some("1979-03-14".into())));
    assert_eq!(day(" 1979-3-14 "), (1979, Some("1979-03-14".into())));
    assert_eq!(day("1979/03/14"), (1979, Some("1979-03-14".into())));
    assert_eq!(
        day("１９７９．０３．１４"),
        (1979, Some("1979-03-14".into()))
    );
    assert_eq!(day("1999"), (1999, None));
    assert_eq!(day("1999年"), (1999, None));
    assert_eq!(day("2002年8月"), (2002, None));
    // English tables.
    assert_eq!(day("March 14, 1979"), (1979, Some("1979-03-14".into())));
    assert_eq!(day(" 14 March 1979"), (1979, Some("1979-03-14".into())));
    assert_eq!(day("Sept. 22, 1994"), (1994, Some("1994-09-22".into())));
    assert_eq!(day("October 1997"), (1997, None));
    assert_eq!(day("since 1979"), (1979, None));
    assert_eq!(day("Since 1994.10"), (1994, None));
    for bad in [
        "February 30, 1980",
        "March 14, 79",
        "March 14 15, 1979",
        "Marchy 1979",
        "",
        "79.03.14",
        "1979.13.01",
        "1979.02.30",
        "一九七九年",
        "1979年春",
        "3000",
        "since",
        "sincere 1979",
    ] {
        assert!(parse_table_date(bad).is_err(), "{bad:?} is refused");
    }
}

fn data() -> (amity::model::Dataset, Gazetteer) {
    let ds = amity::ingest::load_dir(&amity::default_data_dir()).unwrap();
    let gaz = Gazetteer::new(&ds);
    (ds, gaz)
}

#[test]
fn partners_resolve_through_the_gazetteer() {
    let (ds, gaz) = data();
    let table = "序号,国家,友好城市,英文名,结好时间\n1,日本,长野市,Nagano,1981年4月19日\n2,德国,博特罗普市,Bottrop,1999\n3,美国,某某新市,Somewhere New,2010.5.1\n";
    let rows = import_ties(
        table.as_bytes(),
        "test table",
        "青岛",
        "twinning",
        &ds,
        &gaz,
    )
    .unwrap();
    let ties = rows.get("ties.csv");
    assert_eq!(ties.len(), 3);
    assert_eq!(
        ties[0]["place_b"], "nagano",
        "the same node as data/'s Nagano"
    );
    assert_eq!(ties[0]["start_date"], "1981-04-19");
    assert_eq!(ties[1]["place_b"], "bottrop");
    assert_eq!(
        (
            ties[1]["start_year"].as_str(),
            ties[1]["start_date"].as_str()
        ),
        ("1999", "")
    );
    assert_eq!(ties[0]["source"], "test table line 2");
    let places = rows.get("places.csv");
    let new = places
        .iter()
        .find(|p| p["name_zh"] == "某某新市")
        .expect("the unknown partner is a new place");
    assert_eq!(
        (new["name_en"].as_str(), new["part_of"].as_str()),
        ("Somewhere New", "usa")
    );
    assert!(
        places.iter().any(|p| p["id"] == ties[0]["place_a"]),
        "the home city's row comes too"
    );
}

#[test]
fn an_unreadable_row_is_reported_and_nothing_is_imported() {
    let (ds, gaz) = data();
    let table = "国家,友好城市,签约时间\n日本,长野市,1981年4月19日\n德国,博特罗普市,1999年13月\n,某城,2001\n法国,巴黎,\n";
    let errs = import_ties(table.as_bytes(), "t", "青岛", "twinning", &ds, &gaz).unwrap_err();
    let lines: Vec<u64> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4, 5], "{errs:?}");
    assert!(errs[0].reason.contains("month 13"), "{}", errs[0]);
    assert!(errs[1].reason.contains("give its country"), "{}", errs[1]);
    assert!(errs[2].reason.contains("empty"), "{}", errs[2]);
    // No header to read: one clear error.
    let errs =
        import_ties("a,b\n1,2\n".as_bytes(), "t", "青岛", "twinning", &ds, &gaz).unwrap_err();
    assert_eq!(errs[0].line, 1);
    assert!(import_ties(b"\xff\xfe", "t", "qingdao", "twinning", &ds, &gaz).is_err());
}

/// A table in English (as Guangzhou's is): countries in their long forms, partners by their
/// English names through the gazetteer's English names ("Linkoping" finds Linköping, "Buenos
/// Aires" the city rather than the province, "Mombasa County" the county); a partner no
/// gazetteer knows becomes a place with its English name only.
#[test]
fn an_english_table_resolves_by_english_names() {
    let (ds, gaz) = data();
    let table = "no,city,country,date\n1,Linkoping,Sweden,1997.11.24\n2,Buenos Aires,Argentina,2012.04.16\n3,Mombasa County,Kenya,2018.11.27\n4,Los Angeles,the United States of America,1981.12.08\n5,Noboribetsu,Japan,2012.11.15\n6,Tokyo Metropolis,Japan,\"March 14, 1979\"\n";
    let rows = import_ties(table.as_bytes(), "t", "guangzhou", "twinning", &ds, &gaz).unwrap();
    let ties = rows.get("ties.csv");
    let places = rows.get("places.csv");
    // The partner's names and level, from the new rows or from data/ (which holds Guangzhou's).
    let partner = |i: usize| {
        let id = &ties[i]["place_b"];
        places
            .iter()
            .find(|p| &p["id"] == id)
            .map(|p| {
                (
                    p["name_en"].clone(),
                    p["name_zh"].clone(),
                    p["level"].clone(),
                )
            })
            .or_else(|| {
                ds.places.iter().find(|p| &p.id == id).map(|p| {
                    (
                        p.name_en.clone(),
                        p.name_zh.clone(),
                        format!("{:?}", p.level).to_lowercase(),
                    )
                })
            })
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(partner(0).0, "Linköping");
    assert_eq!(partner(1).0, "Autonomous City of Buenos Aires");
    assert_eq!(
        (partner(2).0.as_str(), partner(2).2.as_str()),
        ("Mombasa", "region")
    );
    assert_eq!(partner(3).0, "Los Angeles", "{:?}", ties[3]);
    assert_eq!(
        (partner(4).0.as_str(), partner(4).1.as_str()),
        ("Noboribetsu", "")
    );
    assert_eq!(ties[4]["start_date"], "2012-11-15");
    // "Tokyo Metropolis" is the prefecture-level Tokyo (东京都), dated in English.
    assert_eq!(
        (partner(5).1.as_str(), partner(5).2.as_str()),
        ("东京都", "region")
    );
    assert_eq!(ties[5]["start_date"], "1979-03-14");
    // A country nobody knows is reported with its line, and nothing is imported.
    let bad = "no,city,country,date\n1,Linkoping,Sweden,1997.11.24\n2,Nowhere,Atlantis,2001\n";
    let errs = import_ties(bad.as_bytes(), "t", "guangzhou", "twinning", &ds, &gaz).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].line, errs[0].value.as_str()), (3, "Atlantis"));
}
