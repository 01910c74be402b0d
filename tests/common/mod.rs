//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use amity::store::AmityStore;

/// The project's real data folder.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A copy of `data/` (report CSVs and report texts) in a fresh temporary folder, to corrupt.
pub fn data_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_dir(&data_dir(), tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replaces the first occurrence of `from` in `dir/file` (panics if absent, so a test can't
/// silently stop corrupting anything when the data changes).
pub fn replace_in(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} no longer contains {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The 1-based line of the first line of `dir/file` containing `needle`.
pub fn line_of(dir: &Path, file: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u64 + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in {file}"))
}

/// The real data loaded in memory.
pub fn real_store() -> AmityStore {
    AmityStore::in_memory(&data_dir(), &mut |_, _, _| {})
        .expect("the shipped data loads")
        .0
}

/// The seed report extracted afresh as a new report `report_id` (home Beijing) against the
/// data folder `data`, its candidates written into `cand`: what `amity extract … --out cand`
/// gives, for the review page's tests.
pub fn seed_candidates(data: &Path, report_id: &str, cand: &Path) {
    use amity::extract::{extract, gazetteer::Gazetteer, write, Options};
    let ds = amity::ingest::load_dir(data).unwrap();
    let gaz = Gazetteer::new(&ds);
    let text = std::fs::read_to_string(data.join("reports/bjfao-2024h1.txt")).unwrap();
    let opts = Options {
        report_id: Some(report_id.into()),
        home: Some("beijing".into()),
        ..Default::default()
    };
    let x = extract(&text, &opts, &ds, &gaz).unwrap();
    write::write_all(&x, &ds, cand).unwrap();
}
