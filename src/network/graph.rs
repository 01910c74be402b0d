//! The petgraph view, built **by SPARQL from a store** (never from the CSV files).
//!
//! Two networks:
//! - [`NetworkName::Report`]: nodes are places and the organisations that act; edges are the
//!   report's friendship ties (between their two parties), agreements (between every two of
//!   their parties) and events. An event links its *acting side* — its organisers and the
//!   places among its participants, or else the city the reporting office is based in — to its
//!   *other side* — its counterparts and the organisations among its participants, or, when it
//!   has neither, the places it was held in.
//! - [`NetworkName::Wikidata`]: the Wikidata P190 network of graph `wikidata-p190`, one edge per
//!   merged pair.
//!
//! Edges are typed ([`EdgeKind`] plus the concept key of the tie, agreement or event kind) and
//! dated (start year of a tie; year of the date or period start of an agreement or event). The
//! [`CountryGraph`] folds the report network onto countries.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use oxigraph::model::{NamedNodeRef, Term};
use oxigraph::sparql::QueryResults;
use oxigraph::store::Store;
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;

use crate::error::{Error, Result};
use crate::vocab::{am, dcterms, geo, prov, rdf, rdfs};
use crate::{query, vocab};

/// Which network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkName {
    /// Places and organisations of the report, linked by ties, agreements and events.
    Report,
    /// The Wikidata sister-city network (P190, 2016).
    #[serde(rename = "wikidata-p190")]
    Wikidata,
}

impl NetworkName {
    /// Short name, as used in IRIs and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkName::Report => "report",
            NetworkName::Wikidata => "wikidata-p190",
        }
    }

    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "report" => Some(NetworkName::Report),
            "wikidata" | "wikidata-p190" => Some(NetworkName::Wikidata),
            _ => None,
        }
    }

    /// The IRI of the network node in the metrics graph.
    pub fn iri(self) -> String {
        vocab::resource("network", self.as_str())
    }
}

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    Place,
    Organisation,
}

/// A node: a place or an organisation.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Node {
    pub iri: String,
    /// Short id: the amity id (`beijing`) or the QID (`Q956`).
    pub id: String,
    #[serde(skip)]
    pub kind: Option<NodeKind>,
    pub label_en: String,
    pub label_zh: String,
    /// Level class local name (`City`, `District`, …; `Organisation` for organisations).
    pub level: String,
    /// Country IRI.
    pub country: Option<String>,
    /// Country label (English, else Chinese, else the id).
    pub country_label: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Wikidata entity IRI: the node's own for the Wikidata network, the linked one for places.
    pub wikidata: Option<String>,
}

impl Node {
    /// The best display label: English, else Chinese, else the id.
    pub fn label(&self) -> &str {
        if !self.label_en.is_empty() {
            &self.label_en
        } else if !self.label_zh.is_empty() {
            &self.label_zh
        } else {
            &self.id
        }
    }
}

/// The three kinds of relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    Tie,
    Agreement,
    Event,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Tie => "tie",
            EdgeKind::Agreement => "agreement",
            EdgeKind::Event => "event",
        }
    }
}

/// An edge: one tie, agreement or event between two nodes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Edge {
    pub kind: EdgeKind,
    /// Concept key of the tie, agreement or event kind (`twinning`, `memorandum`, …).
    pub subkind: String,
    pub year: Option<i32>,
    /// IRI of the tie, agreement, event or Wikidata pair.
    pub source: String,
    /// English label of the source (title of the agreement or event).
    pub label_en: String,
    /// For Wikidata pairs: whether both sides list the pair.
    pub reciprocal: Option<bool>,
}

