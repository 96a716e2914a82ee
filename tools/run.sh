#!/usr/bin/env bash
# The run command: sets everything up, seeds a development environment, starts every service
# behind the gateway and prints the base URL. Ctrl-C stops everything it started.
# Configuration: a git-ignored .env at the root (see .env.example), read by tools/stack.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/ensure-node.sh
# The run command's own servers may also be named in .env (the shell's environment wins), so
# that setup checks the Postgres, Redis and Kafka the platform will use.
if [ -f .env ]; then
  while IFS= read -r -d '' kv; do
    key="${kv%%=*}"
    [ -n "${!key:-}" ] || export "$kv"
  done < <(node -e 'const e = require("node:util").parseEnv(require("node:fs").readFileSync(".env", "utf8"));
    for (const k of ["POSTGRES_URL", "KAFKA_BROKERS", "REDIS_URL"]) if (e[k]) process.stdout.write(`${k}=${e[k]}\0`);')
fi
if [ -n "${POSTGRES_URL:-}" ]; then export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-$POSTGRES_URL}"; fi
. tools/setup.sh
step "platform"
exec node tools/stack.mjs
