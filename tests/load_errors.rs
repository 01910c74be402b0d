//! Bad input: each kind of malformed data gives an error naming file, line, column, the bad
//! value and what was expected; all errors of a run are listed; nothing is loaded.

mod common;

use amity::error::{Error, LoadError, LoadErrors};
use amity::ingest;
use common::*;

fn errors_of(dir: &std::path::Path) -> LoadErrors {
    match ingest::load_dir(dir) {
        Err(Error::Data(errs)) => errs,
        Err(other) => panic!("expected data errors, got {other}"),
        Ok(_) => panic!("corrupted data loaded without error"),
    }
}

/// The one error at `file`, or a panic listing what was found.
fn single<'a>(errs: &'a LoadErrors, file: &str, column_name: &str) -> &'a LoadError {
    let hits: Vec<_> = errs
        .iter()
        .filter(|e| e.at.file == file && e.at.column_name == column_name)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one error at {file} {column_name}, got:\n{errs}"
    );
    hits[0]
}

#[test]
fn shipped_data_is_valid() {
    let ds = ingest::load_dir(&data_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ds.tasks.len(), 7);
    assert!(ds.places.len() > 40);
}

#[test]
fn unknown_reference_names_the_row_and_the_target_file() {
    let d = data_copy();
    replace_in(d.path(), "ties.csv", "beijing,hanoi", "beijing,hanoy");
    let errs = errors_of(d.path());
    let e = single(&errs, "ties.csv", "place_b");
    assert_eq!(e.at.line, line_of(d.path(), "ties.csv", "hanoy"));
    assert_eq!(e.at.column, 3);
    assert_eq!(e.value, "hanoy");
    assert!(e.expected.contains("places.csv"), "{e}");
}

#[test]
fn reference_to_a_row_of_the_wrong_kind_is_refused() {
    let d = data_copy();
    // A department where a place is expected.
    replace_in(
        d.path(),
        "ties.csv",
        "beijing,hanoi",
        "beijing,dept-international",
    );
    let errs = errors_of(d.path());
    let e = single(&errs, "ties.csv", "place_b");
    assert!(e.expected.contains("departments.csv"), "{e}");
}

#[test]
fn duplicate_id_points_at_the_first_use() {
    let d = data_copy();
    replace_in(d.path(), "places.csv", "\nrome,", "\nmadrid,");
    let errs = errors_of(d.path());
    let e = errs
        .iter()
        .find(|e| e.at.file == "places.csv" && e.at.column_name == "id")
        .unwrap_or_else(|| panic!("no duplicate error in:\n{errs}"));
    assert_eq!(e.value, "madrid");
    assert_eq!(e.at.column, 1);
    let first = line_of(d.path(), "places.csv", "madrid,马德里");
    assert!(e.expected.contains(&format!("places.csv:{first}:1")), "{e}");
}

#[test]
fn bad_date_is_refused_with_the_expected_format() {
    let d = data_copy();
    replace_in(
        d.path(),
        "agreements.csv",
        "beijing;minsk,city,signed,,,,2024-01-01",
        "beijing;minsk,city,signed,,,,2024-02-30",
    );
    let errs = errors_of(d.path());
    let e = single(&errs, "agreements.csv", "period_start");
    assert_eq!(e.value, "2024-02-30");
    assert_eq!(e.at.column, 12);
    assert!(e.expected.contains("YYYY-MM-DD"), "{e}");
}

#[test]
fn bad_number_and_bad_percentage_are_refused() {
    let d = data_copy();
    replace_in(d.path(), "projects.csv", ",78.5,", ",178.5,");
    replace_in(d.path(), "events.csv", ",128,", ",12x8,");
    let errs = errors_of(d.path());
    let pct = single(&errs, "projects.csv", "progress_pct");
    assert_eq!(pct.value, "178.5");
    assert!(
        pct.expected.contains("percentage between 0 and 100"),
        "{pct}"
    );
    let count = single(&errs, "events.csv", "reported_count");
    assert_eq!(count.value, "12x8");
    assert!(count.expected.contains("whole number"), "{count}");
    assert_eq!(errs.len(), 2, "exactly the two problems:\n{errs}");
}

