//! Network metrics on the simple undirected graph of a network (each linked pair once, no
//! self-loops): degree, components, PageRank, exact betweenness and closeness, Louvain
//! communities, bridges and articulation points.
//!
//! The definitions follow networkx's defaults so results can be compared with it:
//! - PageRank: damping 0.85, uniform teleport, dangling (isolated) nodes spread uniformly,
//!   power iteration until the L1 change is below `n × 1e-6` (at most 100 iterations).
//! - Betweenness: Brandes' exact algorithm, normalised by `2/((n-1)(n-2))`.
//! - Closeness: with the Wasserman–Faust correction for disconnected graphs.
//! - Communities: Louvain (resolution 1) with a **fixed node order** (no randomness): nodes are
//!   visited in index order, a node moves to the neighbouring community with the largest
//!   positive gain (ties go to the lowest community number), levels are aggregated until no
//!   move improves modularity. Communities are renumbered from 0 by decreasing size.
//!
//! Betweenness and closeness are written here on the compressed adjacency, with reused
//! buffers, one thread per core, and leaves folded into their neighbour's search (a leaf's
//! shortest paths are its neighbour's, one step longer; 4,277 of the Wikidata network's
//! 10,055 nodes are leaves). They give the same results as rustworkx-core's versions (kept as
//! [`betweenness_rustworkx`] and [`closeness_rustworkx`] and compared in the tests), many
//! times faster (bench/RESULTS.md).

use std::collections::BTreeMap;

use petgraph::graph::UnGraph;

/// Betweenness and closeness run on several threads (one per core) from this many nodes on.
pub const PARALLEL_THRESHOLD: usize = 50;

/// A simple undirected graph in compressed adjacency form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleGraph {
    /// `offsets[v]..offsets[v + 1]` indexes `v`'s neighbours in `targets`.
    offsets: Vec<usize>,
    /// Neighbours, sorted per node.
    targets: Vec<u32>,
}

impl SimpleGraph {
    /// Builds from undirected edges; repeated pairs and self-loops are dropped.
    pub fn from_edges(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (a, b) in edges {
            assert!(a < n && b < n, "edge ({a}, {b}) outside 0..{n}");
            if a != b {
                adj[a].push(b as u32);
                adj[b].push(a as u32);
            }
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::new();
        offsets.push(0);
        for mut list in adj {
            list.sort_unstable();
            list.dedup();
            targets.extend_from_slice(&list);
            offsets.push(targets.len());
        }
        SimpleGraph { offsets, targets }
    }

    pub fn node_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of distinct linked pairs.
    pub fn edge_count(&self) -> usize {
        self.targets.len() / 2
    }

    pub fn neighbours(&self, v: usize) -> &[u32] {
        &self.targets[self.offsets[v]..self.offsets[v + 1]]
    }

    pub fn degree(&self, v: usize) -> usize {
        self.offsets[v + 1] - self.offsets[v]
    }

    /// Each pair once, `a < b`.
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.node_count()).flat_map(move |a| {
            self.neighbours(a)
                .iter()
                .map(|&b| b as usize)
                .filter(move |&b| a < b)
                .map(move |b| (a, b))
        })
    }

    /// The same graph as a petgraph `UnGraph` (node `i` is index `i`).
    pub fn to_petgraph(&self) -> UnGraph<(), ()> {
        let mut g = UnGraph::with_capacity(self.node_count(), self.edge_count());
        for _ in 0..self.node_count() {
            g.add_node(());
        }
        for (a, b) in self.edges() {
            g.add_edge((a as u32).into(), (b as u32).into(), ());
        }
        g
    }
}

/// Component number of every node (numbered from 0 by decreasing size, ties by lowest node)
/// and the component sizes in that order.
pub fn components(g: &SimpleGraph) -> (Vec<usize>, Vec<usize>) {
    let n = g.node_count();
    let mut raw = vec![usize::MAX; n];
    let mut sizes = Vec::new();
    let mut stack = Vec::new();
    for s in 0..n {
        if raw[s] != usize::MAX {
            continue;
        }
        let c = sizes.len();
        raw[s] = c;
        stack.push(s);
        let mut size = 0;
        while let Some(v) = stack.pop() {
            size += 1;
            for &w in g.neighbours(v) {
                let w = w as usize;
                if raw[w] == usize::MAX {
                    raw[w] = c;
                    stack.push(w);
                }
            }
        }
        sizes.push(size);
    }
    renumber_by_size(&raw, sizes.len())
}

