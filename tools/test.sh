#!/usr/bin/env bash
# The test command: the same setup as the run command, then every test (unit, integration,
# end-to-end, fault). The last line is "N passed, N failed"; the exit code is 0 only when
# nothing failed.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/setup.sh
step "browser for the browser tests"
bash tools/ensure-chromium.sh
step "tests"
# A broker this run started is stopped at the end; one that was already running is left alone.
trap '[ "${KAFKA_STARTED_BY_SETUP:-0}" = 1 ] && bash tools/kafka/stop.sh >/dev/null 2>&1 || true' EXIT
summary="$(mktemp)"
set +e
node --test --test-concurrency=1 --test-timeout=900000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./tools/test-count-reporter.mjs --test-reporter-destination="$summary" \
  'libs/*/dist/**/*.spec.js' 'apps/*/dist/**/*.spec.js' 'test/dist/**/*.spec.js'
status=$?
set -e
line="$(tail -n 1 "$summary" 2>/dev/null || true)"
rm -f "$summary"
[ -n "$line" ] || line="0 passed, 1 failed"
if [ "$status" -ne 0 ] && [ "${line#* passed, }" = "0 failed" ]; then line="${line%, 0 failed}, 1 failed"; fi
echo "$line"
[ "$status" -eq 0 ]
