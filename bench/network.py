#!/usr/bin/env python3
"""Network metrics: amity (Rust) against networkx on the same edge list.

Usage: python3 bench/network.py [EDGES.tsv] [--repeat N] [--closeness]

Default edge list: data/wikidata/relations.tsv (the Wikidata P190 twin network, 2016 crawl).
Both sides read the same directed lines as an undirected simple graph (duplicates and the two
directions of a pair merged). amity's timings come from
`cargo run --release --example bench_network`, networkx's from this process. Prints the time
of PageRank, exact betweenness and communities (amity: deterministic Louvain; networkx:
louvain_communities with seed 42) on each side, the ratios, and whether the top-10 lists agree.
"""

import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure(module, pip_name=None):
    try:
        return __import__(module)
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", pip_name or module])
        return __import__(module)


def best(repeat, f):
    """Best wall-clock and CPU time over `repeat` runs (CPU time is fair on a busy machine:
    networkx runs on one thread)."""
    out, wall, cpu = None, float("inf"), float("inf")
    for _ in range(max(1, repeat)):
        t, c = time.perf_counter(), time.process_time()
        out = f()
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return (wall, cpu), out


def top10(scores):
    # Highest first; ties by first appearance in the edge list (as amity breaks them).
    order = {n: i for i, n in enumerate(scores)}
    return [n for n, _ in sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))[:10]]


def main():
    args = sys.argv[1:]
    repeat = 3
    closeness = "--closeness" in args
    args = [a for a in args if a != "--closeness"]
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i : i + 2]
    edges_path = args[0] if args else os.path.join(ROOT, "data", "wikidata", "relations.tsv")

    nx = ensure("networkx")
    ensure("numpy")
    ensure("scipy")

    print(f"edge list: {edges_path}", flush=True)
    print("building amity (release)...", flush=True)
    subprocess.check_call(
        ["cargo", "build", "--release", "--quiet", "--example", "bench_network"], cwd=ROOT
    )
    g = nx.Graph()
    with open(edges_path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                a, b = line.split("\t")
                g.add_edge(a, b)
    print(f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges; "
          f"load average {os.getloadavg()}", flush=True)

    nx_t, nx_cpu = {}, {}
    (nx_t["pagerank"], nx_cpu["pagerank"]), pr = best(repeat, lambda: nx.pagerank(g, alpha=0.85))
    print(f"networkx pagerank: {nx_t['pagerank']:.3f}s", flush=True)
    (nx_t["communities"], nx_cpu["communities"]), comms = best(
        repeat, lambda: nx.community.louvain_communities(g, seed=42))
    print(f"networkx louvain: {nx_t['communities']:.3f}s", flush=True)
    (nx_t["betweenness"], nx_cpu["betweenness"]), bc = best(1, lambda: nx.betweenness_centrality(g))
    print(f"networkx betweenness (one run): {nx_t['betweenness']:.1f}s "
          f"({nx_cpu['betweenness']:.1f}s CPU)", flush=True)
    cl = None
    if closeness:
        (nx_t["closeness"], nx_cpu["closeness"]), cl = best(1, lambda: nx.closeness_centrality(g))
        print(f"networkx closeness (one run): {nx_t['closeness']:.1f}s", flush=True)

    # amity runs after networkx, so a compile or another job slowing one side shows in the
    # load averages printed with each run.
    print("running amity (release)...", flush=True)
    run = subprocess.run(
        ["cargo", "run", "--release", "--quiet", "--example", "bench_network", "--",
         edges_path, "--repeat", str(repeat)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    am = json.loads(run.stdout)
    am_t, am_cpu = am["seconds"], am["cpu_seconds"]
    print(f"load average now: {os.getloadavg()}")

    keys = ["pagerank", "betweenness", "communities"] + (["closeness"] if closeness else [])
    for label, a, b in [("wall clock", nx_t, am_t), ("CPU time", nx_cpu, am_cpu)]:
        print()
        print(f"{label}: {'metric':<14}{'networkx s':>12}{'amity s':>12}{'ratio':>10}")
        for k in keys:
            print(f"{'':>{len(label) + 2}}{k:<14}{a[k]:>12.4f}{b[k]:>12.4f}{a[k] / b[k]:>9.0f}x")
        three = ["pagerank", "betweenness", "communities"]
        sa, sb = sum(a[k] for k in three), sum(b[k] for k in three)
        print(f"{'':>{len(label) + 2}}{'all three':<14}{sa:>12.4f}{sb:>12.4f}{sa / sb:>9.0f}x")
    print(f"(amity on {am['threads']} threads; target: all three >= 300x faster)")
    print()
    for name, scores in [("pagerank", pr), ("betweenness", bc)] + ([("closeness", cl)] if cl else []):
        a, n = am["top10"][name], top10(scores)
        same = "same list" if a == n else ("same set, order differs" if set(a) == set(n) else "DIFFERENT")
        print(f"top-10 {name}: {same}")
        print(f"  amity   : {' '.join(a)}")
        print(f"  networkx: {' '.join(n)}")
    assert (g.number_of_nodes(), g.number_of_edges()) == (am["nodes"], am["edges"])
    sizes = sorted((len(c) for c in comms), reverse=True)
    q = nx.community.modularity(g, comms)
    print(f"communities: amity {am['communities']['count']} (modularity "
          f"{am['communities']['modularity']:.4f}, largest {am['communities']['largest']}); "
          f"networkx {len(comms)} (modularity {q:.4f}, largest {sizes[:10]})")


if __name__ == "__main__":
    main()
