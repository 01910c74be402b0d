//! The gallery: every `queries/*.rq` has a complete header and an expected-results file, and
//! running it on the shipped data gives exactly those rows.
//!
//! Expected files are `queries/expected/NAME.tsv`: the SPARQL TSV output with rows sorted.
//! After a deliberate data change, regenerate them with `AMITY_BLESS=1 cargo test --test gallery`
//! and review the diff by hand before committing.

mod common;

use std::path::PathBuf;

use amity::engine::{self, QueryOptions};
use amity::gallery;
use amity::query::{self, Format};

fn queries_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries")
}

fn run(store: &oxigraph::store::Store, q: &gallery::StoredQuery, opts: &QueryOptions) -> String {
    let parsed = query::parse(&q.text, None).unwrap_or_else(|e| panic!("{}: {e}", q.name));
    let results =
        engine::evaluate(store, parsed, opts).unwrap_or_else(|e| panic!("{}: {e}", q.name));
    let mut out = Vec::new();
    query::write_results(results, Format::from_name("tsv").unwrap(), None, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let mut rows: Vec<&str> = lines.collect();
    rows.sort_unstable();
    let mut s = header;
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

#[test]
fn every_gallery_query_matches_its_expected_results() {
    let store = common::real_store().store();
    let queries = gallery::load(&queries_dir()).unwrap();
    assert!(
        queries.len() >= 12,
        "the gallery has {} questions",
        queries.len()
    );
    let bless = std::env::var_os("AMITY_BLESS").is_some();
    let mut failures = Vec::new();
    for q in &queries {
        // As /queries and `amity query` answer: parameters at their defaults.
        let opts = QueryOptions {
            bindings: q.bind(&[]).unwrap(),
            ..QueryOptions::default()
        };
        let got = run(&store, q, &opts);
        let path = queries_dir()
            .join("expected")
            .join(format!("{}.tsv", q.name));
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} has no expected file {}", q.name, path.display()));
        if got != want {
            failures.push(format!("{}:\n--- expected\n{want}--- got\n{got}", q.name));
        }
        assert!(got.lines().count() > 1, "{} returns no rows", q.name);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_header_states_the_question_in_both_languages() {
    for q in gallery::load(&queries_dir()).unwrap() {
        assert!(
            q.title_zh
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}",
            q.name
        );
        assert!(
            q.question_zh
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}",
            q.name
        );
        assert!(
            q.question.ends_with('?'),
            "{}: the question is a question",
            q.name
        );
        for p in &q.params {
            assert!(
                q.text.contains(&format!("?{}", p.name)),
                "{}: parameter {} unused",
                q.name,
                p.name
            );
        }
    }
}

/// A parameter restricts the rows, bound as an RDF term.
#[test]
fn parameters_bind_typed_terms_and_restrict_rows() {
    let store = common::real_store().store();
    let queries = gallery::load(&queries_dir()).unwrap();
    let q = queries
        .iter()
        .find(|q| q.name == "agreements-signed")
        .unwrap();
    let all = run(&store, q, &QueryOptions::default());
    let opts = QueryOptions {
        bindings: q.bind(&[("party".into(), "place/minsk".into())]).unwrap(),
        ..Default::default()
    };
    let minsk = run(&store, q, &opts);
    assert_eq!(minsk.lines().count(), 2, "{minsk}");
    assert!(minsk.contains("两市合作发展计划"));
    assert!(all.lines().count() > minsk.lines().count());
    // An injection attempt is not an IRI and is refused before evaluation.
    let err = q
        .bind(&[("party".into(), "x> } UNION { ?s ?p ?o".into())])
        .unwrap_err();
    assert!(err.to_string().contains("not an IRI"), "{err}");
    // Unknown parameters are named.
    let err = q.bind(&[("nope".into(), "1".into())]).unwrap_err();
    assert!(err.to_string().contains("party"), "{err}");
}

/// "Us" is a parameter: `partners-since` for Shijiazhuang answers from its imported table, and
/// for Beijing (the default) from the report, with none of the other city's partners.
#[test]
fn partners_since_takes_a_home_city() {
    let sjz = ask_gallery("partners-since", &[("home", "place/shijiazhuang")]);
    let rows: Vec<&str> = sjz.lines().skip(1).collect();
    assert_eq!(rows.len(), 9, "{sjz}");
    assert!(
        sjz.contains("place/nagano>") && sjz.contains("\t1981\t"),
        "{sjz}"
    );
    assert!(
        sjz.contains("place/saskatoon>") && sjz.contains("\t1985\t"),
        "{sjz}"
    );
    assert!(
        !sjz.contains("place/hanoi>"),
        "Beijing's partners are not Shijiazhuang's: {sjz}"
    );
    let bj = ask_gallery("partners-since", &[]);
    assert!(
        bj.contains("place/hanoi>") && !bj.contains("place/saskatoon>"),
        "{bj}"
    );
    // Nagano is one node with two provenances: Beijing's report and Shijiazhuang's table.
    assert!(
        bj.contains("place/nagano>") || !bj.contains("nagano"),
        "{bj}"
    );
}

/// Dormant ties: no recorded event or agreement with the partner on the tie's home side in the
/// last N years, and a status that tells a finding from a gap: "dormant" only where a complete
/// report of the home city covers part of those years and records nothing with the partner;
/// "no record" where none does (a table of ties, an excerpt, or reports of other years).
#[test]
fn dormant_ties_take_their_years_and_look_at_the_home_side() {
    let store = common::real_store().store();
    let queries = gallery::load(&queries_dir()).unwrap();
    let q = queries.iter().find(|q| q.name == "dormant-ties").unwrap();
    let with = |years: &str| {
        let opts = QueryOptions {
            bindings: q.bind(&[("years".into(), years.into())]).unwrap(),
            ..QueryOptions::default()
        };
        run(&store, q, &opts)
    };
    // The status column of the row naming `tie`.
    fn status<'a>(rows: &'a str, tie: &str) -> Option<&'a str> {
        let row = rows.lines().find(|l| l.contains(&format!("/tie/{tie}>")))?;
        row.split('\t').nth(8)
    }
    let five = with("5");
    assert!(five.starts_with("?years\t?tie\t?home\t?partner\t?partner_zh\t?since\t?last_activity\t?latest_report_year\t?status\t?home_report_year\n"), "{five}");
    // Beijing's complete 2024 report names no exchange with Tokyo: dormant. It names Hanoi.
    assert_eq!(
        status(&five, "tie-beijing-tokyo"),
        Some("\"dormant\""),
        "{five}"
    );
    assert_eq!(status(&five, "tie-beijing-hanoi"), None, "{five}");
    // Guangzhou's 38 ties come from a table, and its one report is an excerpt: no record, not
    // dormant. The same for Shijiazhuang's nine (a table only).
    for (home, n) in [("guangzhou", 38), ("shijiazhuang", 9)] {
        let rows: Vec<&str> = five
            .lines()
            .filter(|l| l.contains(&format!("/tie/tie-{home}-")))
            .collect();
        assert_eq!(rows.len(), n, "{home}: {five}");
        assert!(
            rows.iter()
                .all(|r| r.split('\t').nth(8) == Some("\"no record\"")),
            "{home}: {five}"
        );
    }
    // Changzhou was active in 2014 (letters, agreements) and its complete reports end in 2014:
    // over five years before 2024 that says nothing (no record); over 12 its reports cover
    // 2014, which records activity with La Serena (not listed) and none with Chatham-Kent.
    assert_eq!(
        status(&five, "tie-changzhou-la-serena"),
        Some("\"no record\""),
        "{five}"
    );
    let twelve = with("12");
    assert_eq!(status(&twelve, "tie-changzhou-la-serena"), None, "{twelve}");
    assert_eq!(
        status(&twelve, "tie-liyang-chatham-kent"),
        Some("\"dormant\""),
        "{twelve}"
    );
    assert_eq!(
        status(&twelve, "tie-shijiazhuang-nagano"),
        Some("\"no record\""),
        "{twelve}"
    );
    // No window at all: every tie with a foreign partner is listed, and no report covers an
    // empty window.
    let zero = with("0");
    assert_eq!(
        status(&zero, "tie-beijing-hanoi"),
        Some("\"no record\""),
        "{zero}"
    );
    assert!(!zero.contains("\"dormant\""), "{zero}");
}

