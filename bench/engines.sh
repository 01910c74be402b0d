#!/usr/bin/env bash
# amity against Virtuoso 7 on the same data, side by side in one run: both servers started here
# on loopback (Virtuoso from Debian's package under a temporary folder, loaded by `amity push`),
# then every gallery question at its defaults sent to both as the same text (`--print-query`),
# alternating, RUNS times each; prints per-question medians, the ratio amity/Virtuoso, the sums,
# start-up to the first answer and peak RSS (VmHWM). Not a test: run it by hand.
#
#   bench/engines.sh                     # the shipped data, release build
#   RUNS=11 bench/engines.sh
#   DATA=bench/.data/scale1 bench/engines.sh   # generated data (amity generate --scale 1 --out …)
#   HOME_CITY=place/xxx bench/engines.sh       # bind `home` to the data's busiest home city
#   GALLERY=DIR bench/engines.sh               # the questions of DIR/*.rq instead of queries/;
#                                              # a NAME@before.rq is timed but left out of the sums
#                                              # (an old text beside its rewrite, same run)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
A_PORT=${A_PORT:-17961}
V_SQL=${V_SQL:-21411}
V_HTTP=${V_HTTP:-28961}
WORK=$(mktemp -d)
trap 'kill ${V_PID:-} ${A_PID:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_apt virtuoso-t virtuoso-opensource
if [ -z "${AMITY:-}" ]; then
  cargo build --release --quiet --bin amity
  AMITY=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  triple=${CARGO_BUILD_TARGET:-}
  AMITY=$AMITY/${triple:+$triple/}release/amity
fi
data_flag=()
[ -n "${DATA:-}" ] && data_flag=(--data "$DATA")

python3 - "$WORK" "$V_SQL" "$V_HTTP" <<'PY'
import re, sys
work, sql, http = sys.argv[1:]
s = open("/etc/virtuoso-opensource-7/virtuoso.ini").read()
out = []
for sec in re.split(r"(?m)^(?=\[)", s):
    name = sec.split("]", 1)[0].lstrip("[") if sec.startswith("[") else ""
    prefix = {"Database": "v", "TempDatabase": "t"}.get(name)
    if prefix:
        for key, ext in [("DatabaseFile", "db"), ("ErrorLogFile", "log"), ("LockFile", "lck"),
                         ("TransactionFile", "trx"), ("xa_persistent_file", "pxa")]:
            sec = re.sub(rf"(?m)^{key}\s*=.*$", f"{key} = {work}/{prefix}.{ext}", sec)
    if name == "Parameters":
        sec = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = {sql}", sec)
        sec = re.sub(r"(?m)^DirsAllowed\s*=(.*)$", rf"DirsAllowed = \1, {work}", sec)
    if name == "HTTPServer":
        sec = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{http}", sec)
    out.append(sec)
open(f"{work}/virtuoso.ini", "w").write("".join(out))
PY
virtuoso-t +configfile "$WORK/virtuoso.ini" +foreground >"$WORK/virtuoso.out" 2>&1 &
V_PID=$!
V=http://127.0.0.1:$V_HTTP
v_up=$(wait_up "$V/sparql?query=ASK%7B%7D")
"$AMITY" serve "${data_flag[@]}" --bind "127.0.0.1:$A_PORT" 2>"$WORK/amity.log" &
A_PID=$!
a_up=$(wait_up "http://127.0.0.1:$A_PORT/health")
t0=$(date +%s.%N)
"$AMITY" push "${data_flag[@]}" --to "$V/sparql-graph-crud-auth" --sparql "$V/sparql" --user dba --password dba | tail -1
push_s=$(python3 -c "import time; print(f'{time.time() - $t0:.1f}')")
# Wait for amity's network metrics, so the timed answers do not compete with them.
until curl -s "http://127.0.0.1:$A_PORT/health" | grep -q '"metrics_ready":true'; do sleep 0.2; done

params=()
[ -n "${HOME_CITY:-}" ] && params=(--param "home=$HOME_CITY")
mkdir -p "$WORK/q"
for f in "${GALLERY:-queries}"/*.rq; do
  q=$(basename "$f" .rq)
  p=()
  grep -q '^# param: home ' "$f" && p=("${params[@]}")
  "$AMITY" query "$f" "${data_flag[@]}" "${p[@]}" --print-query >"$WORK/q/$q.rq" 2>/dev/null
done

python3 - "$WORK/q" "$RUNS" "http://127.0.0.1:$A_PORT/sparql" "$V/sparql" "$A_PID" "$V_PID" "$v_up" "$a_up" "$push_s" <<'PY'
import os, statistics, sys, time, urllib.parse, urllib.request
qdir, runs, amity, virt, apid, vpid, v_up, a_up, push_s = sys.argv[1:]
runs = int(runs)
def ask(url, text):
    body = urllib.parse.urlencode({"query": text}).encode()
    req = urllib.request.Request(url, body, {"Accept": "application/sparql-results+json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as r:
        r.read()
    return time.perf_counter() - t
def hwm(pid):
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmHWM"):
            return int(l.split()[1]) // 1024
print(f"{'question':42} {'amity ms':>9} {'virtuoso ms':>12} {'ratio':>6}")
sa = sv = 0.0
slower = []
for name in sorted(os.listdir(qdir)):
    text = open(os.path.join(qdir, name)).read()
    ask(amity, text); ask(virt, text)  # one warm-up each
    ta, tv = [], []
    for i in range(runs):
        pair = [(amity, ta), (virt, tv)] if i % 2 == 0 else [(virt, tv), (amity, ta)]
        for url, out in pair:
            out.append(ask(url, text))
    ma, mv = statistics.median(ta) * 1000, statistics.median(tv) * 1000
    if not name.endswith("@before.rq"):
        sa += ma; sv += mv
        if ma > mv:
            slower.append(name[:-3])
    print(f"{name[:-3]:42} {ma:9.2f} {mv:12.2f} {ma / mv:6.2f}")
print(f"{'sum':42} {sa:9.2f} {sv:12.2f} {sa / sv:6.2f}")
print(f"amity slower on {len(slower)}: {', '.join(slower) or 'none'}")
print(f"start-up to first answer: amity {a_up} s, virtuoso {v_up} s (empty); push into virtuoso {push_s} s")
print(f"peak RSS: amity {hwm(apid)} MiB, virtuoso {hwm(vpid)} MiB")
PY
machine_line
