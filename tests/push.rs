//! `amity push`: the real store written into another, empty amity endpoint (bearer token) by
//! the Graph Store Protocol and by SPARQL Update, graph for graph the same; a refused push
//! names its graph and writes nothing after it.

mod endpoint;

use std::time::Duration;

use amity::remote::{self, Auth, Chunk, Client, Counter, GspTarget, Via};
use amity::server::Config;
use amity::store::AmityStore;
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::{Graph, GraphName, NamedOrBlankNode, Triple};
use oxigraph::store::Store;

const TOKEN: &str = "push-test-token";

fn empty_server() -> endpoint::Server {
    let mut config = Config::new(amity::default_data_dir(), amity::default_queries_dir());
    config.update_token = Some(TOKEN.into());
    endpoint::start_with(
        AmityStore::from_store(Store::new().unwrap()),
        config,
        |_| {},
    )
}

fn graph(store: &Store, name: &GraphName) -> Graph {
    let mut g = Graph::new();
    for q in store.quads_for_pattern(None, None, None, Some(name.as_ref())) {
        g.insert(&Triple::from(q.unwrap()));
    }
    g.canonicalize(CanonicalizationAlgorithm::Unstable);
    g
}

fn names(store: &Store) -> Vec<GraphName> {
    let mut v: Vec<GraphName> = store
        .named_graphs()
        .map(|g| match g.unwrap() {
            NamedOrBlankNode::NamedNode(n) => GraphName::NamedNode(n),
            NamedOrBlankNode::BlankNode(b) => GraphName::BlankNode(b),
        })
        .collect();
    v.sort_by_key(|g| g.to_string());
    v
}

fn url(s: &str) -> reqwest::Url {
    reqwest::Url::parse(s).unwrap()
}

#[test]
fn both_protocols_write_every_graph_as_it_is() {
    let local = endpoint::load().store();
    let client = Client::new(Auth::Bearer(TOKEN.into()), Duration::from_secs(120)).unwrap();
    for protocol in ["gsp", "update"] {
        let server = empty_server();
        let (via, counter) = if protocol == "gsp" {
            let t = GspTarget {
                url: url(&server.url("/store")),
                param: "graph".into(),
            };
            (Via::Gsp(t.clone()), Counter::Gsp(t))
        } else {
            let u = url(&server.url("/sparql"));
            (Via::Update(u.clone()), Counter::Query(u))
        };
        let mut calls = 0;
        // Small pieces, so large graphs take several requests (and the update path its
        // staging graph and MOVE).
        // An update travels form-encoded (a Chinese character as 9 bytes), under the
        // endpoint's body limit.
        let chunk = Chunk {
            bytes: if protocol == "gsp" {
                1 << 20
            } else {
                128 << 10
            },
            triples: 5_000,
        };
        let pushed = remote::push(&client, &local, &via, &counter, chunk, &mut |_, _, _| {
            calls += 1
        })
        .unwrap_or_else(|e| panic!("{protocol}: {e}"));
        let remote = server.state.store().store();
        assert_eq!(names(&remote), names(&local), "{protocol}");
        assert!(
            pushed.iter().any(|p| p.requests > 2),
            "{protocol}: {pushed:?}"
        );
        assert!(calls >= pushed.len());
        for p in &pushed {
            assert_eq!(p.remote_count, p.triples, "{protocol} {}", p.graph);
            // Blank nodes (the ontology's) included: the same graph up to their names.
            assert!(
                graph(&remote, &p.graph) == graph(&local, &p.graph),
                "{protocol}: graph {} differs",
                p.graph
            );
        }
    }
}

#[test]
fn a_refused_push_names_its_graph_and_writes_nothing_after_it() {
    let local = endpoint::load().store();
    let server = empty_server();
    let client = Client::new(Auth::Bearer("wrong".into()), Duration::from_secs(30)).unwrap();
    let t = GspTarget {
        url: url(&server.url("/store")),
        param: "graph".into(),
    };
    let err = remote::push(
        &client,
        &local,
        &Via::Gsp(t.clone()),
        &Counter::Gsp(t),
        Chunk {
            bytes: 8 << 20,
            triples: u64::MAX,
        },
        &mut |_, _, _| {},
    )
    .unwrap_err()
    .to_string();
    let first = names(&local)[0].to_string();
    assert!(
        err.contains(&format!("pushing graph {first} failed")),
        "{err}"
    );
    assert!(err.contains("403") || err.contains("401"), "{err}");
    assert!(err.contains("not touched"), "{err}");
    assert_eq!(server.state.store().store().len().unwrap(), 0);
}
