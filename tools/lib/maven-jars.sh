# Sourced by the installers of Java tools fetched from Maven Central (tools/kafka/install.sh,
# tools/helm/install.sh). maven_jars NAME POM LIBS PROPERTY=VERSION JAR...: copies POM's runtime
# dependencies into LIBS, once. Invariants: LIBS is complete or absent (the jars land in a
# temporary directory that is renamed into place with a .complete marker last), concurrent
# installs of the same LIBS wait for each other (flock), and a failure prints Maven's output and
# returns non-zero. Prints one line.
maven_jars() {
  local name="$1" pom="$2" libs="$3" property="$4"; shift 4
  local jars=("$@") base; base="$(dirname "$libs")"
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  _maven_jars_installed() { local j; [ -f "$libs/.complete" ] || return 1; for j in "${jars[@]}"; do [ -f "$libs/$j" ] || return 1; done; }
  if _maven_jars_installed; then echo "$name: already installed in ${libs#"$root"/}"; return 0; fi
  command -v mvn >/dev/null 2>&1 || { echo "$name: mvn not found (needs Maven 3 + Java 17)" >&2; return 1; }
  command -v java >/dev/null 2>&1 || { echo "$name: java not found (needs Java 17+)" >&2; return 1; }
  mkdir -p "$base"
  exec 8>"$base/.install.lock"
  flock -w 600 8 || { echo "$name: timed out waiting for another install" >&2; return 1; }
  if _maven_jars_installed; then echo "$name: already installed in ${libs#"$root"/}"; return 0; fi
  local start=$SECONDS tmp="$base/libs.tmp.$$" out="$base/mvn.out.$$" jar
  rm -rf "$tmp"
  if ! mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" "-D$property" >"$out" 2>&1; then
    cat "$out" >&2
    rm -rf "$tmp" "$out"
    echo "$name: maven failed to fetch its jars ($property; is Maven Central reachable?)" >&2
    return 1
  fi
  rm -f "$out"
  for jar in "${jars[@]}"; do
    [ -f "$tmp/$jar" ] || { rm -rf "$tmp"; echo "$name: $jar missing after mvn" >&2; return 1; }
  done
  touch "$tmp/.complete"
  rm -rf "$libs"
  mv "$tmp" "$libs"
  echo "$name: installed $property ($(find "$libs" -name "*.jar" | wc -l) jars) in ${libs#"$root"/} in $((SECONDS - start))s"
}
