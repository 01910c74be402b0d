//! Summaries of a network and of one place, and shortest paths explained in words, as plain
//! serde-serialisable structs (for `amity summary --json` and the HTTP API).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use oxigraph::store::Store;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::graph::{self, country_graph, EdgeKind, Network, NetworkName};
use super::metrics::{self, Metrics};
use crate::error::{Error, Result};

/// A node named in a summary.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Named {
    pub id: String,
    pub iri: String,
    pub label: String,
}

/// A node with a score.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Ranked {
    pub id: String,
    pub label: String,
    pub value: f64,
}

/// One community.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Community {
    pub id: usize,
    pub size: usize,
    /// Members, highest PageRank first (at most `top`).
    pub members: Vec<String>,
}

/// Relations between two countries.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CountryLink {
    pub a: String,
    pub b: String,
    pub ties: usize,
    pub agreements: usize,
    pub events: usize,
}

/// The whole network at a glance.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NetworkSummary {
    pub network: NetworkName,
    pub nodes: usize,
    /// Relations (ties, agreements, events) — several may link the same pair.
    pub relations: usize,
    pub relations_by_kind: BTreeMap<String, usize>,
    /// Distinct linked pairs.
    pub edges: usize,
    pub component_count: usize,
    /// Component sizes, largest first.
    pub component_sizes: Vec<usize>,
    /// Degree → number of nodes with it.
    pub degree_distribution: BTreeMap<usize, usize>,
    pub top_degree: Vec<Ranked>,
    pub top_pagerank: Vec<Ranked>,
    /// Empty when betweenness and closeness were skipped (`all_pairs_skipped` says why).
    pub top_betweenness: Vec<Ranked>,
    pub top_closeness: Vec<Ranked>,
    /// Why betweenness and closeness were not computed, if they were not.
    pub all_pairs_skipped: Option<String>,
    pub modularity: f64,
    pub community_count: usize,
    pub communities: Vec<Community>,
    pub bridges: Vec<(String, String)>,
    pub bridge_count: usize,
    pub articulation_points: Vec<String>,
    pub articulation_point_count: usize,
    /// Country × country relations (report network only), heaviest first.
    pub countries: Vec<CountryLink>,
}

/// The metrics of one node.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NodeMetrics {
    pub degree: usize,
    pub pagerank: f64,
    /// `None` (JSON `null`) when the network is over the all-pairs limit and they were not
    /// computed: a 0 would read as "lies on no shortest path".
    pub betweenness: Option<f64>,
    pub closeness: Option<f64>,
    pub community: usize,
    pub component_size: usize,
    pub articulation_point: bool,
}

/// One place (or organisation).
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlaceSummary {
    pub network: NetworkName,
    pub id: String,
    pub iri: String,
    pub label_en: String,
    pub label_zh: String,
    pub level: String,
    pub country: Option<String>,
    pub wikidata: Option<String>,
    /// Relations by kind (`tie`, `agreement`, `event`).
    pub degree_by_kind: BTreeMap<String, usize>,
    pub neighbours: Vec<Named>,
    pub partner_countries: Vec<String>,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    pub ties: Vec<Named>,
    pub agreements: Vec<Named>,
    /// Events it takes part in or that were held in it.
    pub events: Vec<Named>,
    pub metrics: NodeMetrics,
}

/// One hop of a path.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Hop {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    pub verb: String,
    pub year: Option<i32>,
    /// The tie, agreement or event that links them.
    pub source: String,
    /// "Mentougou District — signed a memorandum with — Bottrop".
    pub sentence: String,
    /// Other relations between the same two nodes, in words.
    pub also: Vec<String>,
}

/// A shortest path, every hop explained.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PathSummary {
    pub network: NetworkName,
    pub from: Named,
    pub to: Named,
    /// Number of hops (`None` when unreachable).
    pub length: Option<usize>,
    pub hops: Vec<Hop>,
}

/// A network with its metrics, computed once and summarised many ways.
pub struct Analysed {
    pub net: Network,
    pub metrics: Metrics,
    /// Networks up to this many nodes got betweenness and closeness (see
    /// [`all_pairs_max_nodes`]; 0 when they were not asked for).
    pub all_pairs_limit: usize,
}

/// Networks up to this many nodes get betweenness and closeness, which cost nodes × edges
/// (the Wikidata network's 10,055 take a few seconds; 130,000 synthetic places took longer than
/// ten minutes). `AMITY_ALL_PAIRS_MAX_NODES` overrides it.
pub const ALL_PAIRS_MAX_NODES: usize = 25_000;

