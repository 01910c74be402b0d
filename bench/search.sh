#!/usr/bin/env bash
# Text search benchmark: index build time as a share of the load, and /api/search latency,
# against the peer a user has without the index (a SPARQL FILTER(CONTAINS()) over every label,
# on the same server in the same run). Not a test.
#
#   bench/search.sh              # the shipped data/ (the seed report + Wikidata network)
#   SCALE=10 bench/search.sh     # synthetic data of that scale (≈ 10 M triples), cached in bench/.data
#   REPEAT=200 bench/search.sh   # requests in all (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${SCALE:-}
REPEAT=${REPEAT:-300}
PORT=${PORT:-17921}
WORK=$(mktemp -d)
trap 'kill ${PID:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_apt python3 python3
cargo build --release --quiet
AMITY=target/release/amity

DATA=data
if [ -n "$SCALE" ]; then
  DATA=bench/.data/scale-$SCALE
  [ -f "$DATA/reports.csv" ] || "$AMITY" generate --scale "$SCALE" --out "$DATA"
fi

t0=$(date +%s.%N)
RUST_LOG=info "$AMITY" serve --bind "127.0.0.1:$PORT" --data "$DATA" --timeout 120 2>"$WORK/log" &
PID=$!
wait_up "http://127.0.0.1:$PORT/health" >/dev/null
t_up=$(python3 -c "print($(date +%s.%N) - $t0)")
# The index is built in the background right after the load; wait for it.
for _ in $(seq 1 1200); do
  grep -q "text index ready" "$WORK/log" && break
  sleep 0.5
done
build_ms=$(grep -o 'text index ready.*' "$WORK/log" | head -1 | grep -o 'ms=[0-9]*' | cut -d= -f2)
docs=$(grep -o 'text index ready.*' "$WORK/log" | head -1 | grep -o 'documents=[0-9]*' | cut -d= -f2)

python3 - "http://127.0.0.1:$PORT" "$REPEAT" "$DATA" "$t_up" "$build_ms" "$docs" <<'PY'
import csv, json, random, statistics, sys, time, urllib.parse, urllib.request
base, repeat, data, t_up, build_ms, docs = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
# Queries: place names from the data in both languages, their prefixes (as typed), and
# phrases from passages.
places = list(csv.DictReader(open(f"{data}/places.csv", encoding="utf-8")))
passages = list(csv.DictReader(open(f"{data}/passages.csv", encoding="utf-8")))
rnd = random.Random(1)
queries = []
for p in rnd.sample(places, min(40, len(places))):
    queries += [p["name_zh"], p["name_en"], p["name_en"][:4]]
for s in rnd.sample(passages, min(20, len(passages))):
    t = s["text"]
    i = rnd.randrange(max(1, len(t) - 6))
    queries.append(t[i:i + 6])
queries = [q for q in queries if q.strip()]
def get(url):
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=300) as r:
        body = r.read()
    return (time.perf_counter() - t) * 1000, body
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
search, contains, found, slowest = [], [], 0, {}
for i in range(repeat):
    q = queries[i % len(queries)]
    ms, body = get(f"{base}/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10}))
    search.append(ms)
    slowest[q] = max(ms, slowest.get(q, 0))
    found += bool(json.loads(body)["results"])
peer_n = min(repeat, 30)
for i in range(peer_n):
    q = queries[i % len(queries)].replace("\\", "").replace('"', "")
    sparql = ('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?l WHERE { ?s rdfs:label ?l '
              f'FILTER(CONTAINS(LCASE(STR(?l)), LCASE("{q}"))) }} LIMIT 10')
    ms, _ = get(f"{base}/sparql?" + urllib.parse.urlencode({"query": sparql}))
    contains.append(ms)
load_s = t_up
print(f"data: {data}; text index: {docs} documents, built in {build_ms:.0f} ms after a load+start of {load_s:.1f} s "
      f"(index build = {build_ms / 1000 / load_s * 100:.1f} % of the load)")
print(f"/api/search over {repeat} requests ({len(set(queries))} distinct queries, {found} with results): "
      f"p50 {statistics.median(search):.2f} ms, p99 {pct(search, 99):.2f} ms")
print(f"peer, FILTER(CONTAINS()) over labels by SPARQL, {peer_n} requests: p50 {statistics.median(contains):.2f} ms, "
      f"p99 {pct(contains, 99):.2f} ms")
print("slowest queries: " + ", ".join(f"{q!r} {ms:.1f} ms" for q, ms in sorted(slowest.items(), key=lambda x: -x[1])[:5]))
print(f"ratio search/peer (p50): {statistics.median(search) / statistics.median(contains):.3f}")
PY
machine_line
