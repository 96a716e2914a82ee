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
# Two lanes run side by side, each one file at a time. The unit and integration files run in
# the [unit] lane only (they share REDIS_URL, so they must not overlap each other: BullMQ queues
# and rate-limit keys there have fixed names). The end-to-end files (each starts its own stack
# and its own Redis server on its port offset, test/architecture/e2e-offsets.spec.ts, so any two
# may run at once) form one queue that the [e2e] lane takes from at once and the [unit] lane
# after its own files: whichever lane is free takes the next file, so both end within one file
# of each other. The Java SDK suite then runs alone, after every Node file; the chaos files last.
# TEST_LANES=1 runs everything in one lane, for a quiet rerun.
tmp="$(mktemp -d)"
runs=0
lane() { # prefix, globs...: one node --test run; its count line goes to a file of its own in $tmp
  local name="$1"; shift
  runs=$((runs + 1))
  node --test --test-concurrency=1 --test-timeout=900000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./tools/test-count-reporter.mjs --test-reporter-destination="$tmp/$name-$BASHPID-$runs.count" \
    "$@" > >(sed -u "s/^/[$name] /") 2>&1
}
queue="$tmp/e2e.queue"
# The Java SDK suite (issue 21) runs after every Node end-to-end file, in a step of its own (see
# below), so the queue holds the Node files only.
late_e2e=(test/dist/e2e/java-sdk.spec.js)
ls test/dist/e2e/*.spec.js | grep -vxF -f <(printf '%s\n' "${late_e2e[@]}") | LC_ALL=C sort > "$queue"
next_e2e() { # prints the queue's next file and removes it; fails once the queue is empty
  flock "$queue.lock" bash -c 'f=$(head -n 1 "$1") && [ -n "$f" ] && sed -i 1d "$1" && echo "$f"' _ "$queue"
}
e2e_from_queue() { # prefix: runs end-to-end files from the queue until it is empty
  local status=0 f
  while f=$(next_e2e); do lane "$1" "$f" || status=1; done
  return $status
}
# The whole-stack files of test/chaos (the chaos suite in its short mode, docs/reliability.md; the
# backup/restore and rolling-upgrade checks) run last, alone: each starts every service (and the
# chaos suite a Kafka broker and a Postgres cluster of its own), a load that made end-to-end files
# beside them miss their waits.
export CHAOS_SHORT=1
rest=('libs/*/dist/**/*.spec.js' 'apps/*/dist/**/*.spec.js' 'test/dist/architecture/**/*.spec.js' 'test/dist/compat/**/*.spec.js' 'test/dist/deploy/**/*.spec.js' 'test/dist/tools/**/*.spec.js')
last=('test/dist/chaos/**/*.spec.js')
set +e
if [ "${TEST_LANES:-2}" = 1 ]; then
  lane all "${rest[@]}" $(cat "$queue") "${late_e2e[@]}" "${last[@]}"; status=$?
else
  e2e_from_queue e2e & e2e_pid=$!
  lane unit "${rest[@]}"; rest_status=$?
  e2e_from_queue unit; unit_e2e_status=$?
  wait "$e2e_pid"; e2e_status=$?
  # Once both lanes have finished their last Node file: the Java suite, then the chaos files,
  # each alone (each starts every service).
  lane java "${late_e2e[@]}"; java_status=$?
  lane chaos "${last[@]}"; chaos_status=$?
  status=$(( rest_status != 0 || unit_e2e_status != 0 || e2e_status != 0 || java_status != 0 || chaos_status != 0 ))
fi
set -e
# Each failure once more, by file and name, so that the end of the log says what failed.
cat "$tmp"/*.count 2>/dev/null | grep '^✖' || true
# Sum the lanes' "N passed, N failed" lines; a lane that wrote none counts as one failure.
read -r passed failed < <(for f in "$tmp"/*.count; do tail -n 1 "$f" 2>/dev/null || true; done |
  awk '{p += $1; f += $3; n++} END {print p + 0, f + 0 + (n == 0)}')
rm -rf "$tmp"
line="$passed passed, $failed failed"
if [ "$status" -ne 0 ] && [ "$failed" = 0 ]; then line="$passed passed, 1 failed"; fi
echo "$line"
[ "$status" -eq 0 ]
