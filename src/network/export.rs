//! Exports of a network with its metrics: GEXF 1.3 and GraphML (Gephi, networkx, yEd), GeoJSON
//! (places as points, relations as lines between them) and Graphviz DOT.
//!
//! Node attributes: `label_en`, `label_zh`, `level`, `country`, `lat`, `lon`, `wikidata`,
//! `degree`, `pagerank`, `betweenness`, `closeness`, `community`, `component_size`,
//! `articulation_point`. Edge attributes: `kind` (tie, agreement, event), `subkind` (the kind
//! concept key), `year`, `source` (IRI of the tie, agreement or event). Node ids are `n{index}`,
//! edge ids `e{index}`; the node's IRI is kept in `iri`.

use std::fmt::Write;

use oxigraph::store::Store;
use petgraph::visit::EdgeRef;

use super::graph::{NetworkName, Node};
use super::summary::Analysed;
use crate::error::Result;

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkFormat {
    Gexf,
    GraphMl,
    GeoJson,
    Dot,
}

impl NetworkFormat {
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "gexf" => NetworkFormat::Gexf,
            "graphml" => NetworkFormat::GraphMl,
            "geojson" | "json" => NetworkFormat::GeoJson,
            "dot" | "gv" => NetworkFormat::Dot,
            _ => return None,
        })
    }

    pub fn media_type(self) -> &'static str {
        match self {
            NetworkFormat::Gexf => "application/gexf+xml",
            NetworkFormat::GraphMl => "application/graphml+xml",
            NetworkFormat::GeoJson => "application/geo+json",
            NetworkFormat::Dot => "text/vnd.graphviz",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            NetworkFormat::Gexf => "gexf",
            NetworkFormat::GraphMl => "graphml",
            NetworkFormat::GeoJson => "geojson",
            NetworkFormat::Dot => "dot",
        }
    }
}

/// Builds the network from the store with its stored metrics ([`Analysed::stored`]) and writes
/// it in `format`.
pub fn export(store: &Store, name: NetworkName, format: NetworkFormat) -> Result<String> {
    let a = Analysed::stored(store, name)?;
    Ok(write(&a, format))
}

/// Writes an analysed network in `format`.
pub fn write(a: &Analysed, format: NetworkFormat) -> String {
    match format {
        NetworkFormat::Gexf => gexf(a),
        NetworkFormat::GraphMl => graphml(a),
        NetworkFormat::GeoJson => geojson(a),
        NetworkFormat::Dot => dot(a),
    }
}

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    Int,
    Double,
    Bool,
}

impl Ty {
    fn gexf(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::Int => "integer",
            Ty::Double => "double",
            Ty::Bool => "boolean",
        }
    }
    fn graphml(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::Int => "long",
            Ty::Double => "double",
            Ty::Bool => "boolean",
        }
    }
}

const NODE_ATTRS: &[(&str, Ty)] = &[
    ("iri", Ty::Str),
    ("label_en", Ty::Str),
    ("label_zh", Ty::Str),
    ("level", Ty::Str),
    ("country", Ty::Str),
    ("lat", Ty::Double),
    ("lon", Ty::Double),
    ("wikidata", Ty::Str),
    ("degree", Ty::Int),
    ("pagerank", Ty::Double),
    ("betweenness", Ty::Double),
    ("closeness", Ty::Double),
    ("community", Ty::Int),
    ("component_size", Ty::Int),
    ("articulation_point", Ty::Bool),
];

const EDGE_ATTRS: &[(&str, Ty)] = &[
    ("kind", Ty::Str),
    ("subkind", Ty::Str),
    ("year", Ty::Int),
    ("source", Ty::Str),
];

/// The node's attribute values, in [`NODE_ATTRS`] order (`None`: not known).
fn node_values(a: &Analysed, i: usize, n: &Node) -> Vec<Option<String>> {
    let m = &a.metrics;
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    vec![
        Some(n.iri.clone()),
        opt(&n.label_en),
        opt(&n.label_zh),
        opt(&n.level),
        n.country_label.clone(),
        n.lat.map(|v| v.to_string()),
        n.lon.map(|v| v.to_string()),
        n.wikidata.clone(),
        Some(m.degree[i].to_string()),
        Some(m.pagerank[i].to_string()),
        // Above the all-pairs limit these were not computed: missing, not 0.
        a.all_pairs().then(|| m.betweenness[i].to_string()),
        a.all_pairs().then(|| m.closeness[i].to_string()),
        Some(m.community[i].to_string()),
        Some(m.component_sizes[m.component[i]].to_string()),
        Some(m.articulation[i].to_string()),
    ]
}

