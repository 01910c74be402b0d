#!/usr/bin/env bash
# The gallery on another engine: starts OpenLink Virtuoso 7 (Debian's package) on loopback with
# its own config under a temporary folder, writes amity's store into it with `amity push`
# (Graph Store Protocol, digest authentication), then runs every gallery question (at its
# defaults, and with each parameter's `e.g.` value) on the embedded store and, with
# `amity query --endpoint`, on Virtuoso, and compares the sorted rows. With OXIGRAPH=1 oxigraph's
# own server (bench/.tools: the PyPI wheel, see bench/lib.sh) is compared too, RocksDB and in memory.
# Prints one line per question and engine. Cases listed in bench/interop-known.txt are known
# to differ on Virtuoso (or, prefixed `oxigraph: `, on oxigraph's server); exits 1 when another
# case differs or a listed one agrees (so the list stays true), STRICT=0: always 0. .ci/run runs it.
#
#   bench/interop.sh                  # amity against Virtuoso
#   OXIGRAPH=1 bench/interop.sh       # and oxigraph's server
#   AMITY=target/release/amity bench/interop.sh
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=$(mktemp -d)
V_SQL=${V_SQL:-21311}
V_HTTP=${V_HTTP:-28991}
O_PORT=${O_PORT:-17931}
M_PORT=${M_PORT:-17932}
trap 'kill ${V_PID:-} ${O_PID:-} ${M_PID:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_apt virtuoso-t virtuoso-opensource
need_apt python3 python3
if [ -z "${AMITY:-}" ]; then
  cargo build --quiet --bin amity
  AMITY=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  triple=${CARGO_BUILD_TARGET:-}
  AMITY=$AMITY/${triple:+$triple/}debug/amity
fi

# Virtuoso's packaged config, its files, ports and allowed folders moved into $WORK.
python3 - "$WORK" "$V_SQL" "$V_HTTP" <<'PY'
import re, sys
work, sql, http = sys.argv[1:]
s = open("/etc/virtuoso-opensource-7/virtuoso.ini").read()
sections = re.split(r"(?m)^(?=\[)", s)
out = []
for sec in sections:
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
t0=$(date +%s.%N)
virtuoso-t +configfile "$WORK/virtuoso.ini" +foreground >"$WORK/virtuoso.out" 2>&1 &
V_PID=$!
V=http://127.0.0.1:$V_HTTP
echo "virtuoso up in $(wait_up "$V/sparql?query=ASK%7B%7D") s"
"$AMITY" push --to "$V/sparql-graph-crud-auth" --sparql "$V/sparql" --user dba --password dba

endpoints=("virtuoso $V/sparql")
if [ "${OXIGRAPH:-0}" = 1 ]; then
  ensure_oxigraph
  "$AMITY" export --format nquads --out "$WORK/data.nq"
  "$OXIGRAPH" load --location "$WORK/oxi" --file "$WORK/data.nq" >/dev/null 2>&1
  "$OXIGRAPH" serve-read-only --location "$WORK/oxi" --bind "127.0.0.1:$O_PORT" \
    --union-default-graph 2>"$WORK/oxi.log" &
  O_PID=$!
  wait_up "http://127.0.0.1:$O_PORT/query?query=ASK%7B%7D" >/dev/null
  endpoints+=("oxigraph-rocksdb http://127.0.0.1:$O_PORT/query")
  # And its in-memory store (serve without --location), loaded over its Graph Store Protocol.
  "$OXIGRAPH" serve --bind "127.0.0.1:$M_PORT" --union-default-graph 2>"$WORK/oxim.log" &
  M_PID=$!
  wait_up "http://127.0.0.1:$M_PORT/query?query=ASK%7B%7D" >/dev/null
  curl -sf -X POST -H 'Content-Type: application/n-quads' --data-binary "@$WORK/data.nq" \
    "http://127.0.0.1:$M_PORT/store" >/dev/null
  endpoints+=("oxigraph-memory http://127.0.0.1:$M_PORT/query")
fi

# Each question at its defaults, then with each parameter's example value.
cases=()
for f in queries/*.rq; do
  q=$(basename "$f" .rq)
  cases+=("$q")
  while read -r name value; do
    cases+=("$q --param $name=$value")
  done < <(sed -n 's/^# param: \([a-z_]*\) [a-z]* .*e\.g\. \([^ ),]*\).*/\1 \2/p' "$f")
done

rows() { { IFS= read -r h; echo "$h"; sort; } ; }
# known ENGINE CASE: whether bench/interop-known.txt lists CASE for ENGINE (a bare line is
# Virtuoso's, `oxigraph: CASE` one of oxigraph's server, RocksDB and in memory alike).
known() {
  # `flaky: CASE` (Virtuoso gives the same rows in one run and others in the next) counts either way.
  grep -qxF -- "flaky: $2" bench/interop-known.txt && return 0
  case $1 in
    virtuoso) grep -qxF -- "$2" <(grep -v -e '^#' -e '^[a-z]*: ' bench/interop-known.txt) ;;
    *) grep -qxF -- "${1%%-*}: $2" bench/interop-known.txt ;;
  esac
}
same=0
differ=0
unexpected=0
for c in "${cases[@]}"; do
  # shellcheck disable=SC2086
  "$AMITY" query $c --format tsv 2>"$WORK/err" | rows >"$WORK/a.tsv" || true
  for e in "${endpoints[@]}"; do
    engine=${e%% *}
    url=${e#* }
    # shellcheck disable=SC2086
    "$AMITY" query $c --format tsv --endpoint "$url" 2>"$WORK/err" | rows >"$WORK/b.tsv" || true
    na=$(($(wc -l <"$WORK/a.tsv") - 1))
    nb=$(($(wc -l <"$WORK/b.tsv") - 1))
    if cmp -s "$WORK/a.tsv" "$WORK/b.tsv"; then
      same=$((same + 1))
      printf 'same    %-17s %-55s %5d rows\n' "$engine" "$c" "$na"
      if known "$engine" "$c" && ! grep -qxF -- "flaky: $c" bench/interop-known.txt; then
        unexpected=$((unexpected + 1))
        echo "  ^ listed in bench/interop-known.txt but agrees now: take it off the list"
      fi
    else
      differ=$((differ + 1))
      first=$(diff "$WORK/a.tsv" "$WORK/b.tsv" | grep -m1 '^>' | cut -c1-160 || head -c 160 "$WORK/err")
      printf 'DIFFERS %-17s %-55s amity %d, %s %d rows; first: %s\n' "$engine" "$c" "$na" "$engine" "$nb" "$first"
      if ! known "$engine" "$c"; then
        unexpected=$((unexpected + 1))
        echo "  ^ not a known difference (bench/interop-known.txt)"
      fi
    fi
  done
done
echo "same: $same, differ: $differ, unexpected: $unexpected ($(machine_line))"
[ "$unexpected" = 0 ] || [ "${STRICT:-1}" = 0 ] || exit 1
