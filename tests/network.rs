//! The network view: metrics on small hand-checked graphs, properties on random graphs, the
//! real Wikidata network's counts, the report network built by SPARQL, the metrics graph, and
//! the GEXF/GraphML exports parsed back with a real XML parser.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::OnceLock;

use amity::network::export::{self, NetworkFormat};
use amity::network::graph::{self, EdgeKind, NetworkName};
use amity::network::metrics::{self, SimpleGraph};
use amity::network::summary::Analysed;
use amity::network::{self as net, MetricsOptions};
use amity::query::{self, Format};
use amity::store::AmityStore;
use proptest::prelude::*;

fn close(a: f64, b: f64, eps: f64) -> bool {
    (a - b).abs() <= eps
}

fn assert_all_close(got: &[f64], want: &[f64], eps: f64) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            close(*g, *w, eps),
            "index {i}: got {g}, want {w} (all: {got:?})"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Small graphs, values checked by hand
// ------------------------------------------------------------------------------------------

/// Path 0-1-2-3-4.
#[test]
fn path_graph() {
    let g = SimpleGraph::from_edges(5, [(0, 1), (1, 2), (2, 3), (3, 4)]);
    // Pairs through 1: (0,2) (0,3) (0,4) = 3; through 2: 4. Normalised by 2/((n-1)(n-2)) = 1/6.
    assert_all_close(
        &metrics::betweenness(&g),
        &[0.0, 0.5, 4.0 / 6.0, 0.5, 0.0],
        1e-12,
    );
    // Closeness: (n-1) / sum of distances.
    assert_all_close(
        &metrics::closeness(&g),
        &[0.4, 4.0 / 7.0, 4.0 / 6.0, 4.0 / 7.0, 0.4],
        1e-12,
    );
    assert_eq!(
        metrics::articulation_points(&g),
        vec![false, true, true, true, false]
    );
    assert_eq!(metrics::bridges(&g), vec![(0, 1), (1, 2), (2, 3), (3, 4)]);
    let (comp, sizes) = metrics::components(&g);
    assert_eq!(comp, vec![0; 5]);
    assert_eq!(sizes, vec![5]);
    let pr = metrics::pagerank(&g, 0.85, 1e-10, 1000);
    assert!(close(pr.iter().sum(), 1.0, 1e-12));
    // Symmetric, and the ends rank lowest.
    assert!(close(pr[0], pr[4], 1e-9) && close(pr[1], pr[3], 1e-9));
    assert!(pr[0] < pr[2] && pr[0] < pr[1]);
}

/// Star: centre 0 and four leaves.
#[test]
fn star_graph() {
    let g = SimpleGraph::from_edges(5, [(0, 1), (0, 2), (0, 3), (0, 4)]);
    assert_all_close(&metrics::betweenness(&g), &[1.0, 0.0, 0.0, 0.0, 0.0], 1e-12);
    let leaf = 4.0 / 7.0;
    assert_all_close(
        &metrics::closeness(&g),
        &[1.0, leaf, leaf, leaf, leaf],
        1e-12,
    );
    // PageRank by hand: c = 0.15/5 + 0.85·4l, l = 0.15/5 + 0.85·c/4
    // ⇒ c = 0.132 / 0.2775 = 0.475676, l = 0.03 + 0.2125·c = 0.131081.
    let pr = metrics::pagerank(&g, 0.85, 1e-12, 1000);
    let c = 0.132 / 0.2775;
    let l = 0.03 + 0.2125 * c;
    assert_all_close(&pr, &[c, l, l, l, l], 1e-9);
    assert_eq!(
        metrics::articulation_points(&g),
        vec![true, false, false, false, false]
    );
    assert_eq!(metrics::bridges(&g).len(), 4);
    let (comm, q) = metrics::louvain(&g, 1.0);
    // A star is one community (modularity 0 is the best a star allows).
    assert_eq!(comm, vec![0; 5]);
    assert!(close(q, 0.0, 1e-12));
}

/// Two triangles {0,1,2} and {3,4,5} joined by the bridge 2–3.
#[test]
fn two_triangles_joined_by_a_bridge() {
    let g = SimpleGraph::from_edges(6, [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)]);
    // 2 and 3 each sit on the 2·3 + 2 = ... paths from {0,1} to {3,4,5} (6 pairs) plus, for 2,
    // none inside the triangles: 6 pairs; normalised by 2/(5·4) = 0.1 → 0.6.
    assert_all_close(
        &metrics::betweenness(&g),
        &[0.0, 0.0, 0.6, 0.6, 0.0, 0.0],
        1e-12,
    );
    // Closeness of 2: distances 1,1,1,2,2 → 5/7; of 0: 1,1,2,3,3 → 5/10.
    assert_all_close(
        &metrics::closeness(&g),
        &[0.5, 0.5, 5.0 / 7.0, 5.0 / 7.0, 0.5, 0.5],
        1e-12,
    );
    assert_eq!(metrics::bridges(&g), vec![(2, 3)]);
    assert_eq!(
        metrics::articulation_points(&g),
        vec![false, false, true, true, false, false]
    );
    let (comm, q) = metrics::louvain(&g, 1.0);
    assert_eq!(comm, vec![0, 0, 0, 1, 1, 1]);
    // m = 7; each side: 3 inner edges, degree sum 7 → Q = 2·(3/7 − (7/14)²) = 5/14.
    assert!(close(q, 5.0 / 14.0, 1e-12), "{q}");
    let pr = metrics::pagerank(&g, 0.85, 1e-12, 1000);
    assert!(close(pr.iter().sum(), 1.0, 1e-12));
    assert!(pr[2] > pr[0] && close(pr[2], pr[3], 1e-12));
}

