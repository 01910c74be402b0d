//! Extra folders of rows (`--with DIR`): read after data/ as if appended to it, validated
//! together with it (one id registry, references across folders), errors naming the extra
//! file by its path.

mod common;

use std::path::{Path, PathBuf};

use amity::error::{Error, LoadErrors};
use amity::ingest;
use amity::store::AmityStore;
use amity::vocab;
use common::*;
use oxigraph::model::{GraphNameRef, NamedNodeRef, TermRef};

const REPORT_TEXT: &str =
    "北京市人民政府外事办公室测试报告\n\n市领导会见西班牙马德里及托莱多友好代表团。\n";
const SENTENCE: &str = "市领导会见西班牙马德里及托莱多友好代表团。";

/// Writes `dir/file` with the file's full header and one line a row; each row gives some
/// columns, the others are left empty.
fn write_rows(dir: &Path, file: &str, rows: &[&[(&str, &str)]]) {
    let columns = ingest::columns_of(file).expect("a data file");
    let mut text = columns.join(",") + "\n";
    for row in rows {
        for (c, _) in row.iter() {
            assert!(columns.contains(c), "{file} has no column {c}");
        }
        let cells: Vec<&str> = columns
            .iter()
            .map(|c| row.iter().find(|(k, _)| k == c).map_or("", |(_, v)| *v))
            .collect();
        text += &(cells.join(",") + "\n");
    }
    std::fs::write(dir.join(file), text).unwrap();
}

/// The event of the extra folder, with its own cells replaced by `changes`.
fn event<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut row = vec![
        ("id", "ev-cand-visit"),
        ("kind", "leader_meeting"),
        ("title_zh", "市领导会见西班牙代表团"),
        ("title_en", "Municipal leaders meet a Spanish delegation"),
        ("held_in", "beijing"),
        ("counterparts", "madrid;toledo"),
        ("passage", "cand-2024-p03s01"),
        ("quote", "市领导会见西班牙马德里及托莱多友好代表团"),
    ];
    for (c, v) in changes {
        match row.iter_mut().find(|(k, _)| k == c) {
            Some(cell) => cell.1 = v,
            None => row.push((c, v)),
        }
    }
    row
}

/// A folder of candidate rows: a new report with its text and passages, a place known only by
/// its Chinese name, and an event with no task whose counterparts are in data/places.csv and in
/// the folder.
fn candidates() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::create_dir(dir.join("reports")).unwrap();
    std::fs::write(dir.join("reports/cand-2024.txt"), REPORT_TEXT).unwrap();
    write_rows(
        dir,
        "reports.csv",
        &[&[
            ("id", "cand-2024"),
            ("title_zh", "北京市人民政府外事办公室测试报告"),
            ("title_en", "A test report"),
            ("publisher", "bjfao"),
            ("source_zh", "北京外办"),
            ("date", "2024-12-31"),
            ("period_start", "2024-07-01"),
            ("period_end", "2024-12-31"),
            ("text_file", "reports/cand-2024.txt"),
        ]],
    );
    write_rows(
        dir,
        "passages.csv",
        &[
            &[
                ("id", "cand-2024-p01s01"),
                ("report", "cand-2024"),
                ("paragraph", "1"),
                ("sentence", "1"),
                ("text", "北京市人民政府外事办公室测试报告"),
            ],
            &[
                ("id", "cand-2024-p03s01"),
                ("report", "cand-2024"),
                ("paragraph", "3"),
                ("sentence", "1"),
                ("text", SENTENCE),
            ],
        ],
    );
    write_rows(
        dir,
        "places.csv",
        &[&[
            ("id", "toledo"),
            ("name_zh", "托莱多"),
            ("level", "city"),
            ("admin_type", "city"),
            ("part_of", "spain"),
            ("lat", "39.8567"),
            ("lon", "-4.0244"),
            ("coord_source", "GeoNames"),
            ("passage", "cand-2024-p03s01"),
            ("quote", "托莱多"),
        ]],
    );
    write_rows(dir, "events.csv", &[&event(&[])]);
    d
}

fn errors_of(base: &Path, extra: &[PathBuf]) -> LoadErrors {
    match ingest::load_dirs(base, extra) {
        Err(Error::Data(errs)) => errs,
        Err(other) => panic!("expected data errors, got {other}"),
        Ok(_) => panic!("bad extra rows loaded without error"),
    }
}