/// The all-pairs limit in force: `AMITY_ALL_PAIRS_MAX_NODES`, else [`ALL_PAIRS_MAX_NODES`].
pub fn all_pairs_max_nodes() -> usize {
    all_pairs_env()
        .ok()
        .flatten()
        .unwrap_or(ALL_PAIRS_MAX_NODES)
}

/// `AMITY_ALL_PAIRS_MAX_NODES` as a node count (`None` when unset); an error naming the
/// variable and its value when it is set to anything else.
pub fn all_pairs_env() -> Result<Option<usize>> {
    let Some(v) = std::env::var_os("AMITY_ALL_PAIRS_MAX_NODES") else {
        return Ok(None);
    };
    v.to_str()
        .and_then(|s| s.trim().parse().ok())
        .map(Some)
        .ok_or_else(|| {
            Error::Usage(format!(
                "AMITY_ALL_PAIRS_MAX_NODES={:?}: expected a whole number of nodes, e.g. 25000",
                v.to_string_lossy()
            ))
        })
}

impl Analysed {
    /// Computes the metrics; betweenness and closeness only up to [`all_pairs_max_nodes`].
    pub fn new(net: Network) -> Self {
        Self::with_all_pairs_limit(net, all_pairs_max_nodes())
    }

    /// As [`Analysed::new`], with betweenness and closeness up to `limit` nodes.
    pub fn with_all_pairs_limit(net: Network, limit: usize) -> Self {
        let metrics = metrics::compute_with(&net.simple(), net.node_count() <= limit);
        Analysed {
            net,
            metrics,
            all_pairs_limit: limit,
        }
    }

    /// Builds the network from the store and computes its metrics.
    pub fn from_store(store: &Store, name: NetworkName) -> Result<Self> {
        Ok(Self::new(graph::build_network(store, name)?))
    }

