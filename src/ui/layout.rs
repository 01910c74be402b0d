//! The network page's data: the report network and the Wikidata twin network merged into one
//! graph, with metrics and a deterministic force-directed layout, as compact JSON.
//!
//! A report place linked to Wikidata (`am:wikidata`) and the Wikidata node it names are one node,
//! so Beijing of the report and Beijing (Q956) of Wikidata are the same dot. Every edge keeps its
//! source (report or Wikidata), kind (tie, agreement, event) and year, so the page filters
//! without a new layout: positions never move when a filter changes.
//!
//! The layout is Fruchterman–Reingold with Barnes–Hut repulsion (a quadtree, θ = 1.2), a weak
//! pull to the centre that keeps small components near the big one, and a linear cooling
//! schedule. Starting positions come
//! from a seeded SplitMix64 generator and every loop runs in index order, so a seed always gives
//! the same picture.

use std::collections::HashMap;

use oxigraph::store::Store;
use serde::Serialize;

use crate::error::Result;
use crate::network::graph::{self, EdgeKind};
use crate::network::metrics::{self, SimpleGraph};
use crate::rng::SplitMix64;

/// The network page's JSON (`GET /api/layout`). Edges are column arrays to keep 17,000 of them
/// small; node positions are in layout units (the page fits them to the screen).
#[derive(Serialize)]
pub struct LayoutJson {
    pub seed: u64,
    pub iterations: usize,
    /// Milliseconds the layout took on the server.
    pub layout_ms: u64,
    pub nodes: Vec<NodeJson>,
    /// Country IRIs, referenced by index from nodes.
    pub countries: Vec<String>,
    pub edges: EdgesJson,
}

#[derive(Serialize)]
pub struct NodeJson {
    /// The amity IRI for report places and organisations, else the Wikidata IRI.
    pub iri: String,
    pub en: String,
    pub zh: String,
    /// Index into `countries`, or -1.
    pub c: i32,
    pub x: f32,
    pub y: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Bit 1: in the report network; bit 2: in the Wikidata network.
    pub src: u8,
    /// Level class local name (`City`, `District`, `Organisation`, `WikidataPlace`).
    pub lv: String,
    /// Degree in the merged simple graph (distinct neighbours).
    pub deg: usize,
    /// PageRank in the merged graph.
    pub pr: f64,
    /// Louvain community in the merged graph.
    pub com: usize,
    /// Position in the layout of Beijing's neighbourhood (the report's network and Beijing's
    /// Wikidata twins), for nodes in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lx: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ly: Option<f32>,
}

/// Edges as parallel arrays: endpoints, kind (0 tie, 1 agreement, 2 event), year (0 when
/// unknown), source (1 report, 2 Wikidata) and the IRI of the fact (empty for Wikidata pairs).
#[derive(Serialize, Default)]
pub struct EdgesJson {
    pub a: Vec<u32>,
    pub b: Vec<u32>,
    pub kind: Vec<u8>,
    pub year: Vec<i32>,
    pub src: Vec<u8>,
    pub fact: Vec<String>,
}