#[test]
fn isolated_nodes_and_components() {
    let g = SimpleGraph::from_edges(6, [(4, 5), (1, 2), (2, 3)]);
    let (comp, sizes) = metrics::components(&g);
    assert_eq!(sizes, vec![3, 2, 1]);
    assert_eq!(comp, vec![2, 0, 0, 0, 1, 1]);
    let pr = metrics::pagerank(&g, 0.85, 1e-12, 1000);
    assert!(close(pr.iter().sum(), 1.0, 1e-12));
    assert_eq!(metrics::closeness(&g)[0], 0.0);
}

// ------------------------------------------------------------------------------------------
// Properties on random graphs
// ------------------------------------------------------------------------------------------

fn bfs(g: &SimpleGraph, s: usize) -> Vec<Option<usize>> {
    let mut d = vec![None; g.node_count()];
    d[s] = Some(0);
    let mut q = VecDeque::from([s]);
    while let Some(v) = q.pop_front() {
        for &w in g.neighbours(v) {
            let w = w as usize;
            if d[w].is_none() {
                d[w] = Some(d[v].unwrap() + 1);
                q.push_back(w);
            }
        }
    }
    d
}

fn random_graph() -> impl Strategy<Value = SimpleGraph> {
    (3usize..25).prop_flat_map(|n| {
        prop::collection::vec((0..n, 0..n), 0..(n * 3))
            .prop_map(move |edges| SimpleGraph::from_edges(n, edges))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The fast betweenness and closeness agree with rustworkx-core's.
    #[test]
    fn fast_all_pairs_metrics_equal_rustworkx(g in random_graph()) {
        let (fast, reference) = (metrics::betweenness(&g), metrics::betweenness_rustworkx(&g));
        for (a, b) in fast.iter().zip(&reference) {
            prop_assert!(close(*a, *b, 1e-9), "{:?} vs {:?}", fast, reference);
        }
        let (fast, reference) = (metrics::closeness(&g), metrics::closeness_rustworkx(&g));
        for (a, b) in fast.iter().zip(&reference) {
            prop_assert!(close(*a, *b, 1e-12), "{:?} vs {:?}", fast, reference);
        }
    }

    #[test]
    fn pagerank_sums_to_one(g in random_graph()) {
        let pr = metrics::pagerank(&g, 0.85, 1e-10, 1000);
        prop_assert!(close(pr.iter().sum(), 1.0, 1e-9));
        prop_assert!(pr.iter().all(|&p| p > 0.0));
    }

    /// Every shortest path from s to t (s < t) adds d(s,t) − 1 to the betweenness of its inner
    /// nodes in total, so the (unnormalised) betweenness sums to Σ (d(s,t) − 1).
    #[test]
    fn betweenness_sums_to_inner_path_lengths(g in random_graph()) {
        let n = g.node_count();
        let b = metrics::betweenness(&g);
        let scale = 2.0 / ((n - 1) as f64 * (n - 2) as f64);
        let mut want = 0.0;
        for s in 0..n {
            for (t, d) in bfs(&g, s).into_iter().enumerate() {
                if let Some(d) = d {
                    if s < t {
                        want += (d - 1) as f64;
                    }
                }
            }
        }
        let got: f64 = b.iter().sum::<f64>() / scale;
        prop_assert!(close(got, want, 1e-6), "got {} want {}", got, want);
        prop_assert!(b.iter().all(|&x| (-1e-12..=1.0 + 1e-12).contains(&x)));
    }

    #[test]
    fn communities_are_deterministic_and_no_worse_than_singletons(g in random_graph()) {
        let (c1, q1) = metrics::louvain(&g, 1.0);
        let (c2, q2) = metrics::louvain(&g, 1.0);
        prop_assert_eq!(&c1, &c2);
        prop_assert_eq!(q1, q2);
        prop_assert!(close(q1, metrics::modularity(&g, &c1, 1.0), 1e-12));
        let singletons: Vec<usize> = (0..g.node_count()).collect();
        prop_assert!(q1 >= metrics::modularity(&g, &singletons, 1.0) - 1e-12);
        // Every community is connected to itself: members of one community share a component.
        let (comp, sizes) = metrics::components(&g);
        prop_assert_eq!(sizes.iter().sum::<usize>(), g.node_count());
        let mut comp_of: HashMap<usize, usize> = HashMap::new();
        for v in 0..g.node_count() {
            let c = *comp_of.entry(c1[v]).or_insert(comp[v]);
            prop_assert_eq!(c, comp[v]);
        }
    }

    /// A bridge's removal disconnects its two ends; an articulation point's removal adds a
    /// component.
    #[test]
    fn bridges_and_articulation_points_split(g in random_graph()) {
        let n = g.node_count();
        let count = |g: &SimpleGraph| metrics::components(g).1.len();
        let base = count(&g);
        let edges: Vec<(usize, usize)> = g.edges().collect();
        let bridges: BTreeSet<(usize, usize)> = metrics::bridges(&g).into_iter().collect();
        for &(a, b) in &edges {
            let without = SimpleGraph::from_edges(n, edges.iter().copied().filter(|&e| e != (a, b)));
            prop_assert_eq!(count(&without) > base, bridges.contains(&(a, b)));
        }
        let art = metrics::articulation_points(&g);
        for (v, &is_art) in art.iter().enumerate() {
            // Removing v: drop its edges, then v itself is one extra singleton component.
            let without = SimpleGraph::from_edges(n, edges.iter().copied().filter(|&(a, b)| a != v && b != v));
            let after = count(&without) - 1;
            prop_assert_eq!(after > base, is_art, "node {}", v);
        }
    }
}

// ------------------------------------------------------------------------------------------
// The real data
// ------------------------------------------------------------------------------------------

/// The real data with the metrics step, built once for the tests below.
fn store() -> &'static AmityStore {
    static STORE: OnceLock<AmityStore> = OnceLock::new();
    STORE.get_or_init(|| {
        AmityStore::in_memory_with(
            &common::data_dir(),
            // All-pairs metrics of the 10,055-node Wikidata network are left to the release
            // build and the benchmark (bench/network.py): a debug test run would take minutes.
            Some(net::metrics_hook_with(MetricsOptions {
                all_pairs_max_nodes: 1_000,
                ..MetricsOptions::default()
            })),
            &mut |_, _, _| {},
        )
        .expect("the shipped data loads")
        .0
    })
}

fn wikidata() -> &'static Analysed {
    static NET: OnceLock<Analysed> = OnceLock::new();
    NET.get_or_init(|| {
        Analysed::without_all_pairs(graph::wikidata_network(&store().store()).unwrap())
    })
}