/// Renumbers labels `0..k` by decreasing group size (ties: the group whose first node is lower).
fn renumber_by_size(labels: &[usize], k: usize) -> (Vec<usize>, Vec<usize>) {
    let mut size = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (v, &c) in labels.iter().enumerate() {
        size[c] += 1;
        first[c] = first[c].min(v);
    }
    let mut order: Vec<usize> = (0..k).filter(|&c| size[c] > 0).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(size[c]), first[c]));
    let mut new = vec![0usize; k];
    for (i, &c) in order.iter().enumerate() {
        new[c] = i;
    }
    (
        labels.iter().map(|&c| new[c]).collect(),
        order.iter().map(|&c| size[c]).collect(),
    )
}

/// PageRank as networkx computes it on an undirected, unweighted graph.
pub fn pagerank(g: &SimpleGraph, alpha: f64, tol: f64, max_iter: usize) -> Vec<f64> {
    let n = g.node_count();
    if n == 0 {
        return Vec::new();
    }
    let nf = n as f64;
    let inv_deg: Vec<f64> = (0..n)
        .map(|v| match g.degree(v) {
            0 => 0.0,
            d => 1.0 / d as f64,
        })
        .collect();
    let dangling: Vec<usize> = (0..n).filter(|&v| g.degree(v) == 0).collect();
    let mut x = vec![1.0 / nf; n];
    let mut share = vec![0.0; n];
    for _ in 0..max_iter {
        for ((sh, xv), inv) in share.iter_mut().zip(&x).zip(&inv_deg) {
            *sh = xv * inv;
        }
        let dangling_sum: f64 = dangling.iter().map(|&v| x[v]).sum();
        let base = (alpha * dangling_sum + (1.0 - alpha)) / nf;
        let mut err = 0.0;
        for (v, xv) in x.iter_mut().enumerate() {
            let s: f64 = g.neighbours(v).iter().map(|&w| share[w as usize]).sum();
            let new = alpha * s + base;
            err += (new - *xv).abs();
            *xv = new;
        }
        // `x` is updated in place (Gauss–Seidel would differ): `share` holds the old values.
        if err < nf * tol {
            break;
        }
    }
    x
}

/// Runs `f(source, state)` for every node as a source, on several threads when the graph has
/// at least [`PARALLEL_THRESHOLD`] nodes, and returns each thread's state.
fn per_source<S: Send>(
    n: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(usize, &mut S) + Sync,
) -> Vec<S> {
    let threads = if n >= PARALLEL_THRESHOLD {
        std::thread::available_parallelism()
            .map(|t| t.get())
            .unwrap_or(1)
            .min(n)
    } else {
        1
    };
    if threads <= 1 {
        let mut st = init();
        for s in 0..n {
            f(s, &mut st);
        }
        return vec![st];
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (init, f) = (&init, &f);
                scope.spawn(move || {
                    let mut st = init();
                    // Interleaved sources balance the work between threads.
                    for s in (t..n).step_by(threads) {
                        f(s, &mut st);
                    }
                    st
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("metric thread panicked"))
            .collect()
    })
}

/// Buffers of one breadth-first search, reset only where they were touched.
struct Bfs {
    dist: Vec<i32>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    /// Visit order (also the FIFO queue: `order[head..]` is still to expand).
    order: Vec<u32>,
    /// Edges `(v, w)` of the shortest-path DAG (`dist[w] = dist[v] + 1`), in discovery order.
    dag: Vec<(u32, u32)>,
}

