#!/usr/bin/env bash
# Soak test (not a test of the suite): `amity serve` (release build, real data) under 60 s of
# 50 connections mixing gallery queries, deadline-bound heavy queries, malformed and oversized
# requests and slow clients (bench/soak.py). Prints non-2xx by kind, socket errors, p50/p99 of
# the good requests and peak RSS; exits non-zero if the server died or a good request failed.
#
#   bench/soak.sh                    # 60 s, 50 connections
#   SECONDS_=120 CONNECTIONS=100 bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${SECONDS_:-60}
CONNECTIONS=${CONNECTIONS:-50}
PORT=${PORT:-17911}
WORK=$(mktemp -d)
trap 'kill ${AMITY_PID:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_apt python3 python3

cargo build --release --quiet
# A short deadline, so heavy queries free their slot within a second; four slots, so the two
# heavy connections can never hold them all.
target/release/amity serve --bind "127.0.0.1:$PORT" --timeout 1 --max-concurrent 4 \
  --queue-wait 5 --header-timeout 5 2>"$WORK/amity.log" &
AMITY_PID=$!
echo "amity up after $(wait_up "http://127.0.0.1:$PORT/health") s"
python3 bench/soak.py "http://127.0.0.1:$PORT" "$AMITY_PID" "$DURATION" "$CONNECTIONS"