fn edge_values(e: &super::graph::Edge) -> Vec<Option<String>> {
    vec![
        Some(e.kind.as_str().to_string()),
        Some(e.subkind.clone()),
        e.year.map(|y| y.to_string()),
        Some(e.source.clone()),
    ]
}

fn gexf(a: &Analysed) -> String {
    let g = &a.net.graph;
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n",
    );
    let _ = writeln!(
        s,
        "  <meta>\n    <creator>amity</creator>\n    <description>{}</description>\n  </meta>",
        xml_escape(&format!("amity {} network", a.net.name.as_str()))
    );
    s.push_str("  <graph defaultedgetype=\"undirected\" mode=\"static\">\n");
    for (class, attrs) in [("node", NODE_ATTRS), ("edge", EDGE_ATTRS)] {
        let _ = writeln!(s, "    <attributes class=\"{class}\">");
        for (name, ty) in attrs {
            let _ = writeln!(
                s,
                "      <attribute id=\"{name}\" title=\"{name}\" type=\"{}\"/>",
                ty.gexf()
            );
        }
        s.push_str("    </attributes>\n");
    }
    s.push_str("    <nodes>\n");
    for i in g.node_indices() {
        let n = &g[i];
        let _ = writeln!(
            s,
            "      <node id=\"n{}\" label=\"{}\">",
            i.index(),
            xml_escape(n.label())
        );
        s.push_str("        <attvalues>\n");
        for ((name, _), v) in NODE_ATTRS.iter().zip(node_values(a, i.index(), n)) {
            if let Some(v) = v {
                let _ = writeln!(
                    s,
                    "          <attvalue for=\"{name}\" value=\"{}\"/>",
                    xml_escape(&v)
                );
            }
        }
        s.push_str("        </attvalues>\n");
        if let (Some(lat), Some(lon)) = (n.lat, n.lon) {
            let _ = writeln!(
                s,
                "        <viz:position x=\"{lon}\" y=\"{lat}\" z=\"0.0\"/>"
            );
        }
        s.push_str("      </node>\n");
    }
    s.push_str("    </nodes>\n    <edges>\n");
    for e in g.edge_references() {
        let w = e.weight();
        let _ = writeln!(
            s,
            "      <edge id=\"e{}\" source=\"n{}\" target=\"n{}\" label=\"{}\">",
            e.id().index(),
            e.source().index(),
            e.target().index(),
            xml_escape(&w.verb())
        );
        s.push_str("        <attvalues>\n");
        for ((name, _), v) in EDGE_ATTRS.iter().zip(edge_values(w)) {
            if let Some(v) = v {
                let _ = writeln!(
                    s,
                    "          <attvalue for=\"{name}\" value=\"{}\"/>",
                    xml_escape(&v)
                );
            }
        }
        s.push_str("        </attvalues>\n      </edge>\n");
    }
    s.push_str("    </edges>\n  </graph>\n</gexf>\n");
    s
}

