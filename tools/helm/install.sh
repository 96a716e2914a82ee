#!/usr/bin/env bash
# Install the Helm engine used by the chart tests (test/deploy/helm.spec.ts): helm-java, Helm's own
# Go library as a native library with a Java wrapper, fetched from Maven Central into
#   <repo>/.tools/helm/<helm-java version>/libs
# Idempotent: does nothing when that directory already holds the jars.
# Env: HELM_JAVA_VERSION (default 0.0.21, must match test/helm/pom.xml)
# Prints one line; exits non-zero, saying why, on failure (Maven's output is shown then).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="${HELM_JAVA_VERSION:-0.0.21}"
BASE="$ROOT/.tools/helm/$VERSION"
LIBS="$BASE/libs"
POM="$ROOT/test/helm/pom.xml"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "helm: helm-java's native library is wired for linux-amd64 only (test/helm/pom.xml); this is $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

. "$ROOT/tools/lib/maven-jars.sh"
maven_jars helm "$POM" "$LIBS" "helm-java.version=$VERSION" "helm-java-$VERSION.jar" "linux-amd64-$VERSION.jar"