fn has(store: &oxigraph::store::Store, s: &str, p: NamedNodeRef<'_>) -> Vec<String> {
    store
        .quads_for_pattern(
            Some(NamedNodeRef::new(s).unwrap().into()),
            Some(p),
            None,
            None,
        )
        .map(|q| q.unwrap().object.to_string())
        .collect()
}

#[test]
fn extra_rows_load_with_the_data_folder_and_refer_to_its_rows() {
    let cand = candidates();
    let extra = [cand.path().to_path_buf()];
    let base = ingest::load_dir(&data_dir()).unwrap();
    let ds = ingest::load_dirs(&data_dir(), &extra).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ds.events.len(), base.events.len() + 1);
    assert_eq!(ds.places.len(), base.places.len() + 1);
    let ev = ds.events.iter().find(|e| e.id == "ev-cand-visit").unwrap();
    assert!(ev.task.is_none());
    let ids: Vec<_> = ev.counterparts.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["madrid", "toledo"]);
    let toledo = ds.places.iter().find(|p| p.id == "toledo").unwrap();
    assert_eq!(toledo.country.as_deref(), Some("spain"));
    let passage = ds
        .passages
        .iter()
        .find(|p| p.id == "cand-2024-p03s01")
        .unwrap();
    assert_eq!(
        passage.char_start,
        Some(
            REPORT_TEXT[..REPORT_TEXT.find(SENTENCE).unwrap()]
                .chars()
                .count()
        )
    );

    let (store, summary) =
        AmityStore::in_memory_dirs(&data_dir(), &extra, None, &mut |_, _, _| {}).unwrap();
    assert_eq!(summary.rows, base.row_count() + 5);
    let store = store.store();
    let event = vocab::resource("event", "ev-cand-visit");
    let graph = vocab::graph("cand-2024");
    let typed = store
        .quads_for_pattern(
            Some(NamedNodeRef::new(&event).unwrap().into()),
            Some(vocab::rdf::TYPE),
            Some(TermRef::from(vocab::am::EVENT)),
            Some(GraphNameRef::from(NamedNodeRef::new(&graph).unwrap())),
        )
        .count();
    assert_eq!(typed, 1, "the event is in its report's graph");
    assert_eq!(
        has(&store, &event, vocab::am::COUNTERPART).len(),
        2,
        "counterparts in data/ and in the extra folder"
    );
    assert!(
        has(&store, &event, vocab::am::IN_TASK).is_empty(),
        "no task, no triple"
    );
    let labels = has(
        &store,
        &vocab::resource("place", "toledo"),
        vocab::rdfs::LABEL,
    );
    assert_eq!(
        labels,
        ["\"托莱多\"@zh"],
        "no English label without name_en"
    );
}

#[test]
fn a_reload_keeps_the_extra_folders() {
    let cand = candidates();
    let extra = [cand.path().to_path_buf()];
    let (store, first) =
        AmityStore::in_memory_dirs(&data_dir(), &extra, None, &mut |_, _, _| {}).unwrap();
    let again = store
        .reload_dirs(&data_dir(), &extra, &mut |_, _, _| {})
        .unwrap();
    assert_eq!(again.rows, first.rows);
    let event = vocab::resource("event", "ev-cand-visit");
    assert!(!has(&store.store(), &event, vocab::rdf::TYPE).is_empty());
}

#[test]
fn an_id_of_the_data_folder_reused_in_an_extra_folder_is_refused() {
    let cand = candidates();
    write_rows(
        cand.path(),
        "places.csv",
        &[&[
            ("id", "madrid"),
            ("name_zh", "马德里"),
            ("name_en", "Madrid"),
            ("level", "city"),
            ("admin_type", "city"),
            ("part_of", "spain"),
            ("lat", "40.4169"),
            ("lon", "-3.7033"),
            ("coord_source", "GeoNames"),
            ("passage", "cand-2024-p03s01"),
            ("quote", "马德里"),
        ]],
    );
    write_rows(
        cand.path(),
        "events.csv",
        &[&event(&[("counterparts", "madrid")])],
    );
    let errs = errors_of(&data_dir(), &[cand.path().to_path_buf()]);
    let file = cand.path().join("places.csv").display().to_string();
    let hits: Vec<_> = errs.iter().filter(|e| e.at.file == file).collect();
    assert_eq!(hits.len(), 1, "one error in {file}:\n{errs}");
    let e = hits[0];
    assert_eq!(
        (e.at.line, e.at.column, e.at.column_name.as_str()),
        (2, 1, "id")
    );
    assert_eq!(e.value, "madrid");
    let first = line_of(&data_dir(), "places.csv", "madrid,马德里");
    assert!(e.expected.contains(&format!("places.csv:{first}:1")), "{e}");
    assert_eq!(errs.len(), 1, "{errs}");
}

