// Summarises a .cpuprofile: self time by module (package, app source or Node internals) and the
// top functions. Usage: node tools/bench/profile-summary.mjs FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node tools/bench/profile-summary.mjs FILE.cpuprofile [TOP]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node: the sample count times the mean interval.
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const totalSamples = profile.samples.length;
const totalMs = (profile.endTime - profile.startTime) / 1000;

function moduleOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native/builtin)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const m = /\/(apps|libs)\/([^/]+)\//.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

const byModule = new Map();
const byFunction = new Map();
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (!n) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const mod = moduleOf(url, functionName);
  byModule.set(mod, (byModule.get(mod) ?? 0) + n);
  const fn = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(apps|libs)\//, '$1/')}:${lineNumber + 1}` : ''}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
}

// Inclusive time per function: its own samples plus its callees' (each stack counted once).
const parent = new Map();
for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
const inclusive = new Map();
for (const [id, n] of hits) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const { functionName, url, lineNumber } = nodeById.get(cur).callFrame;
    if (!url || url.startsWith('node:')) continue;
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(apps|libs)\//, '$1/')}:${lineNumber + 1}`;
    if (seen.has(fn)) continue;
    seen.add(fn);
    inclusive.set(fn, (inclusive.get(fn) ?? 0) + n);
  }
}

const pct = (n) => `${((100 * n) / totalSamples).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${totalSamples} samples over ${totalMs.toFixed(0)} ms`);
console.log('\nself time by module');
for (const [m, n] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(n)}  ${m}`);
console.log('\nself time by function');
for (const [f, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(n)}  ${f}`);
console.log('\ntotal time (self + callees) by function, application and package code only');
for (const [f, n] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(n)}  ${f}`);