#[test]
fn missing_required_field_is_named() {
    let d = data_copy();
    // A place needs a name: the Chinese one, or (a partner an English table names) the English.
    replace_in(d.path(), "places.csv", "lima,利马,Lima", "lima,,");
    let errs = errors_of(d.path());
    let e = single(&errs, "places.csv", "name_zh");
    assert_eq!(e.at.line, line_of(d.path(), "places.csv", "lima,,,"));
    assert_eq!(e.at.column, 2);
    assert!(e.expected.contains("required"), "{e}");
}

#[test]
fn wrong_column_count_shows_the_record() {
    let d = data_copy();
    replace_in(
        d.path(),
        "persons.csv",
        "João Lourenço,",
        "João Lourenço,extra,",
    );
    let errs = errors_of(d.path());
    let e = errs
        .iter()
        .find(|e| e.at.file == "persons.csv")
        .unwrap_or_else(|| panic!("no error for persons.csv in:\n{errs}"));
    assert_eq!(e.at.line, 2);
    assert!(e.value.contains("extra"));
    assert!(e.expected.contains("8 fields"), "{e}");
}

#[test]
fn unknown_enum_values_list_the_allowed_ones() {
    let d = data_copy();
    replace_in(
        d.path(),
        "places.csv",
        "bottrop,博特罗普,Bottrop,博特罗普市,city,",
        "bottrop,博特罗普,Bottrop,博特罗普市,town,",
    );
    replace_in(d.path(), "events.csv", ",leader_meeting,", ",summit,");
    let errs = errors_of(d.path());
    let level = single(&errs, "places.csv", "level");
    assert_eq!(level.value, "town");
    assert!(level.expected.contains("district"), "{level}");
    let kind = single(&errs, "events.csv", "kind");
    assert_eq!(kind.value, "summit");
    assert!(kind.expected.contains("leader_meeting"), "{kind}");
}

#[test]
fn part_of_cycle_is_reported_once_with_its_chain() {
    let d = data_copy();
    // germany → nrw → germany
    replace_in(
        d.path(),
        "places.csv",
        "germany,德国,Germany,,country,sovereign_state,,",
        "germany,德国,Germany,,country,sovereign_state,nrw,",
    );
    let errs = errors_of(d.path());
    let cycles: Vec<_> = errs
        .iter()
        .filter(|e| e.expected.contains("cycle"))
        .collect();
    assert_eq!(cycles.len(), 1, "{errs}");
    assert!(cycles[0].expected.contains("germany") && cycles[0].expected.contains("nrw"));
    assert_eq!(cycles[0].at.column_name, "part_of");
}

#[test]
fn non_utf8_bytes_are_located_to_the_cell() {
    let d = data_copy();
    let path = d.path().join("organisations.csv");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(b"Hong Kong New".len())
        .position(|w| w == b"Hong Kong New")
        .unwrap();
    bytes.splice(at..at + 1, [0xFF]);
    std::fs::write(&path, bytes).unwrap();
    let errs = errors_of(d.path());
    let e = single(&errs, "organisations.csv", "name_en");
    assert!(e.value.contains("\\xFF"), "{e}");
    assert!(e.expected.contains("UTF-8"), "{e}");
    assert_eq!(e.at.column, 3);
}

#[test]
fn a_quote_must_be_in_its_passage() {
    let d = data_copy();
    replace_in(
        d.path(),
        "ties.csv",
        "在京举办与河内结好30周年系列活动",
        "在京举办与河内结好40周年系列活动",
    );
    let errs = errors_of(d.path());
    let e = single(&errs, "ties.csv", "quote");
    assert!(e.expected.contains("bjfao-2024h1-p12s05"), "{e}");
}

#[test]
fn a_reported_total_below_the_named_members_is_refused() {
    let d = data_copy();
    replace_in(d.path(), "events.csv", ",13,个城市,", ",1,个城市,");
    let errs = errors_of(d.path());
    let e = single(&errs, "events.csv", "reported_count");
    assert_eq!(e.value, "1");
    assert!(e.expected.contains("2 members"), "{e}");
}

