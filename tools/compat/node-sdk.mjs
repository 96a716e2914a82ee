// Reads WorkOS's Node SDK from its bundled code in node_modules: every module the WorkOS client
// exposes, each method, and the HTTP method and path it calls (or the URL it builds).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dedupe } from './java-sdk.mjs';
import { templatePath } from './source-scan.mjs';

export function nodeSdkDir(root) {
  return join(root, 'node_modules', '@workos-inc', 'node');
}

export function nodeSdkVersion(root) {
  return JSON.parse(readFileSync(join(nodeSdkDir(root), 'package.json'), 'utf8')).version;
}

/** The file under lib/ (hashed name) with this extension whose text passes `test`. */
function libFile(root, ext, test) {
  const lib = join(nodeSdkDir(root), 'lib');
  for (const f of readdirSync(lib).filter((n) => n.endsWith(ext))) {
    const src = readFileSync(join(lib, f), 'utf8');
    if (test.test(src)) return src;
  }
  throw new Error(`no ${ext} file in ${lib} matches ${test}`);
}

/** Per class, the members its type declarations mark private or protected (the bundle does not). */
function hiddenMembers(root) {
  const dts = libFile(root, '.d.cts', /^declare class WorkOS\b/m);
  const out = new Map();
  for (const m of dts.matchAll(/^declare class (\w+)[^{\n]*\{\n([\s\S]*?)^\}/gm)) {
    out.set(m[1], new Set([...m[2].matchAll(/^\s+(?:private|protected) (?:readonly )?(\w+)/gm)].map((x) => x[1])));
  }
  return out;
}

export function readNodeSdk(root) {
  const src = libFile(root, '.cjs', /^var WorkOS = class \{/m);
  const classes = classBodies(src);
  const hidden = hiddenMembers(root);
  const modules = [];
  for (const [name, type] of accessors(classes.get('WorkOS'))) {
    const functions = methods(classes.get(type) ?? '');
    const list = [...functions.keys()].filter((fn) => !hidden.get(type)?.has(fn)).map((fn) => ({ name: fn, endpoints: resolve(fn, functions, new Set(), classes) }));
    modules.push({ name, methods: list.sort((a, b) => a.name.localeCompare(b.name)) });
  }
  return modules.sort((a, b) => a.name.localeCompare(b.name));
}

/** Bundled classes are `var Name = class … {` … `};` at column 0. */
function classBodies(src) {
  const out = new Map();
  for (const m of src.matchAll(/^var (\w+) = class\b[^\n]*\{\n([\s\S]*?)^\};/gm)) out.set(m[1], m[2]);
  return out;
}

/** [property, class] of the services on the client: `x = new X(this)`, `this.x = new X(this)`, `createXClient() { return new X(this) }`. */
function accessors(workos) {
  const found = new Map();
  for (const m of workos.matchAll(/^\t(\w+) = new (\w+)\(this\);/gm)) found.set(m[1], m[2]);
  for (const m of workos.matchAll(/this\.(\w+) = new (\w+)\(this\);/g)) found.set(m[1], m[2]);
  for (const m of workos.matchAll(/this\.(\w+) = this\.(create\w+)\(\)/g)) {
    const factory = new RegExp(`^\\t${m[2]}\\(\\) \\{\\n\\t\\treturn new (\\w+)\\(`, 'm').exec(workos);
    if (factory) found.set(m[1], factory[1]);
  }
  return [...found].sort(([a], [b]) => a.localeCompare(b));
}

/** The class's methods (one tab in), with their bodies; getters, setters and the constructor left out. */
function methods(body) {
  const decls = [...body.matchAll(/^\t(?:static\s+)?(?:async\s+)?(\w+)\(/gm)].filter((m) => m[1] !== 'constructor');
  const out = new Map();
  decls.forEach((m, i) => {
    const text = body.slice(m.index, i + 1 < decls.length ? decls[i + 1].index : body.length);
    out.set(m[1], [...(out.get(m[1]) ?? []), text]);
  });
  return out;
}

const LITERAL = '(?:"([^"]*)"|`([^`]*)`|\'([^\']*)\')';
/** A path argument: a string literal, or a name the method bound to one (`const endpoint = \`…\``). */
const PATH_ARG = `(?:${LITERAL}|(\\w+))`;

function resolve(name, functions, seen, classes, seenClasses = new Set()) {
  if (seen.has(name)) return [];
  seen.add(name);
  const endpoints = [];
  for (const body of functions.get(name)) {
    const bound = new Map([...body.matchAll(new RegExp(`const (\\w+) = ${LITERAL};`, 'g'))].map((m) => [m[1], m[2] ?? m[3] ?? m[4]]));
    const lit = (m, at) => templatePath(m[at] ?? m[at + 1] ?? m[at + 2] ?? bound.get(m[at + 3]) ?? `(${m[at + 3]})`);
    for (const m of body.matchAll(new RegExp(`this\\.workos\\.(get|post|put|patch|delete|deleteWithBody)\\(\\s*${PATH_ARG}`, 'g'))) {
      endpoints.push({ method: m[1] === 'deleteWithBody' ? 'DELETE' : m[1].toUpperCase(), path: lit(m, 2), kind: 'request' });
    }
    for (const m of body.matchAll(new RegExp(`fetchAndDeserialize\\(\\s*this\\.workos\\s*,\\s*${PATH_ARG}`, 'g'))) endpoints.push({ method: 'GET', path: lit(m, 1), kind: 'request' });
    for (const m of body.matchAll(/`\$\{this\.workos\.baseURL\}(\/[^`?]*)/g)) endpoints.push({ method: 'GET', path: templatePath(m[1]), kind: 'url' });
    for (const m of body.matchAll(new RegExp(`new URL\\(\\s*${LITERAL}\\s*,\\s*this\\.workos\\.baseURL`, 'g'))) endpoints.push({ method: 'GET', path: lit(m, 1), kind: 'url' });
    for (const other of functions.keys()) {
      if (other !== name && new RegExp(`this\\.${other}\\(`).test(body)) endpoints.push(...resolve(other, functions, new Set(seen), classes, seenClasses));
    }
    // A method that returns a client of its own (`createRuntimeClient` → `new FeatureFlagsRuntimeClient(this.workos, …)`)
    // makes the requests that client's methods make (its polls).
    for (const m of body.matchAll(/new (\w+)\(this\.workos\b/g)) {
      const inner = classes.get(m[1]);
      if (!inner || seenClasses.has(m[1])) continue;
      const innerFunctions = methods(inner);
      const nextSeen = new Set([...seenClasses, m[1]]);
      for (const fn of innerFunctions.keys()) endpoints.push(...resolve(fn, innerFunctions, new Set(), classes, nextSeen));
    }
  }
  return dedupe(endpoints);
}
