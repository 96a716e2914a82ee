#!/usr/bin/env bash
# The benchmark command (npm run bench; npm run bench:all runs every script, tools/bench/all.mjs): the usual setup, then tools/bench/run.mjs, which starts
# a dedicated stack (ports +20000, databases wos_bench_*, Redis DB 5) and prints one table of
# results to stdout. It measures; it never fails on a missed target. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/setup.sh

step "load generator"
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (apt)" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; } || {
    echo "wrk is not installed and could not be installed with apt-get; install it and retry." >&2
    exit 1
  }
fi
echo "wrk: $(command -v wrk)" >&2

step "benchmark"
# `all` (npm run bench:all): every benchmark script in sequence and one combined table.
if [ "${1:-}" = all ]; then exec node tools/bench/all.mjs; fi
exec node tools/bench/run.mjs
