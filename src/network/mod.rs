//! The network view: who is linked to whom, computed from the store.
//!
//! - [`graph`]: builds a petgraph multigraph **by SPARQL from a store** (the store is the one
//!   source of truth): the report's places and acting organisations linked by ties, agreements
//!   and events ([`NetworkName::Report`]), or the Wikidata P190 twin network
//!   ([`NetworkName::Wikidata`]); plus the country × country graph.
//! - [`metrics`]: degree, components, PageRank, exact betweenness and closeness, deterministic
//!   Louvain communities, bridges and articulation points.
//! - [`summary`]: per-place and per-network summaries and explained shortest paths, as
//!   serde-serialisable structs (for `amity summary --json` and the HTTP API).
//! - [`export`]: GEXF 1.3, GraphML, GeoJSON and DOT.
//!
//! The Wikidata twin network it views is read by [`ingest::wikidata`](crate::ingest::wikidata)
//! and mapped to its own named graph by [`mapping::wikidata`](crate::mapping::wikidata), like
//! the report's data.
//!
//! The view only reads. Metrics become queryable by SPARQL through [`metrics_hook`], a
//! [`PostLoad`] step: it reads each freshly built store and returns
//! the metric quads for graph [`METRICS_GRAPH`](crate::vocab::METRICS_GRAPH); the store writes
//! them.

pub mod export;
pub mod graph;
pub mod metrics;
pub mod summary;

use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use oxigraph::store::Store;

pub use graph::{build_network, country_graph, Network, NetworkName};
pub use metrics::Metrics;

use crate::error::Result;
use crate::store::PostLoad;
use crate::vocab::{self, am, prov, rdf, rdfs, xsd};

/// The IRI of the activity that computes the metrics.
pub fn activity_iri() -> String {
    vocab::resource("activity", "network-metrics")
}

/// Which networks the metrics step covers.
#[derive(Clone, Copy, Debug)]
pub struct MetricsOptions {
    pub report: bool,
    pub wikidata: bool,
    /// Networks with more nodes than this get no betweenness or closeness (the two
    /// all-pairs metrics); `usize::MAX` (the default) computes them everywhere.
    pub all_pairs_max_nodes: usize,
}

impl Default for MetricsOptions {
    fn default() -> Self {
        MetricsOptions {
            report: true,
            wikidata: true,
            all_pairs_max_nodes: usize::MAX,
        }
    }
}

/// The post-load step that writes every network's metrics into the metrics graph.
pub fn metrics_hook() -> PostLoad {
    metrics_hook_with(MetricsOptions::default())
}

/// As [`metrics_hook`], for the chosen networks.
pub fn metrics_hook_with(opts: MetricsOptions) -> PostLoad {
    PostLoad::new(move |store: &Store| metrics_quads(store, opts))
        .reading_only(graph::VIEW_PREDICATES.iter().copied())
}

/// The metrics step for stores that live on (`amity serve`, `amity load --store`): betweenness
/// and closeness only up to the all-pairs limit in force ([`summary::all_pairs_max_nodes`]).
pub fn kept_metrics_hook() -> PostLoad {
    metrics_hook_with(MetricsOptions {
        all_pairs_max_nodes: summary::all_pairs_max_nodes(),
        ..Default::default()
    })
}