    /// The network as built from the store, with the metrics the load stored in the metrics
    /// graph (PageRank, communities, modularity, betweenness and closeness) instead of
    /// computing them again; the linear ones (degree, components, articulation points,
    /// bridges) are recomputed from the graph. A network with no stored metrics (a store built
    /// without the metrics step) gets those linear ones, PageRank and communities computed
    /// here, and no betweenness or closeness: an answer never waits for an all-pairs pass.
    pub fn stored(store: &Store, name: NetworkName) -> Result<Self> {
        let net = graph::build_network(store, name)?;
        let rows = graph::select(
            store,
            &format!(
                "SELECT ?s ?pr ?comm ?bt ?cl WHERE {{ GRAPH <{g}> {{
                   ?s am:inNetwork <{n}> ; am:pagerank ?pr ; am:community ?comm .
                   OPTIONAL {{ ?s am:betweenness ?bt }} OPTIONAL {{ ?s am:closeness ?cl }} }} }}",
                g = crate::vocab::METRICS_GRAPH,
                n = name.iri()
            ),
        )?;
        if rows.is_empty() && net.node_count() > 0 {
            return Ok(Self::without_all_pairs(net));
        }
        let modularity = graph::select(
            store,
            &format!(
                "SELECT ?m WHERE {{ GRAPH <{}> {{ <{}> am:modularity ?m }} }}",
                crate::vocab::METRICS_GRAPH,
                name.iri()
            ),
        )?
        .first()
        .and_then(|r| number(&r[0]))
        .unwrap_or(0.0);
        let simple = net.simple();
        let n = simple.node_count();
        let (component, component_sizes) = metrics::components(&simple);
        let mut m = Metrics {
            degree: (0..n).map(|v| simple.degree(v)).collect(),
            pagerank: vec![0.0; n],
            betweenness: vec![0.0; n],
            closeness: vec![0.0; n],
            community: vec![0; n],
            modularity,
            component,
            component_sizes,
            articulation: metrics::articulation_points(&simple),
            bridges: metrics::bridges(&simple),
            edge_count: simple.edge_count(),
        };
        let index: std::collections::HashMap<&str, usize> = net
            .graph
            .node_weights()
            .enumerate()
            .map(|(i, node)| (node.iri.as_str(), i))
            .collect();
        let mut with_all_pairs = 0;
        for r in &rows {
            let Some(oxigraph::model::Term::NamedNode(s)) = &r[0] else {
                continue;
            };
            let Some(&i) = index.get(s.as_str()) else {
                continue;
            };
            m.pagerank[i] = number(&r[1]).unwrap_or(0.0);
            m.community[i] = number(&r[2]).unwrap_or(0.0) as usize;
            if let (Some(b), Some(c)) = (number(&r[3]), number(&r[4])) {
                m.betweenness[i] = b;
                m.closeness[i] = c;
                with_all_pairs += 1;
            }
        }
        Ok(Analysed {
            all_pairs_limit: if with_all_pairs == n { usize::MAX } else { 0 },
            net,
            metrics: m,
        })
    }

    /// As [`Analysed::new`], without betweenness and closeness (left at zero).
    pub fn without_all_pairs(net: Network) -> Self {
        let metrics = metrics::compute_with(&net.simple(), false);
        Analysed {
            net,
            metrics,
            all_pairs_limit: 0,
        }
    }

    /// Whether betweenness and closeness were computed.
    pub fn all_pairs(&self) -> bool {
        self.net.node_count() <= self.all_pairs_limit
    }

    fn named(&self, i: usize) -> Named {
        let n = &self.net.graph[NodeIndex::new(i)];
        Named {
            id: n.id.clone(),
            iri: n.iri.clone(),
            label: n.label().to_string(),
        }
    }

    fn ranked(&self, values: &[f64], top: usize) -> Vec<Ranked> {
        metrics::top_k(values, top)
            .into_iter()
            .map(|i| {
                let n = self.named(i);
                Ranked {
                    id: n.id,
                    label: n.label,
                    value: values[i],
                }
            })
            .collect()
    }

    /// The network summary, with `top` entries per ranking.
    pub fn summary(&self, top: usize) -> NetworkSummary {
        let m = &self.metrics;
        let g = &self.net.graph;
        let mut by_kind = BTreeMap::new();
        for e in g.edge_weights() {
            *by_kind.entry(e.kind.as_str().to_string()).or_insert(0) += 1;
        }
        let mut dist = BTreeMap::new();
        for &d in &m.degree {
            *dist.entry(d).or_insert(0) += 1;
        }
        let degree: Vec<f64> = m.degree.iter().map(|&d| d as f64).collect();
        let community_count = m.community.iter().max().map_or(0, |c| c + 1);
        let by_pr = metrics::top_k(&m.pagerank, m.pagerank.len());
        let communities = (0..community_count.min(top))
            .map(|c| {
                let members: Vec<usize> = by_pr
                    .iter()
                    .copied()
                    .filter(|&i| m.community[i] == c)
                    .collect();
                Community {
                    id: c,
                    size: members.len(),
                    members: members
                        .iter()
                        .take(top)
                        .map(|&i| self.named(i).label)
                        .collect(),
                }
            })
            .collect();
        let countries = if self.net.name == NetworkName::Report {
            let cg = country_graph(&self.net);
            let mut links: Vec<CountryLink> = cg
                .edge_references()
                .map(|e| CountryLink {
                    a: cg[e.source()].label_en.clone(),
                    b: cg[e.target()].label_en.clone(),
                    ties: e.weight().ties,
                    agreements: e.weight().agreements,
                    events: e.weight().events,
                })
                .collect();
            links.sort_by(|x, y| {
                (y.ties + y.agreements + y.events)
                    .cmp(&(x.ties + x.agreements + x.events))
                    .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
            });
            links
        } else {
            Vec::new()
        };
        let all_pairs_ranked = |values: &[f64]| {
            if self.all_pairs() {
                self.ranked(values, top)
            } else {
                Vec::new()
            }
        };
        NetworkSummary {
            network: self.net.name,
            nodes: self.net.node_count(),
            relations: self.net.relation_count(),
            relations_by_kind: by_kind,
            edges: m.edge_count,
            component_count: m.component_sizes.len(),
            component_sizes: m.component_sizes.clone(),
            degree_distribution: dist,
            top_degree: self.ranked(&degree, top),
            top_pagerank: self.ranked(&m.pagerank, top),
            top_betweenness: all_pairs_ranked(&m.betweenness),
            top_closeness: all_pairs_ranked(&m.closeness),
            all_pairs_skipped: (!self.all_pairs()).then(|| {
                format!(
                    "betweenness and closeness not computed: {} nodes is over the all-pairs \
                     limit of {} (set AMITY_ALL_PAIRS_MAX_NODES to raise it; the cost grows as \
                     nodes × edges)",
                    self.net.node_count(),
                    self.all_pairs_limit
                )
            }),
            modularity: m.modularity,
            community_count,
            communities,
            bridges: m
                .bridges
                .iter()
                .take(top.max(50))
                .map(|&(a, b)| (self.named(a).label, self.named(b).label))
                .collect(),
            bridge_count: m.bridges.len(),
            articulation_points: (0..m.articulation.len())
                .filter(|&i| m.articulation[i])
                .take(top.max(50))
                .map(|i| self.named(i).label)
                .collect(),
            articulation_point_count: m.articulation.iter().filter(|&&a| a).count(),
            countries,
        }
    }

    fn find(&self, key: &str) -> Result<NodeIndex> {
        self.net.find(key).ok_or_else(|| {
            Error::NotFound(format!(
                "no node {key:?} in the {} network (use an id such as beijing, an IRI or a QID)",
                self.net.name.as_str()
            ))
        })
    }

    /// The summary of one node (`key`: id, IRI or QID).
    pub fn place(&self, store: &Store, key: &str) -> Result<PlaceSummary> {
        let i = self.find(key)?;
        let g = &self.net.graph;
        let node = &g[i];
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        let mut neighbours = BTreeSet::new();
        let mut countries = BTreeSet::new();
        let mut years = Vec::new();
        let mut ties = BTreeMap::new();
        let mut agreements = BTreeMap::new();
        let mut events = BTreeMap::new();
        for e in g.edges(i) {
            let other = if e.source() == i {
                e.target()
            } else {
                e.source()
            };
            let w = e.weight();
            *by_kind.entry(w.kind.as_str().to_string()).or_insert(0) += 1;
            neighbours.insert(other.index());
            if let Some(c) = &g[other].country_label {
                if g[other].country != node.country {
                    countries.insert(c.clone());
                }
            }
            years.extend(w.year);
            let label = if w.label_en.is_empty() {
                w.source.rsplit('/').next().unwrap_or("").to_string()
            } else {
                w.label_en.clone()
            };
            let target = match w.kind {
                EdgeKind::Tie => &mut ties,
                EdgeKind::Agreement => &mut agreements,
                EdgeKind::Event => &mut events,
            };
            target.insert(w.source.clone(), label);
        }
        if self.net.name == NetworkName::Report {
            // Events held in the place count too, even when they link it to nobody.
            for r in graph::select(
                store,
                &format!(
                    "SELECT DISTINCT ?e ?en ?date ?start WHERE {{
                       ?e a am:Event ; ?p <{}> .
                       FILTER(?p IN (am:heldIn, am:counterpart, am:participant, am:organiser))
                       OPTIONAL {{ ?e rdfs:label ?en FILTER(LANG(?en) = \"en\") }}
                       OPTIONAL {{ ?e dcterms:date ?date }}
                       OPTIONAL {{ ?e am:periodStart ?start }}
                     }}",
                    node.iri
                ),
            )? {
                if let Some(oxigraph::model::Term::NamedNode(e)) = &r[0] {
                    let label = match &r[1] {
                        Some(oxigraph::model::Term::Literal(l)) => l.value().to_string(),
                        _ => e.as_str().to_string(),
                    };
                    for t in [&r[2], &r[3]].into_iter().flatten() {
                        if let oxigraph::model::Term::Literal(l) = t {
                            if let Some(y) = l.value().get(..4).and_then(|y| y.parse().ok()) {
                                years.push(y);
                                break;
                            }
                        }
                    }
                    events.insert(e.as_str().to_string(), label);
                }
            }
        }
        let to_named = |m: BTreeMap<String, String>| -> Vec<Named> {
            m.into_iter()
                .map(|(iri, label)| Named {
                    id: iri.rsplit('/').next().unwrap_or("").to_string(),
                    iri,
                    label,
                })
                .collect()
        };
        let m = &self.metrics;
        let x = i.index();
        Ok(PlaceSummary {
            network: self.net.name,
            id: node.id.clone(),
            iri: node.iri.clone(),
            label_en: node.label_en.clone(),
            label_zh: node.label_zh.clone(),
            level: node.level.clone(),
            country: node.country_label.clone(),
            wikidata: node.wikidata.clone(),
            degree_by_kind: by_kind,
            neighbours: neighbours.into_iter().map(|j| self.named(j)).collect(),
            partner_countries: countries.into_iter().collect(),
            first_year: years.iter().min().copied(),
            last_year: years.iter().max().copied(),
            ties: to_named(ties),
            agreements: to_named(agreements),
            events: to_named(events),
            metrics: NodeMetrics {
                degree: m.degree[x],
                pagerank: m.pagerank[x],
                betweenness: self.all_pairs().then(|| m.betweenness[x]),
                closeness: self.all_pairs().then(|| m.closeness[x]),
                community: m.community[x],
                component_size: m.component_sizes[m.component[x]],
                articulation_point: m.articulation[x],
            },
        })
    }

    /// A shortest path (fewest hops; among equals, the one found first in node order), each hop
    /// explained by its strongest relation (agreement, then tie, then event).
    pub fn path(&self, from: &str, to: &str) -> Result<PathSummary> {
        let (s, t) = (self.find(from)?, self.find(to)?);
        let simple = self.net.simple();
        let n = simple.node_count();
        let mut prev = vec![usize::MAX; n];
        let mut seen = vec![false; n];
        let mut queue = VecDeque::from([s.index()]);
        seen[s.index()] = true;
        while let Some(v) = queue.pop_front() {
            if v == t.index() {
                break;
            }
            for &w in simple.neighbours(v) {
                let w = w as usize;
                if !seen[w] {
                    seen[w] = true;
                    prev[w] = v;
                    queue.push_back(w);
                }
            }
        }
        let mut hops = Vec::new();
        let length = if seen[t.index()] {
            let mut nodes = vec![t.index()];
            while *nodes.last().expect("non-empty") != s.index() {
                nodes.push(prev[*nodes.last().expect("non-empty")]);
            }
            nodes.reverse();
            for w in nodes.windows(2) {
                hops.push(self.hop(NodeIndex::new(w[0]), NodeIndex::new(w[1])));
            }
            Some(hops.len())
        } else {
            None
        };
        Ok(PathSummary {
            network: self.net.name,
            from: self.named(s.index()),
            to: self.named(t.index()),
            length,
            hops,
        })
    }

    fn hop(&self, a: NodeIndex, b: NodeIndex) -> Hop {
        let g = &self.net.graph;
        let mut rels: Vec<_> = g.edges_connecting(a, b).map(|e| e.weight()).collect();
        // Signed agreements say most about a hop, then ties, then events.
        let rank = |k: EdgeKind| match k {
            EdgeKind::Agreement => 0,
            EdgeKind::Tie => 1,
            EdgeKind::Event => 2,
        };
        rels.sort_by(|x, y| (rank(x.kind), &x.source).cmp(&(rank(y.kind), &y.source)));
        let (la, lb) = (g[a].label(), g[b].label());
        let best = rels[0];
        let sentence = |verb: &str| format!("{la} — {verb} — {lb}");
        Hop {
            from: la.to_string(),
            to: lb.to_string(),
            kind: best.kind,
            verb: best.verb(),
            year: best.year,
            source: best.source.clone(),
            sentence: sentence(&best.verb()),
            also: rels[1..].iter().map(|e| sentence(&e.verb())).collect(),
        }
    }
}