fn report() -> Analysed {
    Analysed::from_store(&store().store(), NetworkName::Report).unwrap()
}

/// Counts computed here straight from the TSV, independently of the loader.
#[test]
fn wikidata_counts_after_deduplication() {
    let text = std::fs::read_to_string(common::data_dir().join("wikidata/relations.tsv")).unwrap();
    let mut directed = BTreeSet::new();
    let mut lines = 0;
    for l in text.lines().filter(|l| !l.is_empty()) {
        let (a, b) = l.split_once('\t').unwrap();
        directed.insert((a.to_string(), b.to_string()));
        lines += 1;
    }
    let undirected: BTreeSet<(String, String)> = directed
        .iter()
        .map(|(a, b)| {
            if a < b {
                (a.clone(), b.clone())
            } else {
                (b.clone(), a.clone())
            }
        })
        .collect();
    let nodes: BTreeSet<&String> = undirected.iter().flat_map(|(a, b)| [a, b]).collect();
    let one_sided = undirected
        .iter()
        .filter(|(a, b)| {
            !(directed.contains(&(a.clone(), b.clone()))
                && directed.contains(&(b.clone(), a.clone())))
        })
        .count();

    let net = &wikidata().net;
    assert_eq!(net.node_count(), nodes.len());
    assert_eq!(net.relation_count(), undirected.len());
    assert_eq!(wikidata().metrics.edge_count, undirected.len());
    // The concrete numbers found in the 2016 crawl.
    assert_eq!(lines, 34_182);
    assert_eq!(directed.len(), 34_178, "4 duplicate lines");
    assert_eq!(nodes.len(), 10_055);
    assert_eq!(undirected.len(), 17_401);
    assert_eq!(one_sided, 624);

    // The same numbers by SPARQL on the store.
    let count = |q: &str| -> String {
        let out = amity::engine::run_to_vec(
            &store().store(),
            &format!("{}{q}", amity::vocab::SPARQL_PREFIXES),
            Format::from_name("tsv").unwrap(),
        )
        .unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .to_string()
    };
    let g = amity::vocab::WIKIDATA_GRAPH;
    assert_eq!(
        count(&format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?p a am:WikidataTwinPair }} }}"
        )),
        "17401"
    );
    assert_eq!(
        count(&format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?p am:reciprocal false }} }}"
        )),
        "624"
    );
    assert_eq!(
        count(&format!(
            "SELECT (SUM(?c) AS ?n) WHERE {{ GRAPH <{g}> {{ ?p am:statementCount ?c }} }}"
        )),
        "34182"
    );
}

#[test]
fn beijing_has_51_wikidata_ties() {
    let text = std::fs::read_to_string(common::data_dir().join("wikidata/relations.tsv")).unwrap();
    let partners: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(a, b)| match (a, b) {
            ("Q956", o) | (o, "Q956") => Some(o),
            _ => None,
        })
        .collect();
    assert_eq!(partners.len(), 51);
    let w = wikidata();
    let bj = w.net.find("Q956").unwrap();
    assert_eq!(w.net.graph.neighbors(bj).count(), 51);
    assert_eq!(w.metrics.degree[bj.index()], 51);
    // Linked to the report's Beijing: its Chinese label comes from places.csv.
    assert_eq!(w.net.graph[bj].label_zh, "北京");
    // The place summary finds it from the report's id too.
    let p = w.place(&store().store(), "Q956").unwrap();
    assert_eq!(p.degree_by_kind["tie"], 51);
}