#[test]
fn every_error_of_a_run_is_listed() {
    let d = data_copy();
    replace_in(d.path(), "ties.csv", "beijing,hanoi", "beijing,hanoy");
    replace_in(d.path(), "projects.csv", ",78.5,", ",abc,");
    replace_in(d.path(), "events.csv", ",leader_meeting,", ",summit,");
    replace_in(d.path(), "places.csv", "lima,利马,Lima", "lima,,");
    let errs = errors_of(d.path());
    let files: std::collections::BTreeSet<_> = errs.iter().map(|e| e.at.file.as_str()).collect();
    assert_eq!(errs.len(), 4, "{errs}");
    assert_eq!(files.len(), 4);
    let text = errs.to_string();
    assert!(
        text.starts_with("4 errors in the data; nothing was loaded"),
        "{text}"
    );
}

#[test]
fn a_failed_reload_leaves_the_previous_store_serving() {
    let d = data_copy();
    let (store, _) = amity::store::AmityStore::in_memory(d.path(), &mut |_, _, _| {}).unwrap();
    let before = store.store().len().unwrap();
    replace_in(d.path(), "ties.csv", "beijing,hanoi", "beijing,hanoy");
    let err = store.reload(d.path(), &mut |_, _, _| {}).unwrap_err();
    assert!(matches!(err, Error::Data(_)));
    assert_eq!(store.store().len().unwrap(), before);
    let out = amity::engine::run_to_vec(
        &store.store(),
        "ASK { <https://w3id.org/amity/id/tie/tie-beijing-hanoi> ?p ?o }",
        amity::query::Format::from_name("json").unwrap(),
    )
    .unwrap();
    assert!(String::from_utf8(out).unwrap().contains("true"));
}