/// Activity per partner country: the home side of a fact is never its partner. China stands
/// for Hong Kong, Macao and Taiwan only: not Beijing or its districts where the report's events
/// were held, not the home cities of the tables' ties.
#[test]
fn activity_per_country_counts_the_other_side_only() {
    let all = ask_gallery("activity-per-country", &[]);
    let china = all
        .lines()
        .find(|l| l.starts_with("<https://w3id.org/amity/id/place/china>"))
        .unwrap_or_else(|| panic!("a China row: {all}"));
    let cells: Vec<&str> = china.split('\t').collect();
    // events, agreements, ties
    assert_eq!(&cells[3..6], ["6", "2", "0"], "{china}");
    let mut places: Vec<&str> = cells[6].trim_matches('"').split("; ").collect();
    places.sort_unstable();
    assert_eq!(places, ["Hong Kong", "Macao", "Taiwan"], "{china}");
    for home in [
        "Beijing",
        "Guangzhou",
        "Changzhou",
        "Shijiazhuang",
        "Hangzhou",
        "Mentougou",
    ] {
        assert!(!all.contains(home), "{home} is a home side: {all}");
    }
    // A tie counts once, for its foreign partner: Guangzhou's Fukuoka under Japan.
    assert!(all.contains("Fukuoka"), "{all}");
}