#[test]
fn a_bad_reference_in_an_extra_file_names_its_path_line_and_column() {
    let cand = candidates();
    write_rows(
        cand.path(),
        "events.csv",
        &[
            &event(&[]),
            &event(&[("id", "ev-cand-second"), ("counterparts", "madridd")]),
        ],
    );
    let errs = errors_of(&data_dir(), &[cand.path().to_path_buf()]);
    assert_eq!(errs.len(), 1, "{errs}");
    let e = errs.iter().next().unwrap();
    assert_eq!(
        e.at.file,
        cand.path().join("events.csv").display().to_string()
    );
    assert_eq!(e.at.line, 3);
    let column = ingest::columns_of("events.csv")
        .unwrap()
        .iter()
        .position(|c| *c == "counterparts")
        .unwrap()
        + 1;
    assert_eq!(
        (e.at.column, e.at.column_name.as_str()),
        (column, "counterparts")
    );
    assert_eq!(e.value, "madridd");
    assert!(e.expected.contains("places.csv"), "{e}");
    assert!(
        e.to_string().contains(&format!("events.csv:3:{column}")),
        "{e}"
    );
}

#[test]
fn errors_come_by_file_with_the_data_folder_before_the_extra_ones() {
    let d = data_copy();
    replace_in(d.path(), "ties.csv", "beijing,hanoi", "beijing,hanoy");
    let cand = candidates();
    write_rows(
        cand.path(),
        "events.csv",
        &[&event(&[("held_in", "pekin")])],
    );
    write_rows(
        cand.path(),
        "ties.csv",
        &[&[
            ("id", "tie-beijing-toledo"),
            ("place_a", "beijing"),
            ("place_b", "toledoo"),
            ("kind", "twinning"),
            ("evidence", "ev-cand-visit"),
            ("passage", "cand-2024-p03s01"),
            ("quote", "托莱多"),
        ]],
    );
    let errs = errors_of(d.path(), &[cand.path().to_path_buf()]);
    let files: Vec<_> = errs.iter().map(|e| e.at.file.as_str()).collect();
    let extra = |f: &str| cand.path().join(f).display().to_string();
    assert_eq!(
        files,
        ["ties.csv", &extra("ties.csv"), &extra("events.csv")],
        "{errs}"
    );
}

#[test]
fn an_extra_file_needs_the_columns_of_its_data_file() {
    let cand = candidates();
    let path = cand.path().join("events.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen(",quote\n", ",citation\n", 1)).unwrap();
    let errs = errors_of(&data_dir(), &[cand.path().to_path_buf()]);
    let e = errs
        .iter()
        .find(|e| e.at.file == path.display().to_string() && e.at.line == 1)
        .unwrap_or_else(|| panic!("no header error in:\n{errs}"));
    assert_eq!(e.at.column_name, "quote");
}

#[test]
fn a_missing_extra_folder_is_an_error_not_an_empty_overlay() {
    let cand = candidates();
    let gone = cand.path().join("nothing-here");
    // Every file of a folder of rows is optional, but the folder itself must be there.
    match ingest::load_dirs(&data_dir(), std::slice::from_ref(&gone)) {
        Err(Error::Io { path, .. }) => assert!(path.starts_with(&gone), "{}", path.display()),
        Err(other) => panic!("expected an I/O error naming the folder, got {other}"),
        Ok(_) => panic!("a folder that does not exist was read as empty"),
    }
}

#[test]
fn amity_load_with_an_extra_folder_validates_it_with_data() {
    let cand = candidates();
    let run = |cand: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_amity"))
            .args(["load", "--data"])
            .arg(data_dir())
            .arg("--with")
            .arg(cand)
            .output()
            .expect("amity runs")
    };
    let out = run(cand.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    write_rows(
        cand.path(),
        "events.csv",
        &[&event(&[("counterparts", "madridd")])],
    );
    let out = run(cand.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    let at = format!("{}:2:", cand.path().join("events.csv").display());
    assert!(stderr.contains(&at), "{stderr}");
}
