# Helpers the bench scripts share; sourced, not run. Expects `set -euo pipefail`, the repository
# root as working directory, and $WORK (a scratch directory the caller removes).

TOOLS=bench/.tools

# need_apt COMMAND PACKAGE: installs PACKAGE (apt, as root) when COMMAND is missing.
need_apt() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}

# Sets $OXIGRAPH to oxigraph's own server (oxigraph-cli 0.5.x, RocksDB and in-memory), put
# into bench/.tools once: the `oxigraph` wheel from PyPI (the same CLI, prebuilt: seconds) in
# a virtual environment of its own, else (no pip, or OXIGRAPH_BUILD=1) built from crates.io
# with cargo (about 15 minutes: RocksDB).
ensure_oxigraph() {
  if [ ! -x "$TOOLS/bin/oxigraph" ]; then
    mkdir -p "$TOOLS/bin"
    if [ "${OXIGRAPH_BUILD:-0}" != 1 ] && python3 -m venv "$TOOLS/oxigraph-venv" >/dev/null 2>&1 &&
      "$TOOLS/oxigraph-venv/bin/pip" install -q 'oxigraph>=0.5,<0.6' >&2; then
      ln -sf ../oxigraph-venv/bin/oxigraph "$TOOLS/bin/oxigraph"
    else
      dpkg -s libclang-dev >/dev/null 2>&1 || need_apt clang libclang-dev
      echo "building oxigraph-cli into $TOOLS (once, about 15 minutes)" >&2
      cargo install oxigraph-cli --version '^0.5' --root "$TOOLS" --locked
    fi
  fi
  OXIGRAPH=$TOOLS/bin/oxigraph
}

# wait_up URL: polls until URL answers (10 minutes at most); prints the seconds it waited.
wait_up() {
  python3 - "$1" <<'PY'
import sys, time, urllib.request
url, t0 = sys.argv[1], time.perf_counter()
while True:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        print(f"{time.perf_counter() - t0:.3f}")
        break
    except Exception:
        if time.perf_counter() - t0 > 600:
            sys.exit(f"server at {url} did not start")
        time.sleep(0.01)
PY
}

# Sets the array `files` to the gallery queries named in $QUERIES, or all of them.
gallery_files() {
  files=()
  if [ -n "${QUERIES:-}" ]; then
    for q in $QUERIES; do
      [ -f "queries/$q.rq" ] || { echo "no gallery query queries/$q.rq" >&2; exit 1; }
      files+=("queries/$q.rq")
    done
  else
    files=(queries/*.rq)
  fi
}

# One line naming the machine and the time, for the results.
machine_line() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u '+%Y-%m-%d %H:%M UTC')"
}
