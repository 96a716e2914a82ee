#!/usr/bin/env bash
# Stop the broker started by tools/kafka/start.sh for the same KAFKA_PORT /
# KAFKA_RUN_DIR (and, if given, KAFKA_DATA_DIR): SIGTERM, wait, SIGKILL after
# KAFKA_STOP_TIMEOUT (default 30) seconds. Only the PID from its kafka.pid is signalled.
# Data is kept; delete the data dir (.tools/kafka/data by default) to reset.
set -euo pipefail
# shellcheck source=start.sh
source "$(dirname "${BASH_SOURCE[0]}")/start.sh"
kafka_resolve

pid="$(cat "$K_PIDFILE" 2>/dev/null || true)"
if [ -z "$pid" ]; then
  echo "kafka: not running (no ${K_PIDFILE#"$KAFKA_ROOT"/})"
  exit 0
fi
if ! kafka_pid_is_ours "$pid" "$K_PROPS"; then
  echo "kafka: pid $pid is not running (stale pid file removed)"
  rm -f "$K_PIDFILE"
  exit 0
fi
if [ -n "${KAFKA_DATA_DIR:-}" ] && ! grep -qxF "log.dirs=$K_DATA" "$K_PROPS"; then
  echo "kafka: pid $pid on port $K_PORT does not use $K_DATA; not stopping it" >&2
  exit 1
fi

# alive = exists and is not a zombie waiting for a (non-reaping) parent
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

t0="$(kafka_now)"
kill -TERM "$pid" 2>/dev/null || true
ticks=$(( ${KAFKA_STOP_TIMEOUT:-30} * 10 ))
while alive "$pid" && [ "$ticks" -gt 0 ]; do
  sleep 0.1
  ticks=$((ticks - 1))
done
how="SIGTERM"
if alive "$pid"; then
  kill -KILL "$pid" 2>/dev/null || true
  while alive "$pid"; do sleep 0.1; done
  how="SIGKILL after ${KAFKA_STOP_TIMEOUT:-30}s"
fi
rm -f "$K_PIDFILE"
echo "kafka: stopped pid $pid on port $K_PORT ($how, $(kafka_elapsed "$t0")s)"