#[test]
fn report_network_is_built_from_the_store() {
    let r = report();
    let n = &r.net;
    let id = |k: &str| {
        n.find(k)
            .unwrap_or_else(|| panic!("{k} not in the network"))
    };
    let kinds = |a: &str, b: &str| -> BTreeSet<(EdgeKind, String)> {
        n.graph
            .edges_connecting(id(a), id(b))
            .map(|e| (e.weight().kind, e.weight().subkind.clone()))
            .collect()
    };
    assert_eq!(
        kinds("mentougou", "bottrop"),
        BTreeSet::from([
            (EdgeKind::Tie, "friendly_exchange".into()),
            (EdgeKind::Agreement, "memorandum".into())
        ])
    );
    // The Beijing–Hanoi tie (1994) plus the events with Hanoi.
    let bh: Vec<_> = n
        .graph
        .edges_connecting(id("beijing"), id("hanoi"))
        .map(|e| e.weight().clone())
        .collect();
    assert!(bh
        .iter()
        .any(|e| e.kind == EdgeKind::Tie && e.year == Some(1994)));
    assert!(bh.iter().filter(|e| e.kind == EdgeKind::Event).count() >= 4);
    // Changping took part in the Seoul festival organised by the office.
    assert!(kinds("changping", "seoul").contains(&(EdgeKind::Event, "festival".into())));
    assert!(kinds("bjfao", "seoul").contains(&(EdgeKind::Event, "festival".into())));
    // Organisations that act are nodes; persons are not.
    assert!(n.find("joao-lourenco").is_none());
    assert!(n.find("hk-itib").is_some());

    let s = r.summary(10);
    // Guangzhou's 38 table ties make it the hub; Beijing, the seed's city, comes next.
    assert_eq!(s.top_degree[0].id, "guangzhou");
    assert_eq!(s.top_pagerank[0].id, "guangzhou");
    assert!(s.top_pagerank[..3].iter().any(|p| p.id == "beijing"));
    assert_eq!(s.component_sizes.iter().sum::<usize>(), s.nodes);
    assert!(s.countries.iter().any(|c| {
        // Hanoi (the report) and Nam Định (Shijiazhuang's table).
        (c.a.as_str(), c.b.as_str()) == ("China", "Vietnam") && c.ties == 2 && c.events >= 4
    }));

    let p = r.place(&store().store(), "beijing").unwrap();
    assert_eq!(p.label_zh, "北京");
    // Tokyo, 1979, from the Beijing office's 2025 page (the seed's earliest is Hanoi, 1994).
    assert_eq!(p.first_year, Some(1979));
    assert_eq!(p.last_year, Some(2024));
    assert!(p.partner_countries.contains(&"Vietnam".to_string()));
    assert!(!p.partner_countries.contains(&"China".to_string()));
    assert!(p.agreements.iter().any(|a| a.id == "ag-beijing-minsk-plan"));
    assert!(p.events.iter().any(|e| e.id == "ev-hanoi-30th"));
    // Hanoi and Mexico City (the seed), and six from the Beijing office's 2025 page.
    assert_eq!(p.degree_by_kind["tie"], 8);
}

#[test]
fn paths_are_explained_in_words() {
    let r = report();
    let p = r.path("mentougou", "bottrop").unwrap();
    assert_eq!(p.length, Some(1));
    assert_eq!(
        p.hops[0].sentence,
        "Mentougou District — signed a memorandum with — Bottrop"
    );
    assert_eq!(
        p.hops[0].also,
        vec!["Mentougou District — has friendly exchanges with — Bottrop"]
    );
    let p = r.path("hanoi", "minsk").unwrap();
    assert_eq!(p.length, Some(2));
    assert_eq!(p.hops[0].from, "Hanoi");
    assert_eq!(p.hops[0].sentence, "Hanoi — is twinned with — Beijing");
    assert_eq!(
        p.hops[1].sentence,
        "Beijing — signed a cooperation plan with — Minsk"
    );
    // Separate components: no path.
    assert_eq!(r.path("mentougou", "hanoi").unwrap().length, None);
    assert!(r.path("nowhere", "hanoi").is_err());
    // The library function the HTTP endpoint calls.
    let p = net::summary::path(&store().store(), NetworkName::Wikidata, "Q956", "Q64").unwrap();
    assert_eq!(p.length, Some(1));
    assert!(p.hops[0]
        .sentence
        .contains("is twinned with (Wikidata P190)"));
}

