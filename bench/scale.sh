#!/usr/bin/env bash
# Scale benchmark: amity against the engine it stands on, on synthetic data of growing size.
# Not a test and not in CI; run it by hand on a quiet machine and copy the table it prints into
# bench/RESULTS.md (it also writes bench/.out/scale-<date>.md).
#
#   bench/scale.sh                  # scales 1 and 10 (≈ 1 M and 10 M triples)
#   SCALES="1" bench/scale.sh       # only scale 1
#   REPEAT=50 bench/scale.sh        # requests per gallery query and server (default 30)
#   QUERIES="timeline partners-since" bench/scale.sh   # only these gallery queries
#
# For each scale it measures, in this one script, so ratios compare like with like:
#   load     amity's CSV → store (in memory, and RocksDB) against `oxigraph load` of amity's own
#            N-Quads export of the same data (RocksDB), as triples/s and the ratio;
#   query    each gallery query's median and p99 latency, amity's server and oxigraph's server
#            on the same store, sequential requests alternating between the two;
#   network  the summary computation (graph view + metrics) time;
#   start-up from `amity serve --store DIR` on a built store to its first answered query;
#   RSS      peak resident memory of each command (/usr/bin/time -v), and of each server over
#            the gallery queries (VmHWM from /proc).
set -euo pipefail
cd "$(dirname "$0")/.."

SCALES=${SCALES:-"1 10"}
REPEAT=${REPEAT:-30}
SEED=${SEED:-1}
CACHE=bench/.data
OUT=bench/.out
mkdir -p "$CACHE" "$OUT"
WORK=$(mktemp -d)
trap 'kill ${PIDS:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_apt curl curl
[ -x /usr/bin/time ] || need_apt /usr/bin/time time
dpkg -s libclang-dev >/dev/null 2>&1 || need_apt clang libclang-dev # amity's RocksDB build
ensure_oxigraph
cargo build --release --features rocksdb --quiet
AMITY=target/release/amity

# Runs a command under /usr/bin/time -v; prints "seconds peak_rss_mib".
timed() {
  local log=$WORK/time.log
  /usr/bin/time -v "$@" >"$WORK/cmd.out" 2>"$log" || { cat "$log" >&2; exit 1; }
  python3 - "$log" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
h, m, s = wall.groups()
secs = (int(h or 0) * 3600) + int(m) * 60 + float(s)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
print(f"{secs:.2f} {rss:.0f}")
PY
}

REPORT=$OUT/scale-$(date -u +%Y%m%d-%H%M).md
{
  machine_line
  echo
} >"$REPORT"

for S in $SCALES; do
  DATA=$CACHE/gen-$S-seed$SEED
  if [ ! -f "$DATA/ties.csv" ]; then
    rm -rf "$DATA"
    "$AMITY" generate --scale "$S" --seed "$SEED" --out "$DATA" >/dev/null 2>&1
  fi
  echo "== scale $S ($DATA)" >&2

  # Load: amity in memory, amity RocksDB, oxigraph RocksDB from amity's N-Quads export.
  read -r mem_s mem_rss <<<"$(timed "$AMITY" load --data "$DATA")"
  quads=$(sed -n 's/.* as \([0-9]*\) quads.*/\1/p' "$WORK/time.log")
  rm -rf "$WORK/amity-$S"
  read -r disk_s disk_rss <<<"$(timed "$AMITY" load --data "$DATA" --store "$WORK/amity-$S")"
  "$AMITY" export --format nquads --data "$DATA" --out "$WORK/$S.nq"
  rm -rf "$WORK/oxi-$S"
  read -r oxi_s oxi_rss <<<"$(timed "$OXIGRAPH" load --location "$WORK/oxi-$S" --file "$WORK/$S.nq")"
  rm -f "$WORK/$S.nq"

  # Network summary (graph view and every metric) on the built store.
  read -r net_s net_rss <<<"$(timed "$AMITY" summary --json --store "$WORK/amity-$S")"

  # Start-up: serve on the built RocksDB store until the first answered query.
  port_a=$((18000 + RANDOM % 1000)); port_o=$((port_a + 1000))
  # oxigraph's server has no deadline, row cap or memory budget: lift amity's too, so both
  # do the same work (a capped answer would be cheaper).
  "$AMITY" serve --store "$WORK/amity-$S" --bind "127.0.0.1:$port_a" --timeout 3600 \
    --max-rows 1000000000 --max-query-memory 0 2>"$WORK/amity-serve.log" &
  PIDS="$!"
  startup=$(wait_up "http://127.0.0.1:$port_a/sparql?query=ASK%7B%7D")
  "$OXIGRAPH" serve-read-only --location "$WORK/oxi-$S" --bind "127.0.0.1:$port_o" --union-default-graph 2>"$WORK/oxi-serve.log" &
  PIDS="$PIDS $!"
  oxi_startup=$(wait_up "http://127.0.0.1:$port_o/query?query=ASK%7B%7D")
  # amity counts the store for VoID and /health in the background after start; time the
  # gallery on an idle server, as oxigraph's is, and say how long that count took.
  python3 - "$port_a" <<'PY' >&2