/// Builds the merged network from the store and lays it out.
pub fn build(store: &Store, seed: u64) -> Result<LayoutJson> {
    let report = graph::report_network(store)?;
    let wiki = graph::wikidata_network(store)?;
    let mut nodes: Vec<NodeJson> = Vec::new();
    let mut countries: Vec<String> = Vec::new();
    let mut country_index: HashMap<String, i32> = HashMap::new();
    let mut country_of = |c: &Option<String>| -> i32 {
        match c {
            None => -1,
            Some(c) => *country_index.entry(c.clone()).or_insert_with(|| {
                countries.push(c.clone());
                countries.len() as i32 - 1
            }),
        }
    };
    let mut by_wikidata: HashMap<String, u32> = HashMap::new();
    let mut report_index = Vec::with_capacity(report.graph.node_count());
    for n in report.graph.node_weights() {
        let i = nodes.len() as u32;
        if let Some(w) = &n.wikidata {
            by_wikidata.insert(w.clone(), i);
        }
        report_index.push(i);
        nodes.push(NodeJson {
            iri: n.iri.clone(),
            en: n.label_en.clone(),
            zh: n.label_zh.clone(),
            c: country_of(&n.country),
            x: 0.0,
            y: 0.0,
            lat: n.lat,
            lon: n.lon,
            src: 1,
            lv: n.level.clone(),
            deg: 0,
            pr: 0.0,
            com: 0,
            lx: None,
            ly: None,
        });
    }
    let mut wiki_index = Vec::with_capacity(wiki.graph.node_count());
    for n in wiki.graph.node_weights() {
        if let Some(&i) = by_wikidata.get(&n.iri) {
            nodes[i as usize].src |= 2;
            wiki_index.push(i);
            continue;
        }
        wiki_index.push(nodes.len() as u32);
        nodes.push(NodeJson {
            iri: n.iri.clone(),
            en: n.label_en.clone(),
            zh: n.label_zh.clone(),
            c: country_of(&n.country),
            x: 0.0,
            y: 0.0,
            lat: n.lat,
            lon: n.lon,
            src: 2,
            lv: n.level.clone(),
            deg: 0,
            pr: 0.0,
            com: 0,
            lx: None,
            ly: None,
        });
    }
    let mut edges = EdgesJson::default();
    let kind = |k: EdgeKind| match k {
        EdgeKind::Tie => 0u8,
        EdgeKind::Agreement => 1,
        EdgeKind::Event => 2,
    };
    for e in report.graph.raw_edges() {
        edges.a.push(report_index[e.source().index()]);
        edges.b.push(report_index[e.target().index()]);
        edges.kind.push(kind(e.weight.kind));
        edges.year.push(e.weight.year.unwrap_or(0));
        edges.src.push(1);
        edges.fact.push(e.weight.source.clone());
    }
    for e in wiki.graph.raw_edges() {
        edges.a.push(wiki_index[e.source().index()]);
        edges.b.push(wiki_index[e.target().index()]);
        edges.kind.push(kind(e.weight.kind));
        edges.year.push(e.weight.year.unwrap_or(0));
        edges.src.push(2);
        edges.fact.push(String::new());
    }
    let simple = SimpleGraph::from_edges(
        nodes.len(),
        edges
            .a
            .iter()
            .zip(&edges.b)
            .map(|(&a, &b)| (a as usize, b as usize)),
    );
    let pagerank = metrics::pagerank(&simple, 0.85, 1e-6, 100);
    let (community, _) = metrics::louvain(&simple, 1.0);
    let pairs: Vec<(u32, u32)> = simple.edges().map(|(a, b)| (a as u32, b as u32)).collect();
    let iterations = iterations_for(nodes.len());
    let started = std::time::Instant::now();
    let pos = force_layout(nodes.len(), &pairs, seed, iterations);
    // Beijing's neighbourhood gets a layout of its own, so it is readable when shown alone.
    let beijing = crate::vocab::resource("place", "beijing");
    let hub = nodes.iter().position(|n| n.iri == beijing);
    let mut local: Vec<Option<u32>> = vec![None; nodes.len()];
    let mut members: Vec<usize> = Vec::new();
    let mut take = |i: usize, local: &mut Vec<Option<u32>>| {
        if local[i].is_none() {
            local[i] = Some(members.len() as u32);
            members.push(i);
        }
    };
    for (i, n) in nodes.iter().enumerate() {
        if n.src & 1 == 1 || Some(i) == hub {
            take(i, &mut local);
        }
    }
    for (&a, &b) in edges.a.iter().zip(&edges.b) {
        let (a, b) = (a as usize, b as usize);
        if Some(a) == hub || Some(b) == hub {
            take(a, &mut local);
            take(b, &mut local);
        }
    }
    let local_pairs: Vec<(u32, u32)> = pairs
        .iter()
        .filter_map(|&(a, b)| Some((local[a as usize]?, local[b as usize]?)))
        .collect();
    let local_pos = force_layout(members.len(), &local_pairs, seed, 300);
    for (k, &i) in members.iter().enumerate() {
        nodes[i].lx = Some((local_pos[k][0] * 100.0).round() / 100.0);
        nodes[i].ly = Some((local_pos[k][1] * 100.0).round() / 100.0);
    }
    let layout_ms = started.elapsed().as_millis() as u64;
    for (i, n) in nodes.iter_mut().enumerate() {
        n.deg = simple.degree(i);
        n.pr = (pagerank[i] * 1e6).round() / 1e6;
        n.com = community[i];
        n.x = (pos[i][0] * 100.0).round() / 100.0;
        n.y = (pos[i][1] * 100.0).round() / 100.0;
    }
    Ok(LayoutJson {
        seed,
        iterations,
        layout_ms,
        nodes,
        countries,
        edges,
    })
}

/// Fewer iterations for very large graphs; enough for the layout to settle.
pub fn iterations_for(n: usize) -> usize {
    if n > 5000 {
        120
    } else {
        300
    }
}

