//! How close amity's on-disk load comes to the engine's own floor: oxigraph's RocksDB bulk
//! loader writing the very quads amity maps, already in memory (no parsing, no mapping, no
//! metrics). Used for issue 6's "10 M triples in under 60 s": if the floor alone takes most of
//! a minute, no CSV → RocksDB path on top of it can.
//!
//! `cargo run --release --features rocksdb --example bench_disk_load -- DATA_DIR [--repeat N]`
//! (the floor gets the quads mapped from the CSV files; the ontology and a Wikidata crawl, a few
//! hundred quads for generated data, only go through amity's runs)
//!
//! Runs, in turn and N times each (fresh store directories every time):
//! - `floor`: `Store::bulk_loader()` fed the mapped quads in 1 M-quad batches, then `commit`;
//! - `amity`: `AmityStore::load_on_disk` without the network metrics (validate, map, write);
//! - `amity+metrics`: the same with the metrics post-load step, as `amity load --store` runs.
//!
//! Prints the median wall-clock and CPU seconds of each and the ratios to the floor.

mod common;

use std::path::Path;
use std::time::Instant;

use amity::store::AmityStore;
use oxigraph::model::Quad;
use oxigraph::store::Store;

use common::cpu_now;

fn main() {
    let (data, repeat) = common::path_and_repeat(1);
    let data = data.expect("usage: bench_disk_load DATA_DIR [--repeat N]");
    let data = Path::new(&data);
    let ds = amity::ingest::load_dir(data).expect("valid data");
    let quads = amity::mapping::dataset_to_quads(&ds);
    drop(ds);
    eprintln!("{} mapped quads", quads.len());

    let mut runs: [(&str, Vec<(f64, f64)>); 3] = [
        ("floor", vec![]),
        ("amity", vec![]),
        ("amity+metrics", vec![]),
    ];
    for _ in 0..repeat {
        for (name, times) in &mut runs {
            let dir = tempfile::tempdir_in(data.parent().unwrap_or(Path::new(".")))
                .expect("temporary directory");
            // The floor's input is copied before the clock starts.
            let input = (*name == "floor").then(|| quads.clone());
            let (wall, cpu) = (Instant::now(), cpu_now());
            match (*name, input) {
                ("floor", Some(input)) => floor(&dir.path().join("store"), input),
                ("amity", _) => {
                    AmityStore::load_on_disk(dir.path(), data, None, &mut |_, _, _| {})
                        .expect("amity load");
                }
                _ => {
                    AmityStore::load_on_disk(
                        dir.path(),
                        data,
                        // As `amity load --store`: all-pairs metrics up to the limit in force.
                        Some(amity::network::kept_metrics_hook()),
                        &mut |_, _, _| {},
                    )
                    .expect("amity load with metrics");
                }
            }
            let t = (wall.elapsed().as_secs_f64(), cpu_now() - cpu);
            eprintln!("{name}: {:.1} s wall, {:.1} s CPU", t.0, t.1);
            times.push(t);
        }
    }
    let median = |v: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64| {
        let mut x: Vec<f64> = v.iter().map(pick).collect();
        x.sort_by(f64::total_cmp);
        x[x.len() / 2]
    };
    let floor_wall = median(&runs[0].1, |t| t.0);
    println!("| step | median wall s | median CPU s | wall / floor |");
    println!("|---|---:|---:|---:|");
    for (name, times) in &runs {
        let wall = median(times, |t| t.0);
        println!(
            "| {name} | {wall:.1} | {:.1} | {:.2}× |",
            median(times, |t| t.1),
            wall / floor_wall
        );
    }
}

/// The engine alone: oxigraph's bulk loader on a fresh RocksDB store, 1 M quads per batch.
fn floor(dir: &Path, quads: Vec<Quad>) {
    let store = Store::open(dir).expect("RocksDB store");
    let mut loader = store.bulk_loader();
    let mut quads = quads.into_iter();
    loop {
        let batch: Vec<Quad> = quads.by_ref().take(1_000_000).collect();
        if batch.is_empty() {
            break;
        }
        loader.load_quads(batch).expect("bulk load");
    }
    loader.commit().expect("commit");
}