/// The questions about "our city" name it in their `home` column when their text is run as it
/// is (as the query page and /sparql run it): the same rows as with the default bound.
#[test]
fn home_questions_run_as_text_name_their_home() {
    let store = common::real_store().store();
    let queries = gallery::load(&queries_dir()).unwrap();
    let mut checked = Vec::new();
    for q in &queries {
        let Some(p) = q.params.iter().find(|p| p.name == "home") else {
            continue;
        };
        if p.default.is_none() {
            continue;
        }
        let bound = run(
            &store,
            q,
            &QueryOptions {
                bindings: q.bind(&[]).unwrap(),
                ..QueryOptions::default()
            },
        );
        let as_text = run(&store, q, &QueryOptions::default());
        assert_eq!(as_text, bound, "{}", q.name);
        assert!(
            as_text
                .lines()
                .skip(1)
                .all(|l| l.starts_with("<https://w3id.org/amity/id/place/beijing>")),
            "{}: {as_text}",
            q.name
        );
        checked.push(q.name.as_str());
    }
    for name in ["partners-since", "agreements-signed"] {
        assert!(
            checked.contains(&name),
            "{name} has a home default: {checked:?}"
        );
    }
}

/// Ties per home city and partner country: districts roll up to their city, and a table's ties
/// are attested by the date its source names, a report's by the report's date.
#[test]
fn ties_per_home_and_country_give_their_evidence() {
    let store = common::real_store().store();
    let queries = gallery::load(&queries_dir()).unwrap();
    let q = queries
        .iter()
        .find(|q| q.name == "ties-per-home-and-country")
        .unwrap();
    let all = run(&store, q, &QueryOptions::default());
    let row = |home: &str, country: &str| -> Vec<String> {
        all.lines()
            .find(|l| {
                l.contains(&format!("place/{home}>")) && l.contains(&format!("place/{country}>"))
            })
            .unwrap_or_else(|| panic!("a row {home} × {country}:\n{all}"))
            .split('\t')
            .map(str::to_string)
            .collect()
    };
    // ties, earliest start, latest start, first evidence, latest evidence
    assert_eq!(
        &row("beijing", "germany")[4..9],
        ["1", "2024", "2024", "2024", "2024"],
        "Mentougou–Bottrop counts for Beijing"
    );
    assert_eq!(
        &row("beijing", "vietnam")[4..9],
        ["1", "1994", "1994", "2024", "2024"]
    );
    assert_eq!(
        &row("shijiazhuang", "japan")[4..9],
        ["1", "1981", "1981", "2009", "2009"]
    );
    let opts = QueryOptions {
        bindings: q
            .bind(&[("home".into(), "place/shijiazhuang".into())])
            .unwrap(),
        ..QueryOptions::default()
    };
    let sjz = run(&store, q, &opts);
    assert_eq!(sjz.lines().count() - 1, 9, "nine partner countries: {sjz}");
    assert!(!sjz.contains("place/beijing>"), "{sjz}");
}