import json, sys, time, urllib.request
t0 = time.perf_counter()
while True:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health", timeout=30) as r:
        if json.load(r).get("stats_current"):
            break
    if time.perf_counter() - t0 > 600:
        sys.exit("amity's background count did not end within 600 s (see its log)")
    time.sleep(0.05)
print(f"amity's background count (VoID, /health) ended {time.perf_counter() - t0:.1f} s after the first answer")
PY

  # Gallery queries, sequential, alternating between the servers.
  gallery_files
  python3 - "$port_a" "$port_o" "$REPEAT" "${files[@]}" >"$WORK/q.txt" <<'PY'
import sys, time, urllib.request, statistics
pa, po, n, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
def ask(url, body):
    req = urllib.request.Request(url, data=body, headers={
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=1800) as r:
        r.read()
    return (time.perf_counter() - t0) * 1000
def p99(v):
    v = sorted(v); return v[min(len(v) - 1, int(round(0.99 * (len(v) - 1))))]
sum_a = sum_o = 0.0
for f in files:
    body = open(f, "rb").read()
    ask(f"http://127.0.0.1:{pa}/sparql", body); ask(f"http://127.0.0.1:{po}/query", body)
    ta, to = [], []
    for _ in range(n):
        ta.append(ask(f"http://127.0.0.1:{pa}/sparql", body))
        to.append(ask(f"http://127.0.0.1:{po}/query", body))
    name = f.split("/")[-1][:-3]
    ma, mo = statistics.median(ta), statistics.median(to)
    sum_a += ma; sum_o += mo
    line = f"| {name} | {ma:.2f} | {p99(ta):.2f} | {mo:.2f} | {p99(to):.2f} | {ma/mo:.2f} |"
    print(line, flush=True)
    print(line, file=sys.stderr, flush=True)
print(f"| **all gallery queries (sum of medians)** | {sum_a:.2f} | | {sum_o:.2f} | | {sum_a/sum_o:.2f} |")
PY
  # Peak RSS of each server over start-up and every gallery query (the kernel's high-water mark).
  hwm() { awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }
  read -r pid_a pid_o <<<"$PIDS"
  serve_rss=$(hwm "$pid_a" || true); oxi_serve_rss=$(hwm "$pid_o" || true)
  echo "peak RSS while serving: amity ${serve_rss:-?} MiB, oxigraph ${oxi_serve_rss:-?} MiB" >&2
  kill $PIDS 2>/dev/null || true; wait 2>/dev/null || true; PIDS=""

  python3 - "$S" "$quads" "$mem_s" "$mem_rss" "$disk_s" "$disk_rss" "$oxi_s" "$oxi_rss" "$net_s" "$net_rss" "$startup" "$oxi_startup" "${serve_rss:-?}" "${oxi_serve_rss:-?}" >>"$REPORT" <<'PY'
import sys
s, q, mem, mrss, disk, drss, oxi, orss, net, nrss, up, oup, srss, osrss = sys.argv[1:]
q = int(q); mem, disk, oxi = float(mem), float(disk), float(oxi)
print(f"### scale {s}: {q:,} quads\n")
print("| step | time s | triples/s | peak RSS MiB | vs oxigraph load |")
print("|---|---:|---:|---:|---:|")
print(f"| amity load, in memory | {mem:.1f} | {q/mem:,.0f} | {mrss} | {oxi/mem:.2f}× |")
print(f"| amity load, RocksDB | {disk:.1f} | {q/disk:,.0f} | {drss} | {oxi/disk:.2f}× |")
print(f"| oxigraph load (N-Quads export), RocksDB | {oxi:.1f} | {q/oxi:,.0f} | {orss} | 1.00× |")
print(f"| amity summary (network view + metrics) | {float(net):.1f} | | {nrss} | |")
print(f"| amity serve → first answer (built store) | {float(up):.3f} | | | oxigraph: {float(oup):.3f} s |")
print(f"| amity serve, over the gallery queries | | | {srss} | oxigraph serve-read-only: {osrss} MiB |")
print()
print("| gallery query | amity median ms | amity p99 ms | oxigraph median ms | oxigraph p99 ms | amity/oxigraph (median) |")
print("|---|---:|---:|---:|---:|---:|")
PY
  cat "$WORK/q.txt" >>"$REPORT"
  echo >>"$REPORT"
  rm -rf "$WORK/amity-$S" "$WORK/oxi-$S"
done

cat "$REPORT"
echo "(written to $REPORT)" >&2