impl Bfs {
    fn new(n: usize) -> Self {
        Bfs {
            dist: vec![-1; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            order: Vec::with_capacity(n),
            dag: Vec::new(),
        }
    }

    /// As [`Bfs::run`], also recording the shortest-path DAG in `dag`.
    fn run_with_dag(&mut self, g: &SimpleGraph, s: usize) {
        self.reset(s);
        self.dag.clear();
        let mut head = 0;
        while head < self.order.len() {
            let v = self.order[head] as usize;
            head += 1;
            let dv = self.dist[v];
            let sv = self.sigma[v];
            for &w in g.neighbours(v) {
                let wi = w as usize;
                if self.dist[wi] < 0 {
                    self.dist[wi] = dv + 1;
                    self.order.push(w);
                }
                if self.dist[wi] == dv + 1 {
                    self.sigma[wi] += sv;
                    self.dag.push((v as u32, w));
                }
            }
        }
    }

    /// Clears what the last search touched and starts one from `s`.
    fn reset(&mut self, s: usize) {
        for &v in &self.order {
            let v = v as usize;
            self.dist[v] = -1;
            self.sigma[v] = 0.0;
            self.delta[v] = 0.0;
        }
        self.order.clear();
        self.dist[s] = 0;
        self.sigma[s] = 1.0;
        self.order.push(s as u32);
    }

    /// Distances and shortest-path counts from `s`; `order` lists the reached nodes by distance.
    fn run(&mut self, g: &SimpleGraph, s: usize) {
        self.reset(s);
        let mut head = 0;
        while head < self.order.len() {
            let v = self.order[head] as usize;
            head += 1;
            let dv = self.dist[v];
            let sv = self.sigma[v];
            for &w in g.neighbours(v) {
                let w = w as usize;
                if self.dist[w] < 0 {
                    self.dist[w] = dv + 1;
                    self.order.push(w as u32);
                }
                if self.dist[w] == dv + 1 {
                    self.sigma[w] += sv;
                }
            }
        }
    }
}

/// Exact betweenness (Brandes 2001), normalised as networkx does by default: the sum over
/// ordered pairs divided by `(n-1)(n-2)`. Sources run in parallel; the result equals
/// `rustworkx_core::centrality::betweenness_centrality(g, false, true, _)` (see
/// [`betweenness_rustworkx`]), only faster.
pub fn betweenness(g: &SimpleGraph) -> Vec<f64> {
    let n = g.node_count();
    let (skip, folded) = folded_leaves(g);
    let parts = per_source(
        n,
        || (Bfs::new(n), vec![0.0f64; n]),
        |s, (bfs, bc)| {
            if skip[s] {
                return;
            }
            bfs.run_with_dag(g, s);
            // Dependencies flow back along the shortest-path DAG, latest edges first: an edge
            // (v, w) is recorded after every edge into v and before every edge out of w.
            for &(v, w) in bfs.dag.iter().rev() {
                let (v, w) = (v as usize, w as usize);
                bfs.delta[v] += bfs.sigma[v] / bfs.sigma[w] * (1.0 + bfs.delta[w]);
            }
            // The folded leaves of `s` see every other node through `s`: the same dependencies.
            let weight = 1.0 + folded[s] as f64;
            for &w in &bfs.order[1..] {
                bc[w as usize] += weight * bfs.delta[w as usize];
            }
            // And each of them reaches the other `r - 2` nodes only through `s`.
            if folded[s] > 0 {
                bc[s] += folded[s] as f64 * (bfs.order.len() as f64 - 2.0);
            }
        },
    );
    let mut bc = vec![0.0; n];
    for (_, part) in parts {
        for (b, p) in bc.iter_mut().zip(part) {
            *b += p;
        }
    }
    if n > 2 {
        let scale = 1.0 / ((n - 1) as f64 * (n - 2) as f64);
        for b in &mut bc {
            *b *= scale;
        }
    }
    bc
}

/// Leaves (degree 1) whose neighbour is not a leaf need no search of their own: their
/// distances and shortest paths are their neighbour's, one step longer. Returns which nodes
/// are such leaves, and how many each node has.
fn folded_leaves(g: &SimpleGraph) -> (Vec<bool>, Vec<u32>) {
    let n = g.node_count();
    let mut skip = vec![false; n];
    let mut folded = vec![0u32; n];
    for (v, skip_v) in skip.iter_mut().enumerate() {
        if g.degree(v) == 1 {
            let u = g.neighbours(v)[0] as usize;
            if g.degree(u) > 1 {
                *skip_v = true;
                folded[u] += 1;
            }
        }
    }
    (skip, folded)
}

/// Betweenness by rustworkx-core (the reference [`betweenness`] is checked against).
pub fn betweenness_rustworkx(g: &SimpleGraph) -> Vec<f64> {
    let pg = g.to_petgraph();
    rustworkx_core::centrality::betweenness_centrality(&pg, false, true, PARALLEL_THRESHOLD)
        .into_iter()
        .map(|b| b.unwrap_or(0.0))
        .collect()
}

/// Closeness centrality with the Wasserman–Faust correction (networkx's default):
/// `(r-1)/Σd · (r-1)/(n-1)` over the `r` nodes reachable from each node. Equals
/// [`closeness_rustworkx`], only faster.
pub fn closeness(g: &SimpleGraph) -> Vec<f64> {
    let n = g.node_count();
    let (skip, folded) = folded_leaves(g);
    let score = |reached: usize, total: i64| {
        if reached <= 1 || total == 0 {
            0.0
        } else {
            let r = (reached - 1) as f64;
            r / total as f64 * r / (n - 1) as f64
        }
    };
    let parts = per_source(
        n,
        || (Bfs::new(n), Vec::new()),
        |s, (bfs, out): &mut (Bfs, Vec<(usize, f64)>)| {
            if skip[s] {
                return;
            }
            bfs.run(g, s);
            let reached = bfs.order.len();
            let total: i64 = bfs.order.iter().map(|&v| bfs.dist[v as usize] as i64).sum();
            out.push((s, score(reached, total)));
            if folded[s] > 0 {
                // A folded leaf: one step further from everything but itself and `s`.
                let leaf_total = total + reached as i64 - 2;
                for &v in g.neighbours(s) {
                    if skip[v as usize] {
                        out.push((v as usize, score(reached, leaf_total)));
                    }
                }
            }
        },
    );
    let mut cl = vec![0.0; n];
    for (_, part) in parts {
        for (s, c) in part {
            cl[s] = c;
        }
    }
    cl
}

/// Closeness by rustworkx-core (the reference [`closeness`] is checked against).
pub fn closeness_rustworkx(g: &SimpleGraph) -> Vec<f64> {
    let pg = g.to_petgraph();
    rustworkx_core::centrality::closeness_centrality(&pg, true, PARALLEL_THRESHOLD)
        .into_iter()
        .map(|c| c.unwrap_or(0.0))
        .collect()
}

/// Articulation points (iterative Tarjan via petgraph).
pub fn articulation_points(g: &SimpleGraph) -> Vec<bool> {
    let pg = g.to_petgraph();
    let mut out = vec![false; g.node_count()];
    for v in petgraph::algo::articulation_points::articulation_points(&pg) {
        out[v.index()] = true;
    }
    out
}

/// Bridges, each as `(a, b)` with `a < b`, sorted.
pub fn bridges(g: &SimpleGraph) -> Vec<(usize, usize)> {
    use petgraph::visit::EdgeRef;
    let pg = g.to_petgraph();
    let mut out: Vec<(usize, usize)> = petgraph::algo::bridges::bridges(&pg)
        .map(|e| {
            let (a, b) = (e.source().index(), e.target().index());
            (a.min(b), a.max(b))
        })
        .collect();
    out.sort_unstable();
    out
}

/// A weighted graph for Louvain's levels (self-loops allowed; `w` counted per direction).
struct Weighted {
    adj: Vec<Vec<(usize, f64)>>,
    /// Self-loop weight per node (an intra-community edge of the level below, counted once).
    self_loop: Vec<f64>,
}

impl Weighted {
    fn strength(&self, v: usize) -> f64 {
        self.adj[v].iter().map(|&(_, w)| w).sum::<f64>() + 2.0 * self.self_loop[v]
    }
}

/// One Louvain pass of local moves; returns the community of each node and whether any moved.
fn local_moves(g: &Weighted, m2: f64, resolution: f64) -> (Vec<usize>, bool) {
    let n = g.adj.len();
    let k: Vec<f64> = (0..n).map(|v| g.strength(v)).collect();
    let mut comm: Vec<usize> = (0..n).collect();
    let mut tot: Vec<f64> = k.clone();
    let mut improved = false;
    let mut links: Vec<f64> = vec![0.0; n];
    let mut touched: Vec<usize> = Vec::new();
    loop {
        let mut moved = false;
        for v in 0..n {
            let cv = comm[v];
            for &(w, wt) in &g.adj[v] {
                let c = comm[w];
                if links[c] == 0.0 {
                    touched.push(c);
                }
                links[c] += wt;
            }
            tot[cv] -= k[v];
            let gain = |c: usize, l: f64| l - resolution * tot[c] * k[v] / m2;
            let mut best = cv;
            let mut best_gain = gain(cv, links[cv]);
            touched.sort_unstable();
            for &c in &touched {
                let gn = gain(c, links[c]);
                if gn > best_gain + 1e-12 {
                    best = c;
                    best_gain = gn;
                }
            }
            tot[best] += k[v];
            if best != cv {
                comm[v] = best;
                moved = true;
                improved = true;
            }
            for &c in &touched {
                links[c] = 0.0;
            }
            touched.clear();
        }
        if !moved {
            break;
        }
    }
    (comm, improved)
}

/// Deterministic Louvain: the community of every node (numbered by decreasing size) and the
/// partition's modularity.
pub fn louvain(g: &SimpleGraph, resolution: f64) -> (Vec<usize>, f64) {
    let n = g.node_count();
    if n == 0 {
        return (Vec::new(), 0.0);
    }
    let m2 = 2.0 * g.edge_count() as f64;
    let mut node_comm: Vec<usize> = (0..n).collect();
    if m2 == 0.0 {
        return (node_comm, 0.0);
    }
    let mut level = Weighted {
        adj: (0..n)
            .map(|v| g.neighbours(v).iter().map(|&w| (w as usize, 1.0)).collect())
            .collect(),
        self_loop: vec![0.0; n],
    };
    loop {
        let (comm, improved) = local_moves(&level, m2, resolution);
        if !improved {
            break;
        }
        // Compact community labels in order of first appearance.
        let mut map: BTreeMap<usize, usize> = BTreeMap::new();
        let mut label = vec![0usize; comm.len()];
        for (v, &c) in comm.iter().enumerate() {
            let next = map.len();
            label[v] = *map.entry(c).or_insert(next);
        }
        for c in node_comm.iter_mut() {
            *c = label[*c];
        }
        let k = map.len();
        let mut adj: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); k];
        let mut self_loop = vec![0.0; k];
        for v in 0..level.adj.len() {
            let cv = label[v];
            self_loop[cv] += level.self_loop[v];
            for &(w, wt) in &level.adj[v] {
                let cw = label[w];
                if cv == cw {
                    // Each internal edge is seen from both ends.
                    self_loop[cv] += wt / 2.0;
                } else {
                    *adj[cv].entry(cw).or_insert(0.0) += wt;
                }
            }
        }
        level = Weighted {
            adj: adj.into_iter().map(|m| m.into_iter().collect()).collect(),
            self_loop,
        };
    }
    let k = node_comm.iter().max().map_or(0, |m| m + 1);
    let (labels, _) = renumber_by_size(&node_comm, k);
    let q = modularity(g, &labels, resolution);
    (labels, q)
}

