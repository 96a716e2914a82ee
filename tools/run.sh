#!/usr/bin/env bash
# The run command: sets everything up, seeds a development environment, starts every service
# behind the gateway and prints the base URL. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/setup.sh
step "platform"
exec node tools/stack.mjs