fn number(t: &Option<oxigraph::model::Term>) -> Option<f64> {
    match t {
        Some(oxigraph::model::Term::Literal(l)) => l.value().parse().ok(),
        _ => None,
    }
}

/// `amity summary`: the network summary, built from the store.
pub fn network_summary(store: &Store, name: NetworkName, top: usize) -> Result<NetworkSummary> {
    Ok(Analysed::stored(store, name)?.summary(top))
}

/// `/api/places/{id}`: one place of the report network (or of the Wikidata network for a QID
/// that no report place links to).
pub fn place_summary(store: &Store, key: &str) -> Result<PlaceSummary> {
    let report = Analysed::stored(store, NetworkName::Report)?;
    if report.net.find(key).is_some() {
        return report.place(store, key);
    }
    Analysed::stored(store, NetworkName::Wikidata)?.place(store, key)
}

/// `/api/path`: the shortest path between two nodes of a network, every hop in words.
pub fn path(store: &Store, name: NetworkName, from: &str, to: &str) -> Result<PathSummary> {
    let net = graph::build_network(store, name)?;
    // A path needs no metrics: skip the expensive ones.
    let metrics = Metrics {
        degree: Vec::new(),
        pagerank: Vec::new(),
        betweenness: Vec::new(),
        closeness: Vec::new(),
        community: Vec::new(),
        modularity: 0.0,
        component: Vec::new(),
        component_sizes: Vec::new(),
        articulation: Vec::new(),
        bridges: Vec::new(),
        edge_count: 0,
    };
    Analysed {
        net,
        metrics,
        all_pairs_limit: 0,
    }
    .path(from, to)
}

