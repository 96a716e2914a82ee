#!/usr/bin/env bash
# SoftHSM2, the PKCS#11 token the vault's PKCS#11 key provider is tested against
# (apps/vault/test/pkcs11-key-provider.spec.ts, test/e2e/vault-keys.spec.ts): Debian's package,
# installed when missing. Optional for running the platform; CI needs it (the tests fail there without it).
set -euo pipefail
for lib in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so; do
  if [ -e "$lib" ] && command -v softhsm2-util >/dev/null; then echo "softhsm2: $lib" >&2; exit 0; fi
done
if ! command -v apt-get >/dev/null; then echo "softhsm2: not installed and no apt-get to install it; the PKCS#11 tests will be skipped (outside CI)" >&2; exit 0; fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
echo "softhsm2: installing Debian's package (once)" >&2
if ! { $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends softhsm2 >&2; }; then
  echo "softhsm2: could not be installed; the PKCS#11 tests will be skipped (outside CI)" >&2
  [ "${CI:-}" = true ] && exit 1
fi
exit 0
