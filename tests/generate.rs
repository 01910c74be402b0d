//! The synthetic data generator: deterministic, valid, and shaped like the real network.

use std::collections::HashMap;

use amity::generate::{generate, GenerateConfig};

fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["", "reports"] {
        let mut names: Vec<_> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        names.sort();
        for p in names {
            out.push((
                p.display()
                    .to_string()
                    .replace(&dir.display().to_string(), ""),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_data() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let cfg = GenerateConfig {
        scale: 0.02,
        seed: 7,
    };
    generate(&cfg, a.path()).unwrap();
    generate(&cfg, b.path()).unwrap();
    generate(&GenerateConfig { seed: 8, ..cfg }, c.path()).unwrap();
    assert_eq!(files(a.path()), files(b.path()));
    assert_ne!(files(a.path()), files(c.path()));
}

#[test]
fn generated_data_passes_the_same_validation_and_loads() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(
        &GenerateConfig {
            scale: 0.02,
            seed: 1,
        },
        dir.path(),
    )
    .unwrap();
    let ds = amity::ingest::load_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ds.ties.len(), s.ties);
    assert_eq!(ds.events.len(), s.events);
    assert_eq!(ds.passages.len(), s.passages);
    let countries = ds
        .places
        .iter()
        .filter(|p| p.level == amity::model::Level::Country)
        .count();
    assert_eq!(countries, 200);
    // Every city has a country through its region.
    assert!(ds.places.iter().all(|p| p.country.is_some()));
    let (store, summary) =
        amity::store::AmityStore::in_memory(dir.path(), &mut |_, _, _| {}).unwrap();
    assert_eq!(store.store().len().unwrap(), summary.quads);
    // About a million triples per unit of scale: 0.02 gives roughly 20 thousand.
    assert!(
        (12_000..30_000).contains(&summary.quads),
        "{} quads",
        summary.quads
    );
}

#[test]
fn degrees_are_heavy_tailed_and_capped() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(
        &GenerateConfig {
            scale: 0.3,
            seed: 3,
        },
        dir.path(),
    )
    .unwrap();
    let mut degree: HashMap<String, usize> = HashMap::new();
    let mut rdr = csv::Reader::from_path(dir.path().join("ties.csv")).unwrap();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        *degree.entry(rec[1].to_string()).or_default() += 1;
        *degree.entry(rec[2].to_string()).or_default() += 1;
    }
    let mut d: Vec<usize> = degree.values().copied().collect();
    d.sort_unstable();
    let max = *d.last().unwrap();
    let median = d[d.len() / 2];
    assert_eq!(max, s.max_degree);
    assert!(max <= 100);
    assert!(max >= 10 * median, "heavy tail: max {max}, median {median}");
    let mean = d.iter().sum::<usize>() as f64 / d.len() as f64;
    assert!((2.5..5.0).contains(&mean), "mean degree {mean}");
}

#[test]
fn a_bad_scale_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = generate(
        &GenerateConfig {
            scale: 0.0,
            seed: 1,
        },
        dir.path(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("--scale"), "{err}");
}
