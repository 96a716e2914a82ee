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

. "$ROOT/tools/lib/maven-jars.sh"
maven_jars kafka "$POM" "$LIBS" "kafka.version=$VERSION" "kafka_2.13-$VERSION.jar"
