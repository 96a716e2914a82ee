#!/usr/bin/env bash
# Shared setup for the run and test commands. Source it from the repo root.
# Installs what is missing (Node 24, npm packages, Kafka jars), builds, and makes sure
# Postgres, Redis and Kafka answer. Safe to run again: every step reuses what exists.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. tools/ensure-node.sh

step() { printf '\n== %s\n' "$*" >&2; }

step "npm packages"
lock_hash="$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f node_modules/.setup-lock-hash ] || [ "$(cat node_modules/.setup-lock-hash)" != "$lock_hash" ]; then
  # Install scripts stay off (npm 11 default): Prisma's would try an unreachable download. The one
  # allowed (package.json allowScripts) is pkcs11js's node-gyp build (an optional dependency, for the
  # vault's PKCS#11 key provider): it compiles against this Node's own headers, never downloaded ones.
  node_headers="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$node_headers/include/node/node_api.h" ]; then export npm_config_nodedir="$node_headers"; fi
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.setup-lock-hash
else
  echo "up to date" >&2
fi

step "softhsm2 (the vault's PKCS#11 tests)"
bash tools/ensure-softhsm.sh

step "helm engine (test/deploy/helm.spec.ts)"
# helm-java from Maven Central into .tools/helm (once; a few seconds). Not fatal here: the Helm test
# runs the same installer and fails, saying why, when it cannot be had.
bash tools/helm/install.sh || echo "helm: not installed; test/deploy/helm.spec.ts will fail until it is" >&2

step "PostgreSQL client tools (wos backup)"
# `wos backup` runs pg_dump and pg_restore; they must be at least the server's major version (15).
if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -q postgresql-client-15 >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q postgresql-client-15 >/dev/null; }
  else
    echo "pg_dump/pg_restore missing: install postgresql-client-15 (apt) for wos backup and its test" >&2; exit 1
  fi
fi
pg_dump --version >&2

step "prisma clients and build"
node tools/prisma-generate.mjs
npx tsc -b tsconfig.json

step "infrastructure"
PG_URL="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
if ! node -e "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1]});c.connect().then(()=>c.end()).catch(()=>process.exit(1))" "$PG_URL" 2>/dev/null; then
  echo "Postgres is not reachable at $PG_URL; start it (e.g. pg_ctlcluster 15 main start) and retry." >&2; exit 1
fi
echo "postgres: ok" >&2
REDIS_HOSTPORT="${REDIS_URL:-redis://127.0.0.1:6379}"; REDIS_HOSTPORT="${REDIS_HOSTPORT#redis://}"; REDIS_HOSTPORT="${REDIS_HOSTPORT%%/*}"
if ! (exec 3<>"/dev/tcp/${REDIS_HOSTPORT%:*}/${REDIS_HOSTPORT#*:}") 2>/dev/null; then
  echo "Redis is not reachable at $REDIS_HOSTPORT; start it (redis-server --daemonize yes) and retry." >&2; exit 1
fi
echo "redis: ok" >&2
kafka_out="$(bash tools/kafka/start.sh)"
echo "$kafka_out" >&2
# Whoever sources this may stop a broker that setup itself started (the test command does).
case "$kafka_out" in *"kafka: started"*) export KAFKA_STARTED_BY_SETUP=1 ;; *) export KAFKA_STARTED_BY_SETUP=0 ;; esac
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
