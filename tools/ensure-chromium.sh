#!/usr/bin/env bash
# Headless Chromium for the browser tests (test/e2e/browser-signin.spec.ts): Debian's package,
# installed when missing (DESIGN.md: apt is reachable; playwright-core drives /usr/bin/chromium).
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then echo "chromium: $CHROMIUM" >&2; exit 0; fi
if ! command -v apt-get >/dev/null; then echo "chromium: not found at $CHROMIUM and no apt-get to install it; set CHROMIUM_PATH" >&2; exit 1; fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
echo "chromium: installing Debian's package (once)" >&2
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >&2
[ -x "$CHROMIUM" ] || { echo "chromium: installed, but $CHROMIUM is missing; set CHROMIUM_PATH" >&2; exit 1; }