/// `run` with the named query and `params`.
fn ask_gallery(name: &str, params: &[(&str, &str)]) -> String {
    let store = common::real_store().store();
    let queries = gallery::load(&queries_dir()).unwrap();
    let q = queries.iter().find(|q| q.name == name).unwrap();
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let opts = QueryOptions {
        bindings: q.bind(&params).unwrap(),
        ..QueryOptions::default()
    };
    run(&store, q, &opts)
}

/// `partners-since` for a second and a third city: Guangzhou from its official table (38
/// partners, Fukuoka first in 1979), Changzhou from its two 2014 reports (with its districts).
#[test]
fn partners_since_answers_for_guangzhou_and_changzhou() {
    let gz = ask_gallery("partners-since", &[("home", "place/guangzhou")]);
    let rows: Vec<&str> = gz.lines().skip(1).collect();
    assert_eq!(rows.len(), 38, "{gz}");
    let fukuoka = rows
        .iter()
        .find(|r| r.contains("place/fukuoka-jp>"))
        .unwrap();
    assert!(fukuoka.contains("\t1979\t"), "{gz}");
    // Partners the table names in English only (no gazetteer entry) still count.
    assert!(
        gz.contains("place/noboribetsu>") && gz.contains("place/pokhara>"),
        "{gz}"
    );
    assert!(
        !gz.contains("place/hanoi>") && !gz.contains("place/essen>"),
        "{gz}"
    );
    let cz = ask_gallery("partners-since", &[("home", "place/changzhou")]);
    for p in [
        "essen",
        "la-serena",
        "roth",
        "weinheim",
        "longview-wa",
        "chatham-kent",
    ] {
        assert!(cz.contains(&format!("place/{p}>")), "{p}: {cz}");
    }
    assert!(!cz.contains("place/fukuoka-jp>"), "{cz}");
}

/// What a newer report adds: Changzhou's mid-year report names Essen, Roth … for the first time,
/// but not Longview, which its April item already named; Beijing's 2024 report adds Hanoi over
/// the 2020 excerpt; a city with one report has nothing to compare.
#[test]
fn newer_report_adds_what_no_earlier_report_named() {
    let cz = ask_gallery("newer-report-adds", &[("home", "place/changzhou")]);
    assert!(
        cz.contains("report/cz-2014h1>") && cz.contains("place/essen>"),
        "{cz}"
    );
    assert!(cz.contains("Xinbei–Roth twinning agreement"), "{cz}");
    assert!(
        !cz.contains("place/longview-wa>"),
        "named in the April item already: {cz}"
    );
    assert!(
        !cz.contains("report/cz-20140422>"),
        "the first report adds nothing: {cz}"
    );
    let bj = ask_gallery("newer-report-adds", &[]);
    assert!(
        bj.contains("report/bjfao-2024h1>") && bj.contains("place/hanoi>"),
        "{bj}"
    );
    let gz = ask_gallery("newer-report-adds", &[("home", "place/guangzhou")]);
    assert_eq!(gz.lines().count(), 1, "one Guangzhou report: {gz}");
}