impl Edge {
    /// The relation in words, to read as "A — verb — B".
    pub fn verb(&self) -> String {
        match self.kind {
            EdgeKind::Tie => match self.subkind.as_str() {
                "twinning" if self.reciprocal.is_some() => {
                    "is twinned with (Wikidata P190)".to_string()
                }
                "twinning" => "is twinned with".to_string(),
                "friendly_exchange" => "has friendly exchanges with".to_string(),
                "intended_friendly_relations" => "intends friendly relations with".to_string(),
                other => format!("has a {} tie with", other.replace('_', " ")),
            },
            EdgeKind::Agreement => match self.subkind.as_str() {
                "memorandum" => "signed a memorandum with".to_string(),
                "letter_of_intent" => "signed a letter of intent with".to_string(),
                "cooperation_plan" => "signed a cooperation plan with".to_string(),
                "twinning_agreement" => "signed a twinning agreement with".to_string(),
                "work_points" => "agreed work points with".to_string(),
                other => format!("signed a {} with", other.replace('_', " ")),
            },
            EdgeKind::Event => {
                if self.label_en.is_empty() {
                    format!("took part in a {} with", self.subkind.replace('_', " "))
                } else {
                    format!("took part in “{}” with", self.label_en)
                }
            }
        }
    }
}

/// A network: an undirected multigraph (several relations may link the same two nodes).
#[derive(Clone, Debug)]
pub struct Network {
    pub name: NetworkName,
    pub graph: UnGraph<Node, Edge>,
    index: HashMap<String, NodeIndex>,
}

impl Network {
    /// An empty network.
    pub fn new(name: NetworkName) -> Self {
        Network {
            name,
            graph: UnGraph::default(),
            index: HashMap::new(),
        }
    }

    /// Adds a node (or returns the existing one with the same IRI).
    pub fn add_node(&mut self, node: Node) -> NodeIndex {
        if let Some(&i) = self.index.get(&node.iri) {
            return i;
        }
        let iri = node.iri.clone();
        let i = self.graph.add_node(node);
        self.index.insert(iri, i);
        i
    }

    pub fn add_edge(&mut self, a: NodeIndex, b: NodeIndex, e: Edge) {
        self.graph.add_edge(a, b, e);
    }

    /// The node with this IRI.
    pub fn node_by_iri(&self, iri: &str) -> Option<NodeIndex> {
        self.index.get(iri).copied()
    }

