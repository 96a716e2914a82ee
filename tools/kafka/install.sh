#!/usr/bin/env bash
# Install the Apache Kafka runtime jars from Maven Central into
#   <repo>/.tools/kafka/<version>/libs
# Idempotent: does nothing when that directory already holds the jars.
# Env: KAFKA_VERSION (default 4.1.2, must match deploy/kafka/pom.xml's tested default)
# Prints one line; exits non-zero on failure (Maven's output is shown then).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="${KAFKA_VERSION:-4.1.2}"
BASE="$ROOT/.tools/kafka/$VERSION"
LIBS="$BASE/libs"
POM="$ROOT/deploy/kafka/pom.xml"

installed() { [ -f "$LIBS/kafka_2.13-$VERSION.jar" ] && [ -f "$LIBS/.complete" ]; }

if installed; then
  echo "kafka: $VERSION already installed in ${LIBS#"$ROOT"/}"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || { echo "kafka: mvn not found (needs Maven 3 + Java 17)" >&2; exit 1; }
mkdir -p "$BASE"

# Serialise concurrent installs of the same version.
exec 8>"$BASE/.install.lock"
flock -w 600 8 || { echo "kafka: timed out waiting for another install" >&2; exit 1; }
if installed; then
  echo "kafka: $VERSION already installed in ${LIBS#"$ROOT"/}"
  exit 0
fi

start=$SECONDS
tmp="$BASE/libs.tmp.$$"
out="$BASE/mvn.out.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp" "$out"' EXIT
if ! mvn -B -q -f "$POM" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" \
      -Dkafka.version="$VERSION" >"$out" 2>&1; then
  cat "$out" >&2
  echo "kafka: maven failed to fetch kafka $VERSION" >&2
  exit 1
fi
[ -f "$tmp/kafka_2.13-$VERSION.jar" ] || { echo "kafka: kafka_2.13-$VERSION.jar missing after mvn" >&2; exit 1; }
touch "$tmp/.complete"
rm -rf "$LIBS"
mv "$tmp" "$LIBS"
echo "kafka: installed $VERSION ($(find "$LIBS" -name "*.jar" | wc -l) jars) in ${LIBS#"$ROOT"/} in $((SECONDS - start))s"