fn graphml(a: &Analysed) -> String {
    let g = &a.net.graph;
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (class, prefix, attrs) in [("node", "d_", NODE_ATTRS), ("edge", "e_", EDGE_ATTRS)] {
        for (name, ty) in attrs {
            let _ = writeln!(
                s,
                "  <key id=\"{prefix}{name}\" for=\"{class}\" attr.name=\"{name}\" attr.type=\"{}\"/>",
                ty.graphml()
            );
        }
    }
    let _ = writeln!(
        s,
        "  <graph id=\"{}\" edgedefault=\"undirected\">",
        a.net.name.as_str()
    );
    for i in g.node_indices() {
        let n = &g[i];
        let _ = writeln!(s, "    <node id=\"n{}\">", i.index());
        for ((name, _), v) in NODE_ATTRS.iter().zip(node_values(a, i.index(), n)) {
            if let Some(v) = v {
                let _ = writeln!(s, "      <data key=\"d_{name}\">{}</data>", xml_escape(&v));
            }
        }
        s.push_str("    </node>\n");
    }
    for e in g.edge_references() {
        let _ = writeln!(
            s,
            "    <edge id=\"e{}\" source=\"n{}\" target=\"n{}\">",
            e.id().index(),
            e.source().index(),
            e.target().index()
        );
        for ((name, _), v) in EDGE_ATTRS.iter().zip(edge_values(e.weight())) {
            if let Some(v) = v {
                let _ = writeln!(s, "      <data key=\"e_{name}\">{}</data>", xml_escape(&v));
            }
        }
        s.push_str("    </edge>\n");
    }
    s.push_str("  </graph>\n</graphml>\n");
    s
}

fn json_value(ty: Ty, v: &str) -> serde_json::Value {
    match ty {
        Ty::Str => serde_json::Value::String(v.to_string()),
        Ty::Int => v
            .parse::<i64>()
            .map(Into::into)
            .unwrap_or(serde_json::Value::Null),
        Ty::Double => v
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Ty::Bool => serde_json::Value::Bool(v == "true"),
    }
}

fn geojson(a: &Analysed) -> String {
    use serde_json::{json, Map, Value};
    let g = &a.net.graph;
    let mut features = Vec::new();
    for i in g.node_indices() {
        let n = &g[i];
        let (Some(lat), Some(lon)) = (n.lat, n.lon) else {
            continue;
        };
        let mut props = Map::new();
        props.insert("id".into(), Value::String(n.id.clone()));
        props.insert("feature".into(), Value::String("node".into()));
        for ((name, ty), v) in NODE_ATTRS.iter().zip(node_values(a, i.index(), n)) {
            if let Some(v) = v {
                props.insert((*name).into(), json_value(*ty, &v));
            }
        }
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": props,
        }));
    }
    for e in g.edge_references() {
        let (na, nb) = (&g[e.source()], &g[e.target()]);
        let (Some(la), Some(oa), Some(lb), Some(ob)) = (na.lat, na.lon, nb.lat, nb.lon) else {
            continue;
        };
        let w = e.weight();
        let mut props = Map::new();
        props.insert("feature".into(), Value::String("edge".into()));
        props.insert("from".into(), Value::String(na.id.clone()));
        props.insert("to".into(), Value::String(nb.id.clone()));
        props.insert("verb".into(), Value::String(w.verb()));
        for ((name, ty), v) in EDGE_ATTRS.iter().zip(edge_values(w)) {
            if let Some(v) = v {
                props.insert((*name).into(), json_value(*ty, &v));
            }
        }
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[oa, la], [ob, lb]]},
            "properties": props,
        }));
    }
    let fc = json!({"type": "FeatureCollection", "features": features});
    serde_json::to_string_pretty(&fc).expect("JSON values serialise") + "\n"
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn dot(a: &Analysed) -> String {
    let g = &a.net.graph;
    let mut s = format!("graph \"{}\" {{\n", dot_escape(a.net.name.as_str()));
    for i in g.node_indices() {
        let n = &g[i];
        let _ = writeln!(
            s,
            "  n{} [label=\"{}\", level=\"{}\", pagerank=\"{:.6}\", community=\"{}\"];",
            i.index(),
            dot_escape(n.label()),
            dot_escape(&n.level),
            a.metrics.pagerank[i.index()],
            a.metrics.community[i.index()]
        );
    }
    for e in g.edge_references() {
        let w = e.weight();
        let _ = writeln!(
            s,
            "  n{} -- n{} [label=\"{}\", kind=\"{}\", subkind=\"{}\"{}];",
            e.source().index(),
            e.target().index(),
            dot_escape(&w.verb()),
            w.kind.as_str(),
            dot_escape(&w.subkind),
            w.year
                .map(|y| format!(", year=\"{y}\""))
                .unwrap_or_default()
        );
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(
            super::xml_escape("a<b & \"c\" 'd'\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;"
        );
    }
}