/// Reads the store, computes the metrics and returns them as quads (it writes nothing).
pub fn metrics_quads(store: &Store, opts: MetricsOptions) -> Result<Vec<Quad>> {
    let g = GraphName::from(NamedNode::new_unchecked(vocab::METRICS_GRAPH));
    let mut out = Vec::new();
    let mut add = |s: &NamedNode, p: NamedNodeRef<'_>, o: Term| {
        out.push(Quad::new(
            NamedOrBlankNode::from(s.clone()),
            p.into_owned(),
            o,
            g.clone(),
        ));
    };
    let activity = NamedNode::new_unchecked(activity_iri());
    let graph_node = NamedNode::new_unchecked(vocab::METRICS_GRAPH);
    add(&graph_node, prov::WAS_GENERATED_BY, activity.clone().into());
    add(&activity, rdf::TYPE, prov::ACTIVITY.into_owned().into());
    add(
        &activity,
        rdfs::LABEL,
        Literal::new_language_tagged_literal_unchecked("Network metrics computation", "en").into(),
    );
    add(
        &activity,
        rdfs::LABEL,
        Literal::new_language_tagged_literal_unchecked("网络指标计算", "zh").into(),
    );
    add(
        &activity,
        rdfs::COMMENT,
        Literal::new_language_tagged_literal_unchecked(
            "Computed by amity's network view (src/network) from the freshly loaded store: \
             degree, PageRank (0.85), exact betweenness, closeness, Louvain communities, \
             components, articulation points and bridges.",
            "en",
        )
        .into(),
    );
    add(
        &activity,
        prov::STARTED_AT_TIME,
        Literal::new_typed_literal(crate::clock::utc_now(), xsd::DATE_TIME).into(),
    );
    let dbl = |v: f64| Term::from(Literal::new_typed_literal(format!("{v:e}"), xsd::DOUBLE));
    let int = |v: usize| Term::from(Literal::from(v as i64));
    let mut names = Vec::new();
    if opts.report {
        names.push(NetworkName::Report);
    }
    if opts.wikidata {
        names.push(NetworkName::Wikidata);
    }
    for name in names {
        let start = std::time::Instant::now();
        let net = build_network(store, name)?;
        tracing::info!(network = ?name, nodes = net.node_count(), elapsed = ?start.elapsed(), "network view built");
        if net.node_count() == 0 {
            continue;
        }
        let analysed = summary::Analysed::with_all_pairs_limit(net, opts.all_pairs_max_nodes);
        let (net, m, all_pairs) = (&analysed.net, &analysed.metrics, analysed.all_pairs());
        tracing::info!(network = ?name, all_pairs, elapsed = ?start.elapsed(), "metrics computed");
        let nn = NamedNode::new_unchecked(name.iri());
        add(&nn, rdf::TYPE, am::NETWORK.into_owned().into());
        add(&nn, prov::WAS_GENERATED_BY, activity.clone().into());
        add(
            &nn,
            rdfs::LABEL,
            Literal::new_language_tagged_literal_unchecked(
                match name {
                    NetworkName::Report => "Report network",
                    NetworkName::Wikidata => "Wikidata twin network (P190, 2016)",
                },
                "en",
            )
            .into(),
        );
        add(
            &nn,
            rdfs::LABEL,
            Literal::new_language_tagged_literal_unchecked(
                match name {
                    NetworkName::Report => "报告关系网络",
                    NetworkName::Wikidata => "维基数据友城网络(P190,2016年)",
                },
                "zh",
            )
            .into(),
        );
        add(&nn, am::NODE_COUNT, int(net.node_count()));
        add(&nn, am::EDGE_COUNT, int(m.edge_count));
        add(&nn, am::COMPONENT_COUNT, int(m.component_sizes.len()));
        add(&nn, am::MODULARITY, dbl(m.modularity));
        for (i, node) in net.graph.node_weights().enumerate() {
            let s = NamedNode::new_unchecked(node.iri.clone());
            add(&s, am::IN_NETWORK, nn.clone().into());
            add(&s, am::DEGREE, int(m.degree[i]));
            add(&s, am::PAGERANK, dbl(m.pagerank[i]));
            if all_pairs {
                add(&s, am::BETWEENNESS, dbl(m.betweenness[i]));
                add(&s, am::CLOSENESS, dbl(m.closeness[i]));
            }
            add(&s, am::COMMUNITY, int(m.community[i]));
            add(
                &s,
                am::COMPONENT_SIZE,
                int(m.component_sizes[m.component[i]]),
            );
            add(
                &s,
                am::ARTICULATION_POINT,
                Literal::from(m.articulation[i]).into(),
            );
        }
        for &(a, b) in &m.bridges {
            let na =
                NamedNode::new_unchecked(net.graph[petgraph::graph::NodeIndex::new(a)].iri.clone());
            let nb =
                NamedNode::new_unchecked(net.graph[petgraph::graph::NodeIndex::new(b)].iri.clone());
            add(&na, am::BRIDGE_TO, nb.clone().into());
            add(&nb, am::BRIDGE_TO, na.into());
        }
    }
    Ok(out)
}