/// The connected component of every node (union–find; a component is named by its root).
fn components(n: usize, edges: &[(u32, u32)]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for &(a, b) in edges {
        let (ra, rb) = (find(&mut parent, a as usize), find(&mut parent, b as usize));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    (0..n).map(|x| find(&mut parent, x)).collect()
}

/// A Barnes–Hut quadtree over a permutation of the node indices: each cell covers a square
/// and a contiguous range of `perm`; a leaf holds at most [`LEAF`] nodes.
struct QuadTree {
    cells: Vec<Cell>,
    perm: Vec<u32>,
}

struct Cell {
    /// Centre of mass.
    cx: f32,
    cy: f32,
    mass: f32,
    /// Side of the square.
    size: f32,
    /// Range of `perm`.
    start: u32,
    end: u32,
    /// Index of the first child cell (children are consecutive) or 0 for a leaf.
    first_child: u32,
    children: u8,
}

const LEAF: usize = 8;

impl QuadTree {
    fn build(pos: &[[f32; 2]], perm: &mut Vec<u32>, cells: Vec<Cell>) -> QuadTree {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in pos {
            x0 = x0.min(p[0]);
            y0 = y0.min(p[1]);
            x1 = x1.max(p[0]);
            y1 = y1.max(p[1]);
        }
        let size = (x1 - x0).max(y1 - y0).max(1e-3);
        let mut tree = QuadTree {
            cells,
            perm: std::mem::take(perm),
        };
        tree.cells.clear();
        tree.cells.push(Cell {
            cx: 0.0,
            cy: 0.0,
            mass: 0.0,
            size,
            start: 0,
            end: pos.len() as u32,
            first_child: 0,
            children: 0,
        });
        tree.split(0, pos, x0, y0, 0);
        tree
    }

    fn split(&mut self, c: usize, pos: &[[f32; 2]], x0: f32, y0: f32, depth: u32) {
        let (start, end, size) = (
            self.cells[c].start as usize,
            self.cells[c].end as usize,
            self.cells[c].size,
        );
        if end - start <= LEAF || depth >= 24 {
            let (mut sx, mut sy) = (0f32, 0f32);
            for &i in &self.perm[start..end] {
                sx += pos[i as usize][0];
                sy += pos[i as usize][1];
            }
            let m = (end - start) as f32;
            let cell = &mut self.cells[c];
            cell.mass = m;
            cell.cx = sx / m.max(1.0);
            cell.cy = sy / m.max(1.0);
            return;
        }
        let half = size / 2.0;
        let (mx, my) = (x0 + half, y0 + half);
        let quadrant =
            |i: u32| (pos[i as usize][0] >= mx) as usize + 2 * (pos[i as usize][1] >= my) as usize;
        // Counting sort of this range by quadrant.
        let mut counts = [0usize; 4];
        for &i in &self.perm[start..end] {
            counts[quadrant(i)] += 1;
        }
        let slice: Vec<u32> = self.perm[start..end].to_vec();
        let mut offsets = [0usize; 4];
        for q in 1..4 {
            offsets[q] = offsets[q - 1] + counts[q - 1];
        }
        let mut fill = offsets;
        for i in slice {
            let q = quadrant(i);
            self.perm[start + fill[q]] = i;
            fill[q] += 1;
        }
        let first = self.cells.len();
        let mut made = 0u8;
        let mut origins = Vec::with_capacity(4);
        for q in 0..4 {
            if counts[q] == 0 {
                continue;
            }
            self.cells.push(Cell {
                cx: 0.0,
                cy: 0.0,
                mass: 0.0,
                size: half,
                start: (start + offsets[q]) as u32,
                end: (start + offsets[q] + counts[q]) as u32,
                first_child: 0,
                children: 0,
            });
            origins.push((
                first + made as usize,
                x0 + half * (q % 2) as f32,
                y0 + half * (q / 2) as f32,
            ));
            made += 1;
        }
        self.cells[c].first_child = first as u32;
        self.cells[c].children = made;
        let (mut sx, mut sy, mut m) = (0f32, 0f32, 0f32);
        for (child, cx0, cy0) in origins {
            self.split(child, pos, cx0, cy0, depth + 1);
            let ch = &self.cells[child];
            sx += ch.cx * ch.mass;
            sy += ch.cy * ch.mass;
            m += ch.mass;
        }
        let cell = &mut self.cells[c];
        cell.mass = m;
        cell.cx = sx / m;
        cell.cy = sy / m;
    }
}

/// A deterministic force-directed layout of `n` nodes linked by `edges`: the same inputs and
/// seed always give the same positions. The ideal edge length is 1.
///
/// Fruchterman–Reingold forces (repulsion k²/d between every two nodes, approximated by a
/// Barnes–Hut quadtree with θ = 1.2; attraction d²/k along edges), a weak pull to the centre that
/// keeps components together, and linear cooling.
pub fn force_layout(n: usize, edges: &[(u32, u32)], seed: u64, iterations: usize) -> Vec<[f32; 2]> {
    let mut pos = vec![[0f32; 2]; n];
    if n == 0 {
        return pos;
    }
    let k = 1.0f32;
    let radius = (n as f32).sqrt() * k;
    let mut rng = SplitMix64(seed);
    for p in pos.iter_mut() {
        // Uniform in a disc.
        let r = radius * rng.unit_f32().sqrt();
        let a = rng.unit_f32() * std::f32::consts::TAU;
        *p = [r * a.cos(), r * a.sin()];
    }
    let theta2 = 1.44f32;
    // Nodes of the largest component feel a weak pull to the centre; the others a strong one,
    // or the repulsion of the big component would push them far out.
    let gravity: Vec<f32> = {
        let comp = components(n, edges);
        let mut size = vec![0usize; n];
        for &c in &comp {
            size[c] += 1;
        }
        let largest = (0..n)
            .max_by_key(|&c| (size[c], std::cmp::Reverse(c)))
            .unwrap_or(0);
        comp.iter()
            .map(|&c| if c == largest { 0.05 } else { 1.0 })
            .collect()
    };
    let mut disp = vec![[0f32; 2]; n];
    let mut perm: Vec<u32> = (0..n as u32).collect();
    let mut cells: Vec<Cell> = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    let t0 = radius * 0.2;
    let k2 = k * k;
    for it in 0..iterations {
        let t = t0 * (1.0 - it as f32 / iterations as f32) + 0.02;
        let tree = QuadTree::build(&pos, &mut perm, std::mem::take(&mut cells));
        for (i, d) in disp.iter_mut().enumerate() {
            let [xi, yi] = pos[i];
            let (mut fx, mut fy) = (0f32, 0f32);
            stack.clear();
            stack.push(0);
            while let Some(c) = stack.pop() {
                let cell = &tree.cells[c as usize];
                let dx = xi - cell.cx;
                let dy = yi - cell.cy;
                let d2 = dx * dx + dy * dy;
                if cell.children == 0 {
                    for &j in &tree.perm[cell.start as usize..cell.end as usize] {
                        let j = j as usize;
                        if j == i {
                            continue;
                        }
                        let dx = xi - pos[j][0];
                        let dy = yi - pos[j][1];
                        let d2 = dx * dx + dy * dy;
                        if d2 < 1e-6 {
                            // Coincident: push apart along a direction fixed by the indices.
                            let a = (i * 31 + j * 17) as f32;
                            fx += a.cos() * k;
                            fy += a.sin() * k;
                        } else {
                            let f = k2 / d2;
                            fx += dx * f;
                            fy += dy * f;
                        }
                    }
                } else if cell.size * cell.size < theta2 * d2 {
                    let f = cell.mass * k2 / d2;
                    fx += dx * f;
                    fy += dy * f;
                } else {
                    for ch in 0..cell.children as u32 {
                        stack.push(cell.first_child + ch);
                    }
                }
            }
            *d = [fx, fy];
        }
        perm = tree.perm;
        cells = tree.cells;
        // Attraction d²/k along every edge.
        for &(a, b) in edges {
            let (a, b) = (a as usize, b as usize);
            let dx = pos[a][0] - pos[b][0];
            let dy = pos[a][1] - pos[b][1];
            let f = (dx * dx + dy * dy).sqrt() / k;
            disp[a][0] -= dx * f;
            disp[a][1] -= dy * f;
            disp[b][0] += dx * f;
            disp[b][1] += dy * f;
        }
        // Gravity towards the centre, then move at most `t`.
        for ((p, d), g) in pos.iter_mut().zip(&disp).zip(&gravity) {
            let dx = d[0] - p[0] * g;
            let dy = d[1] - p[1] * g;
            let len = (dx * dx + dy * dy).sqrt();
            if len > 0.0 {
                let step = len.min(t) / len;
                p[0] += dx * step;
                p[1] += dy * step;
            }
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_layout_other_seed_other_layout() {
        let edges: Vec<(u32, u32)> = (0..50u32).map(|i| (i, (i * 7 + 3) % 60)).collect();
        let a = force_layout(60, &edges, 1, 100);
        let b = force_layout(60, &edges, 1, 100);
        let c = force_layout(60, &edges, 2, 100);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|p| p[0].is_finite() && p[1].is_finite()));
    }

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones() {
        // Two triangles, not linked to each other.
        let edges = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)];
        let p = force_layout(6, &edges, 7, 300);
        let d =
            |a: usize, b: usize| ((p[a][0] - p[b][0]).powi(2) + (p[a][1] - p[b][1]).powi(2)).sqrt();
        let within = (d(0, 1) + d(1, 2) + d(3, 4)) / 3.0;
        assert!(
            within < 2.5,
            "edges should be about the ideal length, got {within}"
        );
        assert!(d(0, 1) > 0.3, "linked nodes must not collapse: {}", d(0, 1));
    }
}
