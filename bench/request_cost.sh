#!/usr/bin/env bash
# What one request costs amity beyond the engine, in instructions (callgrind counts repeat
# exactly, whatever else the machine is doing). For each gallery query named (default:
# project-progress), runs examples/request_cost under callgrind at two request counts, for
# amity's whole router and for oxigraph's bare evaluation, on the default data, and prints
# instructions per request and the ratio. Kernel work (sockets, thread wake-ups) is not
# counted. Not a test; about two minutes per query.
#
#   bench/request_cost.sh
#   bench/request_cost.sh timeline partners-since
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_apt valgrind valgrind

cargo build --release --quiet --example request_cost --bin amity
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
target/release/amity export --format nquads --out "$WORK/data.nq" 2>/dev/null

LOW=20 HIGH=120
count() { # side query n -> instructions of the whole run
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" \
    target/release/examples/request_cost "$WORK/data.nq" "$2" "$3" "$1" >/dev/null 2>&1
  sed -n 's/^summary: //p' "$WORK/cg.out"
}
echo "| query | amity instructions per request | oxigraph | amity/oxigraph |"
echo "|---|---:|---:|---:|"
for name in "${@:-project-progress}"; do
  q=queries/$name.rq
  a=$(( ($(count amity "$q" $HIGH) - $(count amity "$q" $LOW)) / (HIGH - LOW) ))
  o=$(( ($(count oxigraph "$q" $HIGH) - $(count oxigraph "$q" $LOW)) / (HIGH - LOW) ))
  python3 -c "import sys; a, o = int(sys.argv[2]), int(sys.argv[3]); print(f'| {sys.argv[1]} | {a:,} | {o:,} | {a/o:.3f}× |')" "$name" "$a" "$o"
done
