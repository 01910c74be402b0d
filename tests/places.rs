//! Places across reports: one place is one row, so the loader refuses two places that claim the
//! same Wikidata item, naming both rows.

mod common;

use amity::error::Error;

#[test]
fn two_places_claiming_the_same_qid_are_refused() {
    let dir = common::data_copy();
    // Give Rome Madrid's QID: the second claim is refused, naming the first.
    let madrid_qid = std::fs::read_to_string(dir.path().join("places.csv"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("madrid,"))
        .and_then(|l| {
            l.split(',')
                .find(|c| c.starts_with('Q') && c[1..].chars().all(|d| d.is_ascii_digit()))
                .map(str::to_string)
        })
        .expect("madrid has a QID");
    let rome = std::fs::read_to_string(dir.path().join("places.csv"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("rome,"))
        .unwrap()
        .to_string();
    let rome_qid = rome
        .split(',')
        .find(|c| c.starts_with('Q') && c.len() > 1 && c[1..].chars().all(|d| d.is_ascii_digit()))
        .expect("rome has a QID")
        .to_string();
    common::replace_in(
        dir.path(),
        "places.csv",
        &rome,
        &rome.replace(&rome_qid, &madrid_qid),
    );
    let line = common::line_of(dir.path(), "places.csv", "rome,");
    let errs = match amity::ingest::load_dir(dir.path()) {
        Err(Error::Data(e)) => e,
        other => panic!("expected a data error, got {:?}", other.map(|_| ())),
    };
    let e = errs
        .iter()
        .find(|e| e.at.column_name == "wikidata")
        .unwrap_or_else(|| panic!("an error on the wikidata cell: {errs}"));
    assert_eq!(e.at.line, line);
    assert_eq!(e.value, madrid_qid);
    assert!(e.expected.contains("\"madrid\""), "{}", e.expected);
}
