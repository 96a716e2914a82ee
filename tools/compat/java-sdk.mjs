// Reads WorkOS's Java/Kotlin SDK from its sources jar: every module the WorkOS client exposes,
// each public method, and the HTTP method and path it calls (or the URL it builds).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readZipText } from './zip.mjs';
import { atDepthZero, closingBrace, mask, templatePath } from './source-scan.mjs';

const ARTIFACT = 'com.workos:workos';

/** The SDK version test/java/pom.xml pins (the one the Java e2e suite runs). */
export function javaSdkVersion(root) {
  const pom = readFileSync(join(root, 'test', 'java', 'pom.xml'), 'utf8');
  const m = /<workos\.version>([^<]+)<\/workos\.version>/.exec(pom);
  if (!m) throw new Error('test/java/pom.xml has no <workos.version>');
  return m[1];
}

/** The sources jar in the local Maven repository, fetched with `mvn dependency:get` when missing. */
export function javaSourcesJar(version) {
  const repo = process.env.MAVEN_REPO_LOCAL ?? join(homedir(), '.m2', 'repository');
  const jar = join(repo, 'com', 'workos', 'workos', version, `workos-${version}-sources.jar`);
  if (existsSync(jar)) return jar;
  const got = spawnSync('mvn', ['-q', '-B', 'dependency:get', `-Dartifact=${ARTIFACT}:${version}:jar:sources`], { encoding: 'utf8' });
  if (got.error || got.status !== 0 || !existsSync(jar)) {
    throw new Error(`could not get ${ARTIFACT}:${version} sources (needs Maven and Maven Central): ${got.error?.message ?? got.stderr ?? ''}`);
  }
  return jar;
}

export function readJavaSdk(jar) {
  const files = readZipText(jar, (n) => n.endsWith('.kt'));
  const sources = [...files.values()].map((src) => ({ src, masked: mask(src) }));
  const modules = [];
  for (const [name, type] of accessors(files.get('com/workos/WorkOS.kt'), sources)) {
    const functions = new Map([...classMembers(sources, type), ...extensions(sources, type)]);
    const methods = [];
    for (const [fn, info] of functions) {
      if (!info.public || fn.endsWith('Suspend')) continue;
      methods.push({ name: fn, endpoints: resolve(fn, functions, new Set()) });
    }
    modules.push({ name, methods: methods.sort((a, b) => a.name.localeCompare(b.name)) });
  }
  return modules.sort((a, b) => a.name.localeCompare(b.name));
}

/** [accessor, class] of every service on the client: `val x: T by lazy`, `val x: T get()`, `val WorkOS.x: T`. */
function accessors(workosKt, sources) {
  const found = new Map();
  for (const m of workosKt.matchAll(/^\s+val (\w+): ([A-Z]\w+)(?:\s+by lazy|\s*\n\s*get\(\))/gm)) found.set(m[1], m[2]);
  for (const { src } of sources) for (const m of src.matchAll(/^val WorkOS\.(\w+): ([A-Z]\w+)/gm)) found.set(m[1], m[2]);
  return [...found].sort(([a], [b]) => a.localeCompare(b));
}

/** The functions declared directly in `class Type`, with their bodies. */
function classMembers(sources, type) {
  const out = new Map();
  for (const { src, masked } of sources) {
    const decl = new RegExp(`^(?:open |data )?class ${type}\\b`, 'm').exec(masked);
    if (!decl) continue;
    let parens = 0;
    let open = decl.index;
    for (; open < masked.length; open++) {
      if (masked[open] === '(') parens++;
      else if (masked[open] === ')') parens--;
      else if (masked[open] === '{' && parens === 0) break;
    }
    const close = closingBrace(masked, open);
    const decls = atDepthZero(masked, open + 1, close, /^[ \t]*((?:(?:private|internal|public|override|suspend|inline|operator)\s+)*)fun\s+(\w+)\s*[(<]/m);
    decls.forEach((m, i) => add(out, m[2], !/private|internal/.test(m[1]), src.slice(m.index, i + 1 < decls.length ? decls[i + 1].index : close)));
  }
  return out;
}

/** Top-level extension functions `fun Type.name(…)` in any file. */
function extensions(sources, type) {
  const out = new Map();
  for (const { src, masked } of sources) {
    const decls = [...masked.matchAll(new RegExp(`^((?:(?:private|internal|public|inline)\\s+)*)fun\\s+${type}\\.(\\w+)\\s*\\(`, 'gm'))];
    const tops = [...masked.matchAll(/^(?:@|fun |val |class |data class |internal |private |object |enum |sealed |typealias )/gm)].map((m) => m.index);
    for (const m of decls) {
      add(out, m[2], !/private|internal/.test(m[1]), src.slice(m.index, tops.find((t) => t > m.index) ?? src.length));
    }
  }
  return out;
}

/** Overloads share a name: one entry, public if any overload is, with all their bodies. */
function add(functions, name, isPublic, body) {
  const had = functions.get(name);
  functions.set(name, { public: isPublic || !!had?.public, bodies: [...(had?.bodies ?? []), body] });
}

/** The endpoints a function calls itself, plus those of sibling functions it calls. */
function resolve(name, functions, seen) {
  if (seen.has(name)) return [];
  seen.add(name);
  const endpoints = [];
  for (const body of functions.get(name).bodies) endpoints.push(...ownAndCalled(name, body, functions, seen));
  return dedupe(endpoints);
}

function ownAndCalled(name, body, functions, seen) {
  const endpoints = [];
  for (const m of body.matchAll(/method\s*=\s*"(\w+)"\s*,\s*path\s*=\s*"([^"]+)"/g)) endpoints.push({ method: m[1].toUpperCase(), path: templatePath(m[2]), kind: 'request' });
  for (const m of body.matchAll(/buildAuthUrl\(\s*\w+\s*,\s*"([^"]+)"/g)) endpoints.push({ method: 'GET', path: templatePath(m[1]), kind: 'url' });
  const header = body.indexOf('(');
  for (const other of functions.keys()) {
    if (other === name) continue;
    if (new RegExp(`(?:^|[^.\\w]|this\\.)${other}\\s*\\(`).test(body.slice(header + 1))) endpoints.push(...resolve(other, functions, new Set(seen)));
  }
  return endpoints;
}

export function dedupe(endpoints) {
  const seen = new Set();
  return endpoints.filter((e) => {
    const key = `${e.method} ${e.path} ${e.kind}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