impl NetworkSummary {
    /// Plain-text rendering for the terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "network: {}", self.network.as_str());
        let _ = writeln!(
            s,
            "nodes: {}  relations: {} {:?}  distinct linked pairs: {}",
            self.nodes, self.relations, self.relations_by_kind, self.edges
        );
        let _ = writeln!(
            s,
            "components: {} (sizes, largest first: {:?}{})",
            self.component_count,
            &self.component_sizes[..self.component_sizes.len().min(10)],
            if self.component_sizes.len() > 10 {
                " …"
            } else {
                ""
            }
        );
        let _ = writeln!(
            s,
            "degree distribution (degree: nodes): {:?}",
            self.degree_distribution
        );
        for (title, list) in [
            ("degree", &self.top_degree),
            ("PageRank", &self.top_pagerank),
            ("betweenness", &self.top_betweenness),
            ("closeness", &self.top_closeness),
        ] {
            if list.is_empty() {
                if let Some(why) = &self.all_pairs_skipped {
                    let _ = writeln!(s, "top {title}: {why}");
                    continue;
                }
            }
            let _ = writeln!(s, "top {title}:");
            for (i, r) in list.iter().enumerate() {
                let _ = writeln!(s, "  {:>2}. {:<40} {:.6}", i + 1, r.label, r.value);
            }
        }
        let _ = writeln!(
            s,
            "communities (Louvain): {}  modularity {:.4}",
            self.community_count, self.modularity
        );
        for c in &self.communities {
            let _ = writeln!(
                s,
                "  #{} ({} nodes): {}",
                c.id,
                c.size,
                c.members.join(", ")
            );
        }
        let _ = writeln!(s, "bridges: {}", self.bridge_count);
        for (a, b) in self.bridges.iter().take(20) {
            let _ = writeln!(s, "  {a} — {b}");
        }
        let _ = writeln!(
            s,
            "articulation points: {}: {}",
            self.articulation_point_count,
            self.articulation_points
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
        if !self.countries.is_empty() {
            let _ = writeln!(s, "countries (ties / agreements / events):");
            for c in &self.countries {
                let _ = writeln!(
                    s,
                    "  {} — {}: {} / {} / {}",
                    c.a, c.b, c.ties, c.agreements, c.events
                );
            }
        }
        s
    }
}