/// The metrics graph: written by the loader's post-load step, queryable by SPARQL.
#[test]
fn metrics_are_queryable_by_sparql() {
    let q = format!(
        "{}SELECT ?place ?pagerank WHERE {{
           GRAPH <{}> {{ ?place am:pagerank ?pagerank ; am:inNetwork <{}> }}
         }} ORDER BY DESC(?pagerank) LIMIT 3",
        amity::vocab::SPARQL_PREFIXES,
        amity::vocab::METRICS_GRAPH,
        NetworkName::Report.iri()
    );
    let out = String::from_utf8(
        amity::engine::run_to_vec(&store().store(), &q, Format::from_name("tsv").unwrap()).unwrap(),
    )
    .unwrap();
    let first = out.lines().nth(1).unwrap();
    assert!(
        first.starts_with("<https://w3id.org/amity/id/place/guangzhou>"),
        "{out}"
    );

    // Wikidata: Beijing's degree, and the top PageRank node is the one the view computes.
    let q = format!(
        "{}SELECT ?deg WHERE {{ GRAPH <{}> {{ wd:Q956 am:degree ?deg }} }}",
        amity::vocab::SPARQL_PREFIXES,
        amity::vocab::METRICS_GRAPH
    );
    let out = String::from_utf8(
        amity::engine::run_to_vec(&store().store(), &q, Format::from_name("tsv").unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(out.lines().nth(1), Some("51"));

    // Provenance: the graph and each network were generated by the metrics activity.
    let ask = format!(
        "{}ASK {{ GRAPH <{m}> {{ <{m}> prov:wasGeneratedBy ?a . ?a a prov:Activity .
                 <{n}> prov:wasGeneratedBy ?a ; am:nodeCount 10055 ; am:edgeCount 17401 }} }}",
        amity::vocab::SPARQL_PREFIXES,
        m = amity::vocab::METRICS_GRAPH,
        n = NetworkName::Wikidata.iri()
    );
    let out = String::from_utf8(
        amity::engine::run_to_vec(&store().store(), &ask, Format::from_name("tsv").unwrap())
            .unwrap(),
    )
    .unwrap();
    assert!(out.contains("true"), "{out}");

    // The report network has every metric; the Wikidata network, above this test store's
    // all-pairs limit, has no betweenness or closeness.
    let ask = |body: &str| {
        let q = format!(
            "{}ASK {{ GRAPH <{}> {{ {body} }} }}",
            amity::vocab::SPARQL_PREFIXES,
            amity::vocab::METRICS_GRAPH
        );
        let out =
            amity::engine::run_to_vec(&store().store(), &q, Format::from_name("tsv").unwrap());
        String::from_utf8(out.unwrap()).unwrap().contains("true")
    };
    assert!(ask("place:beijing am:betweenness ?b ; am:closeness ?c ; am:community ?k ; am:componentSize ?s ; am:articulationPoint true"));
    assert!(!ask("wd:Q956 am:betweenness ?b"));
    assert!(ask("wd:Q956 am:pagerank ?p ; am:community ?k"));
}