/// Where sources disagree: Guangzhou's table lists Bristol, which Wikidata's 2016 network does
/// not pair with Guangzhou; Birmingham it does; Longview's two Changzhou reports agree on 2014;
/// a tie with one source only that Wikidata cannot confirm either way (Changzhou–Niagara: Niagara
/// has no QID) is not listed, while Essen, whose QID Wikidata's network knows without the pair, is.
#[test]
fn tie_sources_disagree_names_each_source() {
    let all = ask_gallery("tie-sources-disagree", &[]);
    let row = |partner: &str| {
        all.lines()
            .find(|l| l.contains(&format!("place/{partner}>")))
            .unwrap_or_else(|| panic!("{partner}: {all}"))
            .to_string()
    };
    let bristol = row("bristol");
    assert!(
        bristol.contains("2001") && bristol.contains("guangzhou-friendship-cities.csv"),
        "{bristol}"
    );
    assert!(bristol.contains("does not list the pair"), "{bristol}");
    assert!(
        row("birmingham").ends_with("\"agree\""),
        "{}",
        row("birmingham")
    );
    let longview = row("longview-wa");
    assert!(
        longview.contains("report/cz-20140422") && longview.contains("report/cz-2014h1"),
        "{longview}"
    );
    assert!(
        longview.contains("\"2014\"") && longview.ends_with("\"agree\""),
        "{longview}"
    );
    assert!(!all.contains("place/niagara-ca>"), "{all}");
    assert!(
        row("essen").contains("does not list the pair"),
        "{}",
        row("essen")
    );
    let gz = ask_gallery("tie-sources-disagree", &[("home", "place/guangzhou")]);
    assert!(
        gz.contains("place/bristol>") && !gz.contains("place/longview-wa>"),
        "{gz}"
    );
}

/// `e.g. VALUE` in a parameter's description: the example the header gives.
fn example(description: &str) -> Option<String> {
    let rest = description.split("e.g. ").nth(1)?;
    let end = rest.find([' ', ')', ',']).unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

#[test]
fn parameters_written_into_the_text_give_the_rows_substitution_gives() {
    // What a remote endpoint is sent (`--endpoint`): the bindings as a VALUES row in the text.
    let store = common::real_store().store();
    let queries = gallery::load(&queries_dir()).unwrap();
    let mut checked = 0;
    for q in &queries {
        let mut cases = vec![Vec::new()];
        for p in &q.params {
            if let Some(v) = example(&p.description) {
                cases.push(vec![(p.name.clone(), v)]);
            }
        }
        for given in cases {
            let bindings = q.bind(&given).unwrap();
            let substituted = run(
                &store,
                q,
                &QueryOptions {
                    bindings: bindings.clone(),
                    ..QueryOptions::default()
                },
            );
            let mut as_text = q.clone();
            as_text.text = gallery::bind_text(&q.text, &bindings).unwrap();
            let written = run(&store, &as_text, &QueryOptions::default());
            assert_eq!(written, substituted, "{} with {given:?}", q.name);
            if !bindings.is_empty() {
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} bound cases");
}

#[test]
fn bind_text_finds_the_where_group_past_comments_strings_and_iris() {
    use oxigraph::model::{NamedNode, Term, Variable};
    let b = [(
        Variable::new_unchecked("home"),
        Term::from(NamedNode::new_unchecked("http://x/h")),
    )];
    let got = gallery::bind_text(
        "PREFIX a: <http://x/{#}> # where {\nSELECT ?home (\"{\" AS ?s) WHERE { ?home a:p ?o }",
        &b,
    )
    .unwrap();
    assert!(
        got.ends_with("WHERE { VALUES (?home) { (<http://x/h>) }  ?home a:p ?o }"),
        "{got}"
    );
    let got = gallery::bind_text("CONSTRUCT { ?home ?p ?o } WHERE { ?home ?p ?o }", &b).unwrap();
    assert!(
        got.starts_with("CONSTRUCT { ?home ?p ?o } WHERE { VALUES"),
        "{got}"
    );
    let got = gallery::bind_text("ASK { ?home ?p 1 FILTER(?o < 3) }", &b).unwrap();
    assert!(got.starts_with("ASK { VALUES"), "{got}");
    assert!(gallery::bind_text("CONSTRUCT { ?home ?p ?o }", &b).is_err());
}