/// Newman modularity of a partition of a simple graph.
pub fn modularity(g: &SimpleGraph, comm: &[usize], resolution: f64) -> f64 {
    let m = g.edge_count() as f64;
    if m == 0.0 {
        return 0.0;
    }
    let k = comm.iter().max().map_or(0, |c| c + 1);
    let mut inside = vec![0.0; k];
    let mut deg = vec![0.0; k];
    for v in 0..g.node_count() {
        deg[comm[v]] += g.degree(v) as f64;
    }
    for (a, b) in g.edges() {
        if comm[a] == comm[b] {
            inside[comm[a]] += 1.0;
        }
    }
    (0..k)
        .map(|c| inside[c] / m - resolution * (deg[c] / (2.0 * m)).powi(2))
        .sum()
}

/// Every metric of one network, indexed like its nodes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Metrics {
    pub degree: Vec<usize>,
    pub pagerank: Vec<f64>,
    pub betweenness: Vec<f64>,
    pub closeness: Vec<f64>,
    pub community: Vec<usize>,
    pub modularity: f64,
    pub component: Vec<usize>,
    /// Component sizes, largest first (component `i` has `component_sizes[i]` nodes).
    pub component_sizes: Vec<usize>,
    pub articulation: Vec<bool>,
    pub bridges: Vec<(usize, usize)>,
    pub edge_count: usize,
}

