#!/usr/bin/env bash
# How much each C++ flag choice costs when the `rocksdb` feature compiles oxrocksdb-sys.
#
# Compiles the same sample of RocksDB's sources (every Nth file of its LIB_SOURCES, the same
# defines and includes as oxrocksdb-sys's build script) once per flag set, on one core, and
# prints each set's total time as a ratio to `-O2 -g` — what a dev/test build used before
# session 10 (`[profile.dev.package."*"] opt-level = 2` plus the dev profile's full debug info).
# Every set runs in this one script, so the ratios are comparable; the absolute seconds are not.
#
#   bash bench/rocksdb_cflags.sh [EVERY_NTH=25]
set -euo pipefail
nth=${1:-25}
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/oxrocksdb-sys-* 2>/dev/null | sort -V | tail -1)
[ -d "$src" ] || { echo "oxrocksdb-sys is not in the cargo registry: run 'cargo fetch' first" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

mapfile -t files < <(sed -n '/^LIB_SOURCES =/,/^ifeq/p' "$src/rocksdb/src.mk" \
  | tr -d '\\' | awk 'NF==1 && $1 ~ /\.cc$/ {print $1}' | awk -v n="$nth" 'NR % n == 1')
echo "oxrocksdb-sys: $src"
echo "sample: ${#files[@]} of its C++ files (every ${nth}th)"

defs=(-DNDEBUG=1 -DLZ4=1 -DOS_LINUX -DROCKSDB_PLATFORM_POSIX -DROCKSDB_LIB_IO_POSIX
      -DROCKSDB_SUPPORT_THREAD_LOCAL -DHAVE_UINT128_EXTENSION=1 -DHAVE_SSE42=1 -msse4.2)
incs=(-I"$src/rocksdb/include" -I"$src/rocksdb" -I"$src/lz4/lib")
# The flags cc adds on its own for a Linux x86_64 target.
base=(-ffunction-sections -fdata-sections -fPIC -m64 -std=c++20 -Wno-invalid-offsetof)

run() {
  local t0 t1
  t0=$(date +%s.%N)
  for f in "${files[@]}"; do
    g++ "$@" "${base[@]}" "${defs[@]}" "${incs[@]}" -c "$src/rocksdb/$f" -o "$out/o.o"
  done
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

declare -A secs
sets=("-O2 -g" "-O2" "-O1 -g" "-O1" "-O0 -g" "-O0")
for s in "${sets[@]}"; do
  # shellcheck disable=SC2086
  secs[$s]=$(run $s)
done
ref=${secs["-O2 -g"]}
printf '%-8s %8s %8s\n' flags seconds ratio
for s in "${sets[@]}"; do
  printf '%-8s %8.1f %8.2f\n' "$s" "${secs[$s]}" "$(echo "${secs[$s]} / $ref" | bc -l)"
done