    /// Finds a node by IRI, short id (`beijing`, `Q956`) or `kind/id` (`place/beijing`).
    pub fn find(&self, key: &str) -> Option<NodeIndex> {
        if let Some(i) = self.node_by_iri(key) {
            return Some(i);
        }
        for prefix in [
            vocab::resource("place", ""),
            vocab::resource("organisation", ""),
            vocab::resource("department", ""),
            vocab::ID_NS.to_string(),
            vocab::WD_NS.to_string(),
        ] {
            if let Some(i) = self.node_by_iri(&format!("{prefix}{key}")) {
                return Some(i);
            }
        }
        // A report place by its Wikidata QID, or a Wikidata node by the amity place linked to it.
        let wd = format!("{}{key}", vocab::WD_NS);
        self.graph
            .node_indices()
            .find(|&i| self.graph[i].wikidata.as_deref() == Some(wd.as_str()))
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of relations (multigraph edges).
    pub fn relation_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The simple graph of distinct linked pairs (no self-loops), for the metrics.
    pub fn simple(&self) -> super::metrics::SimpleGraph {
        super::metrics::SimpleGraph::from_edges(
            self.graph.node_count(),
            self.graph
                .edge_references()
                .map(|e| (e.source().index(), e.target().index())),
        )
    }
}

/// Runs a SELECT with amity's prefixes and returns rows of optional terms, in variable order.
pub fn select(store: &Store, body: &str) -> Result<Vec<Vec<Option<Term>>>> {
    let start = std::time::Instant::now();
    let rows = select_rows(store, body)?;
    tracing::debug!(
        query = body.split_whitespace().take(8).collect::<Vec<_>>().join(" "),
        rows = rows.len(),
        elapsed = ?start.elapsed(),
        "network view query"
    );
    Ok(rows)
}

fn select_rows(store: &Store, body: &str) -> Result<Vec<Vec<Option<Term>>>> {
    let text = format!("{}{body}", vocab::SPARQL_PREFIXES);
    let q = query::parse(&text, None)?;
    match crate::engine::evaluate(store, q, &Default::default())? {
        QueryResults::Solutions(sols) => {
            let vars = sols.variables().to_vec();
            let mut out = Vec::new();
            for s in sols {
                let s = s?;
                out.push(vars.iter().map(|v| s.get(v).cloned()).collect());
            }
            Ok(out)
        }
        _ => Err(Error::Usage("expected a SELECT query".into())),
    }
}

fn iri_of(t: &Option<Term>) -> Option<String> {
    match t {
        Some(Term::NamedNode(n)) => Some(n.as_str().to_string()),
        _ => None,
    }
}

fn lit(t: &Option<Term>) -> Option<String> {
    match t {
        Some(Term::Literal(l)) => Some(l.value().to_string()),
        _ => None,
    }
}

fn local(iri: &str) -> String {
    iri.rsplit(['/', '#']).next().unwrap_or(iri).to_string()
}

fn year(t: &Option<Term>) -> Option<i32> {
    let v = lit(t)?;
    let y = v.get(..4)?;
    y.parse().ok()
}

/// Labels, level, country and coordinates of every place and organisation, by IRI.
fn node_attributes(store: &Store) -> Result<HashMap<String, Node>> {
    let mut nodes: HashMap<String, Node> = HashMap::new();
    let rows = select(
        store,
        "SELECT ?n ?type ?en ?zh ?country ?based ?lat ?lon ?wd WHERE {
           { ?n a am:Place . ?n a ?type .
             FILTER(?type IN (am:Continent, am:Country, am:Region, am:City, am:District, am:Site)) }
           UNION { ?n a am:Organisation . BIND(am:Organisation AS ?type) }
           OPTIONAL { ?n rdfs:label ?en FILTER(LANG(?en) = \"en\") }
           OPTIONAL { ?n rdfs:label ?zh FILTER(LANG(?zh) = \"zh\") }
           OPTIONAL { ?n am:country ?country }
           OPTIONAL { ?n am:basedIn ?based }
           OPTIONAL { ?n geo:lat ?lat ; geo:long ?lon }
           OPTIONAL { ?n am:wikidata ?wd }
         }",
    )?;
    let mut based_in: Vec<(String, String)> = Vec::new();
    for r in rows {
        let Some(iri) = iri_of(&r[0]) else { continue };
        let level = iri_of(&r[1]).map(|t| local(&t)).unwrap_or_default();
        let n = nodes.entry(iri.clone()).or_insert_with(|| Node {
            id: local(&iri),
            iri: iri.clone(),
            ..Default::default()
        });
        if n.level.is_empty() || level != "Organisation" {
            n.level = level.clone();
        }
        n.kind = Some(if level == "Organisation" {
            NodeKind::Organisation
        } else {
            NodeKind::Place
        });
        if let Some(v) = lit(&r[2]) {
            n.label_en = v;
        }
        if let Some(v) = lit(&r[3]) {
            n.label_zh = v;
        }
        if let Some(c) = iri_of(&r[4]) {
            n.country = Some(c);
        } else if level == "Country" {
            n.country = Some(iri.clone());
        }
        if let Some(b) = iri_of(&r[5]) {
            based_in.push((iri.clone(), b));
        }
        n.lat = lit(&r[6]).and_then(|v| v.parse().ok());
        n.lon = lit(&r[7]).and_then(|v| v.parse().ok());
        n.wikidata = iri_of(&r[8]);
    }
    // Organisations take the country of the place they are based in.
    for (org, place) in based_in {
        let c = nodes.get(&place).and_then(|p| p.country.clone());
        if let Some(n) = nodes.get_mut(&org) {
            if n.country.is_none() {
                n.country = c;
            }
        }
    }
    let labels: HashMap<String, String> = nodes
        .values()
        .map(|n| (n.iri.clone(), n.label().to_string()))
        .collect();
    for n in nodes.values_mut() {
        n.country_label = n.country.as_ref().and_then(|c| labels.get(c).cloned());
    }
    Ok(nodes)
}

/// Every predicate the network views read (in any graph). A store holding only the quads with
/// these predicates gives the same networks as the full store; on-disk loads build the metrics
/// from such a copy (`tests/network.rs` checks the two agree). Keep it in step with the queries
/// below.
pub const VIEW_PREDICATES: &[NamedNodeRef<'static>] = &[
    rdf::TYPE,
    rdfs::LABEL,
    am::COUNTRY_OF,
    am::BASED_IN,
    geo::LAT,
    geo::LONG,
    am::WIKIDATA,
    am::WIKIDATA_COUNTRY,
    am::PARTY,
    am::TIE_KIND,
    am::START_YEAR,
    am::AGREEMENT_KIND,
    dcterms::DATE,
    am::PERIOD_START,
    am::EVENT_KIND,
    prov::WAS_DERIVED_FROM,
    dcterms::IS_PART_OF,
    dcterms::PUBLISHER,
    am::HELD_IN,
    am::COUNTERPART,
    am::ORGANISER,
    am::PARTICIPANT,
    am::RECIPROCAL,
];

/// The report network's ties, each pair once.
const TIES: &str = "SELECT ?t ?a ?b ?kind ?year ?en WHERE {
   ?t a am:FriendshipTie ; am:party ?a , ?b ; am:tieKind ?kind .
   FILTER(STR(?a) < STR(?b))
   OPTIONAL { ?t am:startYear ?year }
   OPTIONAL { ?t rdfs:label ?en FILTER(LANG(?en) = \"en\") }
 }";

/// The report network's agreements between two parties, each pair once.
const AGREEMENTS: &str = "SELECT ?ag ?a ?b ?kind ?date ?start ?en WHERE {
   ?ag a am:Agreement ; am:party ?a , ?b ; am:agreementKind ?kind .
   FILTER(STR(?a) < STR(?b))
   OPTIONAL { ?ag dcterms:date ?date }
   OPTIONAL { ?ag am:periodStart ?start }
   OPTIONAL { ?ag rdfs:label ?en FILTER(LANG(?en) = \"en\") }
 }";

/// Events with their kind, date, label and the home of the office that reported them.
const EVENTS: &str = "SELECT ?e ?kind ?date ?start ?en ?home WHERE {
   ?e a am:Event ; am:eventKind ?kind .
   OPTIONAL { ?e dcterms:date ?date }
   OPTIONAL { ?e am:periodStart ?start }
   OPTIONAL { ?e rdfs:label ?en FILTER(LANG(?en) = \"en\") }
   OPTIONAL { ?e prov:wasDerivedFrom/dcterms:isPartOf/dcterms:publisher/am:basedIn ?home }
 }";

/// The places and organisations each event lists.
const EVENT_LISTS: &str = "SELECT ?e ?p ?x WHERE {
   ?e a am:Event ; ?p ?x .
   FILTER(?p IN (am:heldIn, am:counterpart, am:organiser, am:participant))
 }";

/// The result of a scoped thread; a panic in it goes on in the caller.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Builds the report network from the store.
pub fn report_network(store: &Store) -> Result<Network> {
    // The five reads are independent: run them side by side (each evaluation is one thread).
    let (attrs, ties, agreements, event_rows, event_lists) = std::thread::scope(|scope| {
        let attrs = scope.spawn(|| node_attributes(store));
        let [ties, agreements, event_rows, event_lists] =
            [TIES, AGREEMENTS, EVENTS, EVENT_LISTS].map(|q| scope.spawn(move || select(store, q)));
        (
            joined(attrs),
            joined(ties),
            joined(agreements),
            joined(event_rows),
            joined(event_lists),
        )
    });
    let (attrs, ties, agreements, event_rows, event_lists) =
        (attrs?, ties?, agreements?, event_rows?, event_lists?);
    // (a, b, edge) with a, b IRIs.
    let mut edges: Vec<(String, String, Edge)> = Vec::new();

    for r in ties {
        let (Some(t), Some(a), Some(b)) = (iri_of(&r[0]), iri_of(&r[1]), iri_of(&r[2])) else {
            continue;
        };
        edges.push((
            a,
            b,
            Edge {
                kind: EdgeKind::Tie,
                subkind: iri_of(&r[3]).map(|k| local(&k)).unwrap_or_default(),
                year: year(&r[4]),
                source: t,
                label_en: lit(&r[5]).unwrap_or_default(),
                reciprocal: None,
            },
        ));
    }

    for r in agreements {
        let (Some(ag), Some(a), Some(b)) = (iri_of(&r[0]), iri_of(&r[1]), iri_of(&r[2])) else {
            continue;
        };
        edges.push((
            a,
            b,
            Edge {
                kind: EdgeKind::Agreement,
                subkind: iri_of(&r[3]).map(|k| local(&k)).unwrap_or_default(),
                year: year(&r[4]).or_else(|| year(&r[5])),
                source: ag,
                label_en: lit(&r[6]).unwrap_or_default(),
                reciprocal: None,
            },
        ));
    }

    // Events: gather their lists, then link the acting side to the other side.
    #[derive(Default)]
    struct Ev {
        kind: String,
        year: Option<i32>,
        label: String,
        home: BTreeSet<String>,
        held: BTreeSet<String>,
        counterparts: BTreeSet<String>,
        organisers: BTreeSet<String>,
        participants: BTreeSet<String>,
    }
    let mut events: BTreeMap<String, Ev> = BTreeMap::new();
    for r in event_rows {
        let Some(e) = iri_of(&r[0]) else { continue };
        let ev = events.entry(e).or_default();
        ev.kind = iri_of(&r[1]).map(|k| local(&k)).unwrap_or_default();
        ev.year = year(&r[2]).or_else(|| year(&r[3]));
        if let Some(l) = lit(&r[4]) {
            ev.label = l;
        }
        if let Some(h) = iri_of(&r[5]) {
            ev.home.insert(h);
        }
    }
    for r in event_lists {
        let (Some(e), Some(p), Some(x)) = (iri_of(&r[0]), iri_of(&r[1]), iri_of(&r[2])) else {
            continue;
        };
        let Some(ev) = events.get_mut(&e) else {
            continue;
        };
        let list = match local(&p).as_str() {
            "heldIn" => &mut ev.held,
            "counterpart" => &mut ev.counterparts,
            "organiser" => &mut ev.organisers,
            _ => &mut ev.participants,
        };
        list.insert(x);
    }
    let is_kind = |iri: &str, k: NodeKind| attrs.get(iri).and_then(|n| n.kind) == Some(k);
    for (iri, ev) in &events {
        let mut acting: BTreeSet<String> = ev.organisers.clone();
        acting.extend(
            ev.participants
                .iter()
                .filter(|p| is_kind(p, NodeKind::Place))
                .cloned(),
        );
        if acting.is_empty() {
            acting = ev.home.clone();
        }
        let mut other: BTreeSet<String> = ev.counterparts.clone();
        other.extend(
            ev.participants
                .iter()
                .filter(|p| is_kind(p, NodeKind::Organisation))
                .cloned(),
        );
        if other.is_empty() {
            other = ev.held.clone();
        }
        for a in &acting {
            for b in &other {
                if a == b || acting.contains(b) && a > b {
                    continue;
                }
                if !attrs.contains_key(a) || !attrs.contains_key(b) {
                    continue;
                }
                edges.push((
                    a.clone(),
                    b.clone(),
                    Edge {
                        kind: EdgeKind::Event,
                        subkind: ev.kind.clone(),
                        year: ev.year,
                        source: iri.clone(),
                        label_en: ev.label.clone(),
                        reciprocal: None,
                    },
                ));
            }
        }
    }

    // Nodes: every endpoint, plus places an event was held in; in IRI order (deterministic).
    let mut members: BTreeSet<String> = BTreeSet::new();
    for (a, b, _) in &edges {
        members.insert(a.clone());
        members.insert(b.clone());
    }
    for ev in events.values() {
        members.extend(ev.held.iter().filter(|p| attrs.contains_key(*p)).cloned());
    }
    let mut net = Network::new(NetworkName::Report);
    for m in &members {
        let node = attrs.get(m).cloned().unwrap_or_else(|| Node {
            iri: m.clone(),
            id: local(m),
            ..Default::default()
        });
        net.add_node(node);
    }
    edges.sort_by(|x, y| (&x.0, &x.1, &x.2.source).cmp(&(&y.0, &y.1, &y.2.source)));
    for (a, b, e) in edges {
        let (ia, ib) = (net.index[&a], net.index[&b]);
        net.add_edge(ia, ib, e);
    }
    Ok(net)
}

/// Builds the Wikidata twin network (graph `wikidata-p190`) from the store.
pub fn wikidata_network(store: &Store) -> Result<Network> {
    let g = vocab::WIKIDATA_GRAPH;
    let mut nodes: Vec<(u64, Node)> = Vec::new();
    for r in select(
        store,
        &format!(
            "SELECT ?n (MIN(?plain0) AS ?plain) (MIN(?en0) AS ?en) (MIN(?zh0) AS ?zh) (MIN(?c0) AS ?c)
               (MIN(?cen0) AS ?cen) (MIN(?czh0) AS ?czh) WHERE {{ GRAPH <{g}> {{ ?n a am:WikidataPlace
               OPTIONAL {{ ?n rdfs:label ?plain0 FILTER(LANG(?plain0) = \"\") }}
               OPTIONAL {{ ?n rdfs:label ?en0 FILTER(LANG(?en0) = \"en\") }}
               OPTIONAL {{ ?n rdfs:label ?zh0 FILTER(LANG(?zh0) = \"zh\") }}
               OPTIONAL {{ ?n am:wikidataCountry ?c0
                 OPTIONAL {{ ?c0 rdfs:label ?cen0 FILTER(LANG(?cen0) = \"en\") }}
                 OPTIONAL {{ ?c0 rdfs:label ?czh0 FILTER(LANG(?czh0) = \"zh\") }} }} }} }}
             GROUP BY ?n"
        ),
    )? {
        let Some(iri) = iri_of(&r[0]) else { continue };
        let id = local(&iri);
        let q: u64 = id.trim_start_matches('Q').parse().unwrap_or(u64::MAX);
        let country = iri_of(&r[4]);
        nodes.push((
            q,
            Node {
                id,
                label_en: lit(&r[2]).or_else(|| lit(&r[1])).unwrap_or_default(),
                label_zh: lit(&r[3]).unwrap_or_default(),
                level: "WikidataPlace".into(),
                kind: Some(NodeKind::Place),
                wikidata: Some(iri.clone()),
                country_label: country
                    .as_ref()
                    .and_then(|_| lit(&r[5]).or_else(|| lit(&r[6]))),
                country,
                iri,
                ..Default::default()
            },
        ));
    }
    if nodes.is_empty() {
        // No twin network loaded: no pairs to look for, and no report places to read.
        return Ok(Network::new(NetworkName::Wikidata));
    }
    // Report places linked to Wikidata lend their Chinese label, level, country and coordinates.
    let attrs = node_attributes(store)?;
    let linked: HashMap<&str, &Node> = attrs
        .values()
        .filter_map(|n| n.wikidata.as_deref().map(|w| (w, n)))
        .collect();
    nodes.sort_by_key(|(q, n)| (*q, n.iri.clone()));
    let mut net = Network::new(NetworkName::Wikidata);
    for (_, mut n) in nodes {
        if let Some(p) = linked.get(n.iri.as_str()) {
            if !p.label_zh.is_empty() {
                n.label_zh = p.label_zh.clone();
            }
            n.country = p.country.clone();
            n.country_label = p.country_label.clone();
            n.lat = p.lat;
            n.lon = p.lon;
        } else if let Some(c) = n.country.clone() {
            // The Wikidata country as the report country that carries the same item, so
            // both networks colour one country alike.
            if let Some(p) = linked.get(c.as_str()) {
                n.country = Some(p.iri.clone());
                n.country_label = Some(p.label().to_string());
            }
        }
        net.add_node(n);
    }
    let mut edges: Vec<(NodeIndex, NodeIndex, Edge)> = Vec::new();
    for r in select(
        store,
        &format!(
            "SELECT ?p ?a ?b ?rec WHERE {{ GRAPH <{g}> {{
               ?p a am:WikidataTwinPair ; am:party ?a , ?b ; am:reciprocal ?rec .
               FILTER(STR(?a) < STR(?b)) }} }}"
        ),
    )? {
        let (Some(p), Some(a), Some(b)) = (iri_of(&r[0]), iri_of(&r[1]), iri_of(&r[2])) else {
            continue;
        };
        let (Some(ia), Some(ib)) = (net.node_by_iri(&a), net.node_by_iri(&b)) else {
            continue;
        };
        let (ia, ib) = (ia.min(ib), ia.max(ib));
        edges.push((
            ia,
            ib,
            Edge {
                kind: EdgeKind::Tie,
                subkind: "twinning".into(),
                year: None,
                source: p,
                label_en: String::new(),
                reciprocal: Some(lit(&r[3]).as_deref() == Some("true")),
            },
        ));
    }
    edges.sort_by_key(|(a, b, _)| (*a, *b));
    for (a, b, e) in edges {
        net.add_edge(a, b, e);
    }
    Ok(net)
}

/// Builds the named network.
pub fn build_network(store: &Store, name: NetworkName) -> Result<Network> {
    match name {
        NetworkName::Report => report_network(store),
        NetworkName::Wikidata => wikidata_network(store),
    }
}

/// Relations between two countries, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CountryWeight {
    pub ties: usize,
    pub agreements: usize,
    pub events: usize,
}

impl CountryWeight {
    pub fn total(&self) -> usize {
        self.ties + self.agreements + self.events
    }
}

/// A country node.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Country {
    pub iri: String,
    pub label_en: String,
}

/// The report network folded onto countries: country × country, weighted by relations.
/// Relations inside one country (Beijing's districts and Beijing, Hong Kong and Beijing) are
/// kept as self-loops.
pub type CountryGraph = UnGraph<Country, CountryWeight>;

/// Folds a network onto countries; nodes without a country are left out.
pub fn country_graph(net: &Network) -> CountryGraph {
    let mut g = CountryGraph::default();
    let mut idx: BTreeMap<String, NodeIndex> = BTreeMap::new();
    let mut countries: BTreeMap<String, String> = BTreeMap::new();
    for n in net.graph.node_weights() {
        if let Some(c) = &n.country {
            countries.insert(
                c.clone(),
                n.country_label.clone().unwrap_or_else(|| local(c)),
            );
        }
    }
    for (iri, label) in countries {
        let i = g.add_node(Country {
            iri: iri.clone(),
            label_en: label,
        });
        idx.insert(iri, i);
    }
    let mut weights: BTreeMap<(NodeIndex, NodeIndex), CountryWeight> = BTreeMap::new();
    for e in net.graph.edge_references() {
        let (Some(ca), Some(cb)) = (
            net.graph[e.source()].country.as_ref(),
            net.graph[e.target()].country.as_ref(),
        ) else {
            continue;
        };
        let (a, b) = (idx[ca], idx[cb]);
        let w = weights.entry((a.min(b), a.max(b))).or_default();
        match e.weight().kind {
            EdgeKind::Tie => w.ties += 1,
            EdgeKind::Agreement => w.agreements += 1,
            EdgeKind::Event => w.events += 1,
        }
    }
    for ((a, b), w) in weights {
        g.add_edge(a, b, w);
    }
    g
}
