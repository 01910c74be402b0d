#!/usr/bin/env bash
# HTTP benchmark: the gallery queries (queries/*.rq) against `amity serve` and against
# oxigraph's own server (oxigraph-cli 0.5.x, RocksDB) on the same data, with wrk at 1 and 32
# connections. Prints req/s, p50 and p99 per query and server, and the throughput ratio
# amity/oxigraph. Not a test: run it by hand, then copy the table into bench/RESULTS.md.
#
#   bench/http.sh                 # every gallery query, 5 s per run
#   DURATION=10 bench/http.sh     # longer runs
#   QUERIES="timeline partners-since" bench/http.sh
#
# oxigraph-cli is built once into bench/.tools (about 15 minutes: RocksDB) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5}
AMITY_PORT=${AMITY_PORT:-17901}
OXI_PORT=${OXI_PORT:-17902}
WORK=$(mktemp -d)
trap 'kill ${AMITY_PID:-} ${OXI_PID:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_apt wrk wrk
need_apt python3 python3
ensure_oxigraph

cargo build --release --quiet
AMITY=target/release/amity

# The same data for both: amity's N-Quads export, loaded into a fresh oxigraph store.
"$AMITY" export --format nquads --out "$WORK/data.nq"
"$OXIGRAPH" load --location "$WORK/oxi" --file "$WORK/data.nq" >/dev/null 2>&1

# Both servers: amity with its defaults (access log to a file), oxigraph read-only with the
# union default graph, which is what amity's queries see by default.
"$AMITY" serve --bind "127.0.0.1:$AMITY_PORT" 2>"$WORK/amity.log" &
AMITY_PID=$!
"$OXIGRAPH" serve-read-only --location "$WORK/oxi" --bind "127.0.0.1:$OXI_PORT" \
  --union-default-graph 2>"$WORK/oxi.log" &
OXI_PID=$!
wait_up "http://127.0.0.1:$AMITY_PORT/health" >/dev/null
wait_up "http://127.0.0.1:$OXI_PORT/query?query=ASK%7B%7D" >/dev/null

AMITY_URL="http://127.0.0.1:$AMITY_PORT/sparql"
OXI_URL="http://127.0.0.1:$OXI_PORT/query"

cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/sparql-query"
wrk.headers["Accept"] = "application/sparql-results+json"
local f = assert(io.open(os.getenv("QUERY_FILE"), "r"))
wrk.body = f:read("*a")
f:close()
LUA

rows() { # rows in a SPARQL JSON answer, from stdin
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["results"]["bindings"]) if "results" in d else d.get("boolean"))'
}

# One wrk run: prints "req/s p50_ms p99_ms non2xx".
run_wrk() {
  local url=$1 conns=$2 file=$3 threads=1
  [ "$conns" -gt 1 ] && threads=2
  QUERY_FILE=$file wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s "$WORK/post.lua" "$url" >"$WORK/wrk.out" 2>&1 || true
  python3 - "$WORK/wrk.out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n, u = float(m.group(1)), m.group(2)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
p50 = re.search(r"\s50%\s+(\S+)", t)
p99 = re.search(r"\s99%\s+(\S+)", t)
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
if not (rps and p50 and p99):
    print("0 0 0 run-failed"); sys.exit()
print(f"{float(rps.group(1)):.0f} {ms(p50.group(1)):.2f} {ms(p99.group(1)):.2f} {bad.group(1) if bad else 0}")
PY
}

gallery_files

printf '%-34s %5s | %9s %8s %8s | %9s %8s %8s | %6s\n' query conns "amity r/s" "p50 ms" "p99 ms" "oxi r/s" "p50 ms" "p99 ms" ratio
sum_a=0; sum_o=0
for f in "${files[@]}"; do
  name=$(basename "$f" .rq)
  # Same answer from both, or the comparison means nothing.
  ra=$(curl -s -H 'Content-Type: application/sparql-query' -H 'Accept: application/sparql-results+json' --data-binary @"$f" "$AMITY_URL" | rows 2>/dev/null || echo "?")
  ro=$(curl -s -H 'Content-Type: application/sparql-query' -H 'Accept: application/sparql-results+json' --data-binary @"$f" "$OXI_URL" | rows 2>/dev/null || echo "?")
  note=""
  [ "$ra" != "$ro" ] && note="  (rows differ: amity $ra, oxigraph $ro)"
  for c in 1 32; do
    read -r a_rps a_p50 a_p99 a_bad <<<"$(run_wrk "$AMITY_URL" "$c" "$f")"
    read -r o_rps o_p50 o_p99 o_bad <<<"$(run_wrk "$OXI_URL" "$c" "$f")"
    ratio=$(python3 -c "print(f'{$a_rps/$o_rps:.2f}' if $o_rps else 'n/a')")
    extra=""
    [ "$a_bad" != "0" ] && extra="$extra amity-non2xx=$a_bad"
    [ "$o_bad" != "0" ] && extra="$extra oxigraph-non2xx=$o_bad"
    printf '%-34s %5s | %9s %8s %8s | %9s %8s %8s | %6s%s%s\n' "$name" "$c" "$a_rps" "$a_p50" "$a_p99" "$o_rps" "$o_p50" "$o_p99" "$ratio" "$extra" "$note"
    note=""
    sum_a=$((sum_a + a_rps)); sum_o=$((sum_o + o_rps))
  done
done
echo
python3 -c "print(f'total requests/s over all runs: amity {$sum_a}, oxigraph {$sum_o}, ratio {$sum_a/max($sum_o,1):.2f}')"
machine_line
