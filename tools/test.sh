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
# Two lanes run side by side, each one file at a time: end-to-end files (each starts its own
# stack and its own Redis server on its port offset), and the unit and integration files (which
# share REDIS_URL and so must not overlap each other: BullMQ queues and rate-limit keys there
# have fixed names) followed by a third of the end-to-end files. TEST_LANES=1 runs everything in
# one lane, for a quiet rerun.
lane() { # name, globs...: runs one lane; its count line goes to $tmp/<name>.count
  local name="$1"; shift
  node --test --test-concurrency=1 --test-timeout=900000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./tools/test-count-reporter.mjs --test-reporter-destination="$tmp/$name.count" \
    "$@" > >(sed -u "s/^/[$name] /") 2>&1
}
tmp="$(mktemp -d)"
# The whole-stack files of test/chaos (the chaos suite in its short mode, docs/reliability.md; the
# backup/restore and rolling-upgrade checks) run last, alone: each starts every service (and the
# chaos suite a Kafka broker of its own), a load that made end-to-end files beside them miss their
# waits.
export CHAOS_SHORT=1
rest=('libs/*/dist/**/*.spec.js' 'apps/*/dist/**/*.spec.js' 'test/dist/architecture/**/*.spec.js' 'test/dist/compat/**/*.spec.js' 'test/dist/deploy/**/*.spec.js' 'test/dist/tools/**/*.spec.js')
last=('test/dist/chaos/**/*.spec.js')
# The end-to-end files, in name order: every third one runs in the unit lane after the unit
# files, which take about a third of the end-to-end time, so the lanes end together. Files of
# both lanes may run at once because each has a port offset of its own
# (test/architecture/e2e-offsets.spec.ts).
e2e=(); e2e_in_unit_lane=()
i=0
for f in $(ls test/dist/e2e/*.spec.js | LC_ALL=C sort); do
  if [ $((i % 3)) = 2 ]; then e2e_in_unit_lane+=("$f"); else e2e+=("$f"); fi
  i=$((i + 1))
done
set +e
if [ "${TEST_LANES:-2}" = 1 ]; then
  lane all "${rest[@]}" "${e2e[@]}" "${e2e_in_unit_lane[@]}" "${last[@]}"; status=$?
else
  lane e2e "${e2e[@]}" & e2e_pid=$!
  lane unit "${rest[@]}" "${e2e_in_unit_lane[@]}"; rest_status=$?
  wait "$e2e_pid"; e2e_status=$?
  lane chaos "${last[@]}"; chaos_status=$?
  status=$(( rest_status != 0 || e2e_status != 0 || chaos_status != 0 ))
fi
set -e
# Sum the lanes' "N passed, N failed" lines; a lane that wrote none counts as one failure.
read -r passed failed < <(for f in "$tmp"/*.count; do tail -n 1 "$f" 2>/dev/null || true; done |
  awk '{p += $1; f += $3; n++} END {print p + 0, f + 0 + (n == 0)}')
rm -rf "$tmp"
line="$passed passed, $failed failed"
if [ "$status" -ne 0 ] && [ "$failed" = 0 ]; then line="$passed passed, 1 failed"; fi
echo "$line"
[ "$status" -eq 0 ]