impl PlaceSummary {
    /// Plain-text rendering for the terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} {} ({}, {}) in the {} network",
            self.label_en,
            self.label_zh,
            self.level,
            self.country.as_deref().unwrap_or("no country"),
            self.network.as_str()
        );
        let _ = writeln!(s, "relations by kind: {:?}", self.degree_by_kind);
        let names = |v: &[Named]| {
            v.iter()
                .map(|n| n.label.clone())
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(
            s,
            "neighbours ({}): {}",
            self.neighbours.len(),
            names(&self.neighbours)
        );
        let _ = writeln!(
            s,
            "partner countries: {}",
            self.partner_countries.join(", ")
        );
        let years = |y: Option<i32>| y.map_or("-".to_string(), |y| y.to_string());
        let _ = writeln!(
            s,
            "first / last year of contact: {} / {}",
            years(self.first_year),
            years(self.last_year)
        );
        let _ = writeln!(s, "ties: {}", names(&self.ties));
        let _ = writeln!(s, "agreements: {}", names(&self.agreements));
        let _ = writeln!(s, "events ({}): {}", self.events.len(), names(&self.events));
        let m = &self.metrics;
        let all_pairs =
            |v: Option<f64>| v.map_or("not computed".to_string(), |v| format!("{v:.6}"));
        let _ = writeln!(
            s,
            "degree {}  PageRank {:.6}  betweenness {}  closeness {}  community {}  \
             component of {}{}",
            m.degree,
            m.pagerank,
            all_pairs(m.betweenness),
            all_pairs(m.closeness),
            m.community,
            m.component_size,
            if m.articulation_point {
                "  (articulation point)"
            } else {
                ""
            }
        );
        s
    }
}
