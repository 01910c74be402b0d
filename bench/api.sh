#!/usr/bin/env bash
# Network API benchmark, before and after in one run: the same measurements on two amity
# binaries serving the same data/, one after the other.
#   1. /api/places/Q649 (a Wikidata place): the first request after start and the median of
#      the next ten;
#   2. six /api/places/Q649 at once, and /queries/partners-since timed meanwhile against
#      partners-since alone (the slow-down ratio a burst of place pages causes).
# Prints one table row per binary and the before/after ratios. Not a test.
#
#   BEFORE=/path/to/old/amity AFTER=target/release/amity bench/api.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BEFORE=${BEFORE:?set BEFORE to the amity binary to compare against}
AFTER=${AFTER:-target/release/amity}
PORT=${PORT:-17911}
WORK=$(mktemp -d)
trap 'kill ${PID:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_apt python3 python3

measure() { # BINARY: prints "first_ms warm_ms burst_place_ms alone_ms during_ms"
  "$1" serve --bind "127.0.0.1:$PORT" --data data --queries queries 2>"$WORK/log" &
  PID=$!
  wait_up "http://127.0.0.1:$PORT/health" >/dev/null
  python3 - "http://127.0.0.1:$PORT" <<'PY'
import statistics, sys, threading, time, urllib.request
base = sys.argv[1]
def get(path):
    t = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=600) as r:
        r.read()
        assert r.status == 200, (path, r.status)
    return (time.perf_counter() - t) * 1000
first = get("/api/places/Q649")
warm = statistics.median(get("/api/places/Q649") for _ in range(10))
alone = statistics.median(get("/queries/partners-since") for _ in range(10))
burst, during = [], []
def place():
    burst.append(get("/api/places/Q649"))
threads = [threading.Thread(target=place) for _ in range(6)]
for t in threads: t.start()
while any(t.is_alive() for t in threads):
    during.append(get("/queries/partners-since"))
for t in threads: t.join()
print(f"{first:.1f} {warm:.1f} {statistics.median(burst):.1f} {alone:.2f} {statistics.median(during):.2f}")
PY
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}

read -r b_first b_warm b_burst b_alone b_during <<<"$(measure "$BEFORE")"
read -r a_first a_warm a_burst a_alone a_during <<<"$(measure "$AFTER")"
printf '%-7s | %14s %13s %19s | %16s %17s %9s\n' build "Q649 first ms" "Q649 warm ms" "6 at once, each ms" "partners alone ms" "during burst ms" slow-down
for side in before after; do
  if [ $side = before ]; then f=$b_first w=$b_warm b=$b_burst al=$b_alone du=$b_during; else f=$a_first w=$a_warm b=$a_burst al=$a_alone du=$a_during; fi
  printf '%-7s | %14s %13s %19s | %16s %17s %8sx\n' $side "$f" "$w" "$b" "$al" "$du" "$(python3 -c "print(f'{$du/$al:.1f}')")"
done
python3 -c "print(f'after/before: first {$a_first/$b_first:.4f}, warm {$a_warm/$b_warm:.4f}, burst {$a_burst/$b_burst:.4f}')"
machine_line