#[cfg(feature = "rocksdb")]
#[test]
fn a_failed_reload_of_the_on_disk_store_keeps_it_intact_and_queryable() {
    use amity::store::AmityStore;
    let d = data_copy();
    let root = tempfile::tempdir().unwrap();
    let (store, summary) =
        AmityStore::load_on_disk(root.path(), d.path(), None, &mut |_, _, _| {}).unwrap();
    assert!(summary.quads > 1000);
    replace_in(d.path(), "ties.csv", "beijing,hanoi", "beijing,hanoy");
    assert!(store.reload(d.path(), &mut |_, _, _| {}).is_err());
    assert_eq!(store.store().len().unwrap(), summary.quads);
    drop(store);
    // Reopened from disk after the failure: still the first generation, complete.
    let reopened = AmityStore::open_on_disk(root.path(), None).unwrap();
    assert_eq!(reopened.store().len().unwrap(), summary.quads);
    let gens = std::fs::read_dir(root.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count();
    assert_eq!(gens, 1, "the failed generation was removed");
}

#[cfg(feature = "rocksdb")]
#[test]
fn the_on_disk_store_survives_restart_and_reloads() {
    use amity::store::AmityStore;
    let d = data_copy();
    let root = tempfile::tempdir().unwrap();
    let (store, summary) =
        AmityStore::load_on_disk(root.path(), d.path(), None, &mut |_, _, _| {}).unwrap();
    drop(store);
    let store = AmityStore::open_on_disk(root.path(), None).unwrap();
    assert_eq!(store.store().len().unwrap(), summary.quads);
    // A successful reload with changed data swaps the generation.
    replace_in(d.path(), "places.csv", "Lima,,city", "Lima,利马城,city");
    let s2 = store.reload(d.path(), &mut |_, _, _| {}).unwrap();
    assert_eq!(s2.quads, summary.quads + 1);
    drop(store);
    let store = AmityStore::open_on_disk(root.path(), None).unwrap();
    assert_eq!(store.store().len().unwrap(), summary.quads + 1);
}

/// `amity serve --store ROOT` as a child process on a free port, with the update token.
#[cfg(feature = "rocksdb")]
fn serve_on_disk(root: &std::path::Path, data: &std::path::Path) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_amity"))
        .args(["serve", "--update-token", "kill-test", "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--store")
        .arg(root)
        .arg("--data")
        .arg(data)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("amity serve starts");
    let base = format!("http://127.0.0.1:{port}");
    let started = std::time::Instant::now();
    while reqwest::blocking::get(format!("{base}/health")).is_err() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "serve --store did not come up"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (child, base)
}

#[cfg(feature = "rocksdb")]
fn ask(base: &str, query: &str) -> bool {
    let r = reqwest::blocking::Client::new()
        .get(format!("{base}/sparql"))
        .query(&[("query", query)])
        .header("Accept", "application/sparql-results+json")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.text().unwrap().contains("true")
}

// Proves `kill -9` of the server in the middle of a reload loses nothing: `serve` started
// again answers from the previous complete generation (the old fact is there, the new one
// is not). The half-built folder stays until the next successful load removes stale ones.
#[cfg(feature = "rocksdb")]
#[test]
fn kill_9_during_a_reload_leaves_the_previous_generation_serving() {
    use amity::store::AmityStore;
    let d = data_copy();
    let root = tempfile::tempdir().unwrap();
    drop(AmityStore::load_on_disk(root.path(), d.path(), None, &mut |_, _, _| {}).unwrap());
    // The next load would add a Chinese name for Lima.
    replace_in(d.path(), "places.csv", "Lima,,city", "Lima,利马城,city");
    let old_fact = "ASK { <https://w3id.org/amity/id/tie/tie-beijing-hanoi> ?p ?o }";
    let new_fact = "ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> \"利马城\"@zh }";

    let (mut child, base) = serve_on_disk(root.path(), d.path());
    assert!(ask(&base, old_fact) && !ask(&base, new_fact));
    let reload_url = format!("{base}/reload");
    let reload = std::thread::spawn(move || {
        reqwest::blocking::Client::new()
            .post(reload_url)
            .bearer_auth("kill-test")
            .send()
            .map(|r| r.status().as_u16())
    });
    // The reload is under way: a next generation folder exists, CURRENT still names the first.
    let current = std::fs::read_to_string(root.path().join("CURRENT")).unwrap();
    let started = std::time::Instant::now();
    loop {
        let generations = std::fs::read_dir(root.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
            .count();
        if generations >= 2 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the reload never started a generation"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(reload.join().unwrap().is_err(), "the reload never finished");
    assert_eq!(
        std::fs::read_to_string(root.path().join("CURRENT")).unwrap(),
        current,
        "CURRENT still names the first generation"
    );

    let (mut child, base) = serve_on_disk(root.path(), d.path());
    assert!(ask(&base, old_fact), "the previous generation answers");
    assert!(
        !ask(&base, new_fact),
        "nothing of the killed reload is served"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

// Proves the text index of an on-disk generation is kept next to it and read back at the next
// start: after a first run writes `gen-NNNNNN.search.json`, a kept index with a marker literal
// replaces it, and the restarted engine answers from the kept file, not a rebuild.
#[cfg(feature = "rocksdb")]
#[test]
fn the_text_index_of_an_on_disk_generation_is_kept_and_read_back() {
    use amity::engine::{Bounds, Engine, EvalError};
    use amity::search::{Field, Index, Literal, Request};
    use amity::store::AmityStore;
    use std::sync::Arc;
    let d = common::data_copy();
    let root = tempfile::tempdir().unwrap();
    let search = |store: AmityStore, text: &str| -> Vec<String> {
        let engine = Engine::new(Arc::new(store), Bounds::default()).unwrap();
        let text = text.to_string();
        engine
            .run_blocking(move |cx| {
                let hits = cx.text_index()?.search(&Request {
                    text,
                    limit: 5,
                    ..Default::default()
                });
                Ok::<_, EvalError>(hits.into_iter().map(|h| h.iri).collect())
            })
            .unwrap()
    };
    let (store, _) =
        AmityStore::load_on_disk(root.path(), d.path(), None, &mut |_, _, _| {}).unwrap();
    let generation = store.generation_dir().unwrap();
    let kept = generation.with_file_name(format!(
        "{}.search.json",
        generation.file_name().unwrap().to_str().unwrap()
    ));
    assert_eq!(
        search(store, "Minsk").first().map(String::as_str),
        Some("https://w3id.org/amity/id/place/minsk")
    );
    assert!(kept.is_file(), "{} was not written", kept.display());
    let marker = Index::build(
        vec![Literal {
            subject: "urn:x:kept".into(),
            field: Field::Label,
            lang: "en".into(),
            text: "Zzyzx".into(),
        }],
        Vec::new(),
        Vec::new(),
    );
    std::fs::write(&kept, serde_json::to_vec(&marker).unwrap()).unwrap();
    let reopened = AmityStore::open_on_disk(root.path(), None).unwrap();
    assert_eq!(search(reopened, "Zzyzx"), ["urn:x:kept"]);
}