/// Every amity term the network code emits is declared in the ontology with en and zh labels.
#[test]
fn emitted_network_terms_are_declared() {
    let q = format!(
        "{}SELECT DISTINCT ?t WHERE {{
           {{ GRAPH ?g {{ ?s ?t ?o }} }} UNION {{ GRAPH ?g {{ ?s a ?t }} }}
           FILTER(?g IN (<{}>, <{}>) && STRSTARTS(STR(?t), STR(am:)))
           FILTER NOT EXISTS {{ GRAPH <{}> {{ ?t rdfs:label ?en, ?zh
             FILTER(LANG(?en) = \"en\" && LANG(?zh) = \"zh\") }} }}
         }}",
        amity::vocab::SPARQL_PREFIXES,
        amity::vocab::METRICS_GRAPH,
        amity::vocab::WIKIDATA_GRAPH,
        amity::vocab::ONTOLOGY_GRAPH
    );
    let out = String::from_utf8(
        amity::engine::run_to_vec(&store().store(), &q, Format::from_name("tsv").unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(out.lines().count(), 1, "undeclared terms:\n{out}");
}

#[test]
fn country_graph_weights() {
    let r = report();
    let cg = graph::country_graph(&r.net);
    let idx: BTreeMap<&str, _> = cg
        .node_indices()
        .map(|i| (cg[i].label_en.as_str(), i))
        .collect();
    let e = cg.find_edge(idx["China"], idx["Germany"]).unwrap();
    // Ties: Mentougou–Bottrop, Guangzhou–Frankfurt, Changzhou–Essen, Xinbei–Roth,
    // Zhonglou–Weinheim; agreements: the Mentougou memorandum and the Xinbei and Zhonglou
    // twinning agreements; Beijing–Berlin: one event.
    assert_eq!(cg[e].ties, 5);
    assert_eq!(cg[e].agreements, 3);
    assert!(cg[e].events >= 1);
}

// ------------------------------------------------------------------------------------------
// Exports, parsed back with quick-xml
// ------------------------------------------------------------------------------------------

#[derive(Default, Debug)]
struct Parsed {
    nodes: usize,
    edges: usize,
    /// Attribute (or key) declarations: id → name.
    keys: BTreeMap<String, String>,
    /// Node values by attribute name, for the node whose `label_en` is Beijing.
    beijing: BTreeMap<String, String>,
    edge_kinds: BTreeSet<String>,
    edge_years: BTreeSet<String>,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.unescape_value().unwrap().into_owned())
}

/// Parses GEXF (`attvalue for=… value=…`) or GraphML (`data key=…>text<`).
fn parse_xml(text: &str) -> Parsed {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut p = Parsed::default();
    let mut in_node = false;
    let mut in_edge = false;
    let mut current: BTreeMap<String, String> = BTreeMap::new();
    let mut data_key: Option<String> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name().as_ref().to_vec();
                match name.as_slice() {
                    b"node" => {
                        p.nodes += 1;
                        in_node = true;
                        current.clear();
                    }
                    b"edge" => {
                        p.edges += 1;
                        in_edge = true;
                        current.clear();
                    }
                    b"attribute" => {
                        p.keys
                            .insert(attr(&e, b"id").unwrap(), attr(&e, b"title").unwrap());
                    }
                    b"key" => {
                        p.keys
                            .insert(attr(&e, b"id").unwrap(), attr(&e, b"attr.name").unwrap());
                    }
                    b"attvalue" => {
                        let k = &p.keys[&attr(&e, b"for").unwrap()];
                        current.insert(k.clone(), attr(&e, b"value").unwrap());
                    }
                    b"data" => data_key = Some(p.keys[&attr(&e, b"key").unwrap()].clone()),
                    _ => {}
                }
                if matches!(name.as_slice(), b"node" | b"edge") {
                    // A self-closing element ends at once (not used by amity's writers).
                }
            }
            Event::Text(t) => {
                if let Some(k) = data_key.take() {
                    current.insert(k, t.decode().unwrap().into_owned());
                }
            }
            Event::GeneralRef(r) => {
                // quick-xml reports entity references separately inside text.
                if let Some(k) = &data_key {
                    let s = match r.decode().unwrap().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "?",
                    };
                    current.entry(k.clone()).or_default().push_str(s);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"node" if in_node => {
                    in_node = false;
                    if current.get("label_en").map(String::as_str) == Some("Beijing") {
                        p.beijing = current.clone();
                    }
                }
                b"edge" if in_edge => {
                    in_edge = false;
                    p.edge_kinds.extend(current.get("kind").cloned());
                    p.edge_years.extend(current.get("year").cloned());
                }
                b"data" => data_key = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    p
}

fn check_parsed(p: &Parsed, r: &Analysed) {
    assert_eq!(p.nodes, r.net.node_count());
    assert_eq!(p.edges, r.net.relation_count());
    let names: BTreeSet<&str> = p.keys.values().map(String::as_str).collect();
    for k in [
        "label_en",
        "label_zh",
        "level",
        "country",
        "lat",
        "lon",
        "pagerank",
        "betweenness",
        "closeness",
        "degree",
        "community",
        "kind",
        "year",
    ] {
        assert!(names.contains(k), "attribute {k} not declared");
    }
    assert_eq!(p.beijing["label_zh"], "北京");
    assert_eq!(p.beijing["level"], "City");
    assert_eq!(p.beijing["country"], "China");
    assert_eq!(p.beijing["lat"], "39.9067");
    let i = r.net.find("beijing").unwrap().index();
    assert_eq!(p.beijing["degree"], r.metrics.degree[i].to_string());
    let pr: f64 = p.beijing["pagerank"].parse().unwrap();
    assert!(close(pr, r.metrics.pagerank[i], 1e-15));
    assert_eq!(
        p.edge_kinds,
        BTreeSet::from(["agreement".into(), "event".into(), "tie".into()])
    );
    assert!(p.edge_years.contains("1994") && p.edge_years.contains("2024"));
}

#[test]
fn gexf_and_graphml_parse_back() {
    let r = report();
    let gexf = export::write(&r, NetworkFormat::Gexf);
    assert!(gexf.contains("xmlns=\"http://gexf.net/1.3\"") && gexf.contains("version=\"1.3\""));
    check_parsed(&parse_xml(&gexf), &r);
    let graphml = export::write(&r, NetworkFormat::GraphMl);
    check_parsed(&parse_xml(&graphml), &r);
}

#[test]
fn geojson_and_dot() {
    let r = report();
    let gj: serde_json::Value =
        serde_json::from_str(&export::write(&r, NetworkFormat::GeoJson)).unwrap();
    let features = gj["features"].as_array().unwrap();
    let points = features
        .iter()
        .filter(|f| f["geometry"]["type"] == "Point")
        .count();
    let lines = features
        .iter()
        .filter(|f| f["geometry"]["type"] == "LineString")
        .count();
    let located = r
        .net
        .graph
        .node_weights()
        .filter(|n| n.lat.is_some())
        .count();
    assert_eq!(points, located);
    assert!(lines > 0);
    let bj = features
        .iter()
        .find(|f| f["properties"]["id"] == "beijing")
        .unwrap();
    assert_eq!(bj["geometry"]["coordinates"][0], 116.3975);
    let dot = export::write(&r, NetworkFormat::Dot);
    assert!(dot.starts_with("graph \"report\" {"));
    assert_eq!(dot.matches(" -- ").count(), r.net.relation_count());
}

#[test]
fn malformed_wikidata_lines_are_reported_with_their_position() {
    let dir = common::data_copy();
    let rel = dir.path().join("wikidata/relations.tsv");
    let mut text = std::fs::read_to_string(&rel).unwrap();
    text.push_str("Q1\tQ2x\n");
    std::fs::write(&rel, text).unwrap();
    let err = match AmityStore::in_memory(dir.path(), &mut |_, _, _| {}) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a malformed line must be refused"),
    };
    assert!(
        err.contains("wikidata/relations.tsv:34183:2") && err.contains("\"Q2x\""),
        "{err}"
    );
}

/// The anniversary gallery query, with a year given: all four dated ties have a round
/// anniversary in 2029 (1994 + 35, 2009 + 20, 2024 + 5 twice).
#[test]
fn anniversaries_fall_due_in_the_year_asked() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries");
    let q = amity::gallery::load(&dir)
        .unwrap()
        .into_iter()
        .find(|q| q.name == "anniversaries-next-year")
        .unwrap();
    let run = |year: &str| {
        let opts = amity::engine::QueryOptions {
            bindings: q.bind(&[("year".into(), year.into())]).unwrap(),
            ..Default::default()
        };
        let parsed = query::parse(&q.text, None).unwrap();
        let results = amity::engine::evaluate(&store().store(), parsed, &opts).unwrap();
        let mut out = Vec::new();
        query::write_results(results, Format::from_name("tsv").unwrap(), None, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let due = run("2029");
    assert_eq!(
        due.lines().filter(|l| l.ends_with("\ttrue")).count(),
        // Hanoi 35, Mexico City 20, Bottrop and Olmazor 5, Nam Định 25 (Shijiazhuang's table),
        // Changzhou's nine 2014 ties 15, Guangzhou's table: Fukuoka 50, Auckland 40, Arequipa 25,
        // Bangkok 20, Łódź, Ahmedabad, Pokhara and Quito 15; Beijing's table: Tokyo 50,
        // Brussels-Capital 35.
        24,
        "{due}"
    );
    assert!(due.contains("\t35\t2029\ttrue"));
    let none = run("2026");
    assert_eq!(
        none.lines().filter(|l| l.ends_with("\ttrue")).count(),
        // Shijiazhuang – Nagano (1981, its 45th) and seven of Guangzhou's table ties (Bari and
        // Sydney 1986, Birmingham and Vilnius 2006, Bristol 2001, Gwangju 1996, Los Angeles
        // 1981); none of the reports' ties.
        8,
        "{none}"
    );
    assert!(
        !none
            .lines()
            .any(|l| l.contains("tie-beijing-") && l.ends_with("\ttrue")),
        "{none}"
    );
}

/// The HTTP routes the server exposes for the network view.
#[test]
fn http_api_serves_the_network() {
    use tower::ServiceExt;
    let loaded = AmityStore::in_memory(&common::data_dir(), &mut |_, _, _| {})
        .unwrap()
        .0;
    let config = amity::server::Config::new(common::data_dir(), amity::default_queries_dir());
    let state = amity::server::AppState::new(std::sync::Arc::new(loaded), config).unwrap();
    let app = amity::server::app(state);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let get = |uri: &str| -> (u16, String, String) {
        let req = axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        rt.block_on(async {
            let res = app.clone().oneshot(req).await.unwrap();
            let status = res.status().as_u16();
            let ct = res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            let body = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, ct, String::from_utf8(body.to_vec()).unwrap())
        })
    };
    let (status, _, body) = get("/api/summary?top=3");
    assert_eq!(status, 200, "{body}");
    let s: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(s["top_pagerank"][0]["id"], "guangzhou");
    assert_eq!(s["top_pagerank"].as_array().unwrap().len(), 3);

    let (status, _, body) = get("/api/places/beijing");
    assert_eq!(status, 200, "{body}");
    let p: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(p["label_zh"], "北京");
    assert_eq!(p["first_year"], 1979);
    let atl = get("/api/places/atlantis");
    assert_eq!(atl.0, 404, "{}", atl.2);

    let (status, _, body) = get("/api/path?from=mentougou&to=bottrop");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Mentougou District — signed a memorandum with — Bottrop"));
    assert_eq!(get("/api/path?from=mentougou").0, 400);
    assert_eq!(get("/api/summary?network=atlantis").0, 400);

    let (status, ct, body) = get("/api/network.gexf");
    assert_eq!((status, ct.as_str()), (200, "application/gexf+xml"));
    assert_eq!(parse_xml(&body).edges, report().net.relation_count());
    let (status, ct, body) = get("/api/network.graphml");
    assert_eq!((status, ct.as_str()), (200, "application/graphml+xml"));
    assert_eq!(parse_xml(&body).nodes, report().net.node_count());
    let (status, _, body) = get("/api/network.geojson");
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["type"],
        "FeatureCollection"
    );
    let (status, _, body) = get("/api/network.dot");
    assert_eq!(status, 200);
    assert!(body.starts_with("graph"));
}

// Proves a network over the all-pairs limit gets no betweenness or closeness rankings, and
// the summary says why (text and JSON) instead of ranking zeros, and a place's summary says
// "not computed" (null in JSON) instead of 0; under the limit both have values.
#[test]
fn all_pairs_limit_is_reported_not_hidden() {
    let net = graph::build_network(&store().store(), NetworkName::Report).unwrap();
    let nodes = net.node_count();
    assert!(nodes > 3);
    let over_an = Analysed::with_all_pairs_limit(net.clone(), nodes - 1);
    let place = over_an.place(&store().store(), "beijing").unwrap();
    assert!(place.metrics.betweenness.is_none() && place.metrics.closeness.is_none());
    assert!(place.to_text().contains("betweenness not computed"));
    assert!(serde_json::to_value(&place).unwrap()["metrics"]["betweenness"].is_null());
    let over = over_an.summary(5);
    assert!(over.top_betweenness.is_empty() && over.top_closeness.is_empty());
    let why = over.all_pairs_skipped.clone().expect("the reason");
    assert!(why.contains(&nodes.to_string()), "{why}");
    assert!(over.to_text().contains("AMITY_ALL_PAIRS_MAX_NODES"));
    assert!(serde_json::to_value(&over).unwrap()["all_pairs_skipped"].is_string());
    // Exports leave the values out (Gephi shows them as missing), rather than writing 0s.
    let attvalues = |a: &Analysed, f| {
        let out = export::write(a, f);
        ["betweenness", "closeness", "pagerank"].map(|k| {
            let value = match f {
                NetworkFormat::Gexf => format!("<attvalue for=\"{k}\""),
                NetworkFormat::GraphMl => format!("<data key=\"d_{k}\""),
                _ => format!("\"{k}\":"),
            };
            out.matches(&value).count()
        })
    };
    for f in [
        NetworkFormat::Gexf,
        NetworkFormat::GraphMl,
        NetworkFormat::GeoJson,
    ] {
        let [b, c, p] = attvalues(&over_an, f);
        assert_eq!((b, c), (0, 0), "{f:?} writes values that were not computed");
        assert!(p > 0, "{f:?} lost the PageRank values");
    }
    let within_an = Analysed::with_all_pairs_limit(net, nodes);
    for f in [
        NetworkFormat::Gexf,
        NetworkFormat::GraphMl,
        NetworkFormat::GeoJson,
    ] {
        let [b, c, p] = attvalues(&within_an, f);
        assert!(b > 0 && b == p && c == p, "{f:?}: {b} {c} {p}");
    }
    let place = within_an.place(&store().store(), "beijing").unwrap();
    assert!(place.metrics.betweenness.unwrap() > 0.0 && place.metrics.closeness.unwrap() > 0.0);
    let within = within_an.summary(5);
    assert!(within.all_pairs_skipped.is_none());
    assert_eq!(within.top_betweenness.len(), 5);
    assert!(within.top_betweenness[0].value > 0.0);
}

// ------------------------------------------------------------------------------------------
// The projection an on-disk load builds the metrics from
// ------------------------------------------------------------------------------------------

/// Both networks, nodes and edges in order, as JSON (every attribute the view carries).
fn network_json(store: &oxigraph::store::Store) -> Vec<String> {
    [NetworkName::Report, NetworkName::Wikidata]
        .into_iter()
        .flat_map(|name| {
            let n = graph::build_network(store, name).unwrap();
            let nodes: Vec<_> = n.graph.node_weights().collect();
            let edges: Vec<_> = n
                .graph
                .edge_indices()
                .map(|e| {
                    let (a, b) = n.graph.edge_endpoints(e).unwrap();
                    (a.index(), b.index(), &n.graph[e])
                })
                .collect();
            [
                serde_json::to_string(&nodes).unwrap(),
                serde_json::to_string(&edges).unwrap(),
            ]
        })
        .collect()
}

/// A copy of `full` holding only the quads whose predicate the views read.
fn projection(full: &oxigraph::store::Store) -> oxigraph::store::Store {
    let view = oxigraph::store::Store::new().unwrap();
    view.extend(
        full.iter()
            .map(Result::unwrap)
            .filter(|q| graph::VIEW_PREDICATES.contains(&q.predicate.as_ref())),
    )
    .unwrap();
    view
}

/// On-disk loads compute the metrics from a copy holding only `VIEW_PREDICATES`: the networks
/// built from it must equal those built from the whole store, on the real data (report and
/// Wikidata networks) and on generated data (every event list filled).
#[test]
fn networks_from_the_view_predicates_equal_networks_from_the_whole_store() {
    let generated = tempfile::tempdir().unwrap();
    amity::generate::generate(
        &amity::generate::GenerateConfig {
            scale: 0.01,
            seed: 3,
        },
        generated.path(),
    )
    .unwrap();
    for dir in [common::data_dir(), generated.path().to_path_buf()] {
        let (s, _) = AmityStore::in_memory(&dir, &mut |_, _, _| {}).unwrap();
        let full = s.store();
        let view = projection(&full);
        assert!(view.len().unwrap() < full.len().unwrap());
        let (want, got) = (network_json(&full), network_json(&view));
        assert!(
            want[0].len() > 1000,
            "{}: report network is empty",
            dir.display()
        );
        for (i, (w, g)) in want.iter().zip(&got).enumerate() {
            assert!(
                w == g,
                "{}: part {i} differs between the whole store and the view",
                dir.display()
            );
        }
    }
}
