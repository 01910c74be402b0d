//! Times amity's network metrics on an edge list (default: the Wikidata P190 network in
//! `data/wikidata/relations.tsv`), for `bench/network.py`, which runs networkx on the same list.
//!
//! `cargo run --release --example bench_network -- [EDGES.tsv] [--repeat N]`
//!
//! Prints one JSON object: node and edge counts, the best wall-clock time (seconds) of each
//! metric over the repeats, its CPU time (all threads, from /proc), the top-10 nodes (QIDs) by
//! PageRank, betweenness and closeness, and the communities.

use std::collections::HashMap;
use std::time::Instant;

use amity::network::metrics::{self, SimpleGraph};

mod common;
use common::cpu_now;

fn main() {
    let (path, repeat) = common::path_and_repeat(3);
    let path = path
        .unwrap_or_else(|| format!("{}/data/wikidata/relations.tsv", env!("CARGO_MANIFEST_DIR")));
    let text = std::fs::read_to_string(&path).expect("edge list");
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let mut edges = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (a, b) = line.split_once('\t').expect("two columns");
        let mut id = |s| {
            *ids.entry(s).or_insert_with(|| {
                names.push(s);
                names.len() - 1
            })
        };
        let (a, b) = (id(a), id(b));
        edges.push((a, b));
    }
    let t = Instant::now();
    let g = SimpleGraph::from_edges(names.len(), edges);
    let build = t.elapsed().as_secs_f64();

    fn best<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
        let mut out = None;
        let mut best = f64::INFINITY;
        for _ in 0..repeat.max(1) {
            let t = Instant::now();
            let r = f();
            best = best.min(t.elapsed().as_secs_f64());
            out = Some(r);
        }
        (best, out.expect("ran once"))
    }
    /// CPU seconds of one run, over enough runs (≥ 1 s of CPU) for the 10 ms ticks.
    fn cpu<T>(mut f: impl FnMut() -> T) -> f64 {
        let start = cpu_now();
        let mut runs = 0u32;
        while runs == 0 || cpu_now() - start < 1.0 {
            std::hint::black_box(f());
            runs += 1;
        }
        (cpu_now() - start) / f64::from(runs)
    }

    let (t_pr, pr) = best(repeat, || metrics::pagerank(&g, 0.85, 1e-6, 100));
    let (t_bc, bc) = best(repeat, || metrics::betweenness(&g));
    let (t_comm, (comm, q)) = best(repeat, || metrics::louvain(&g, 1.0));
    let (t_cl, cl) = best(repeat, || metrics::closeness(&g));
    let cpu_seconds = serde_json::json!({
        "pagerank": cpu(|| metrics::pagerank(&g, 0.85, 1e-6, 100)),
        "betweenness": cpu(|| metrics::betweenness(&g)),
        "communities": cpu(|| metrics::louvain(&g, 1.0)),
        "closeness": cpu(|| metrics::closeness(&g)),
    });
    let top = |v: &[f64]| -> Vec<&str> {
        metrics::top_k(v, 10)
            .into_iter()
            .map(|i| names[i])
            .collect()
    };
    let k = comm.iter().max().map_or(0, |c| c + 1);
    let mut sizes = vec![0usize; k];
    for &c in &comm {
        sizes[c] += 1;
    }
    let out = serde_json::json!({
        "nodes": g.node_count(),
        "edges": g.edge_count(),
        "threads": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "seconds": {
            "build": build,
            "pagerank": t_pr,
            "betweenness": t_bc,
            "communities": t_comm,
            "closeness": t_cl,
        },
        "cpu_seconds": cpu_seconds,
        "top10": {
            "pagerank": top(&pr),
            "betweenness": top(&bc),
            "closeness": top(&cl),
        },
        "communities": {
            "count": k,
            "modularity": q,
            "largest": &sizes[..k.min(10)],
        },
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
}
