#!/usr/bin/env bash
# A long fuzz campaign: the properties of tests/fuzz.rs (hostile SPARQL through the parsers,
# hostile HTTP requests through the whole router, mutated CSV files through the loader) with
# many more inputs than CI's run, in a release build. Prints the inputs tried per property and
# the wall time; a failure is shrunk and kept in tests/fuzz.proptest-regressions.
#
#   bench/fuzz.sh                 # 100,000 inputs per property
#   FUZZ_CASES=1000000 bench/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_CASES=${FUZZ_CASES:-100000}
started=$(date +%s)
cargo test --release --test fuzz -- --test-threads 3 2>&1 | tail -n 20
echo "fuzz: ${FUZZ_CASES} inputs per property (3 properties), $(( $(date +%s) - started )) s"