/// Computes all metrics.
pub fn compute(g: &SimpleGraph) -> Metrics {
    compute_with(g, true)
}

/// Computes the metrics; without `all_pairs`, betweenness and closeness are left at zero.
pub fn compute_with(g: &SimpleGraph, all_pairs: bool) -> Metrics {
    let (component, component_sizes) = components(g);
    let (community, modularity) = louvain(g, 1.0);
    let n = g.node_count();
    Metrics {
        degree: (0..n).map(|v| g.degree(v)).collect(),
        pagerank: pagerank(g, 0.85, 1e-6, 100),
        betweenness: if all_pairs {
            betweenness(g)
        } else {
            vec![0.0; n]
        },
        closeness: if all_pairs {
            closeness(g)
        } else {
            vec![0.0; n]
        },
        community,
        modularity,
        component,
        component_sizes,
        articulation: articulation_points(g),
        bridges: bridges(g),
        edge_count: g.edge_count(),
    }
}

/// Indices of the `k` largest values, ties by lower index.
pub fn top_k(values: &[f64], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    idx.truncate(k);
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_of_three() {
        let g = SimpleGraph::from_edges(3, [(0, 1), (1, 2), (1, 0)]);
        assert_eq!(g.edge_count(), 2);
        assert_eq!(betweenness(&g), vec![0.0, 1.0, 0.0]);
        assert_eq!(articulation_points(&g), vec![false, true, false]);
        assert_eq!(bridges(&g), vec![(0, 1), (1, 2)]);
    }
}
