// The gateway's routing step with and without the alias table (issue 23: the alias lookup is not
// on the hot path of canonical routes). One process, after a build: the gateway's own matcher
// (createRouteMatcher().resolve, what every proxied request runs) over canonical paths of every
// route family, against the same matcher built with no aliases, alternating rounds; then the
// aliased prefix and an alias path for comparison. CPU-bound and in-process: a quiet machine
// gives steadier numbers, but the ratio is taken within each round.
//
//   node tools/bench/route-match.mjs [rounds]
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { root } from './lib.mjs';

const require = createRequire(import.meta.url);
const { createRouteMatcher } = require(join(root, 'apps/api-gateway/dist/src/routing/route.table.js'));

const ROUNDS = Number(process.argv[2] ?? 7);
const ITERATIONS = 200_000;
const CANONICAL = [
  ['GET', '/organizations/org_01HXYZ', ''],
  ['GET', '/user_management/users', 'limit=10'],
  ['POST', '/user_management/authenticate', ''],
  ['GET', '/directory_users', 'directory=directory_1'],
  ['GET', '/events', 'events=user.created'],
  ['POST', '/audit_logs/events', ''],
  ['GET', '/sso/authorize', 'client_id=client_1'],
  ['POST', '/vault/v1/kv', ''],
  ['GET', '/feature-flags/beta', ''],
  ['GET', '/connections/conn_1', ''],
];
const EXTRA = [
  ['an aliased prefix, canonical path', ['GET', '/directories/directory_1', '']],
  ['an alias path (rewritten)', ['GET', '/directories/directory_1/users', 'limit=5']],
];

/** Nanoseconds per resolve over `requests`, cycling through them. */
function time(matcher, requests) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    const [method, path, query] = requests[i % requests.length];
    if (matcher.resolve(method, path, query).route) sink++;
  }
  const ns = Number(process.hrtime.bigint() - start) / ITERATIONS;
  if (sink === 0) throw new Error('no request was routed');
  return ns;
}

const withAliases = createRouteMatcher();
const without = createRouteMatcher(undefined, []);
for (const [method, path, query] of CANONICAL) {
  if (!withAliases.resolve(method, path, query).route) throw new Error(`${method} ${path} is not routed`);
}
time(withAliases, CANONICAL);
time(without, CANONICAL); // warm-up of both

const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
  const ns = {};
  for (const which of order) ns[which] = time(which === 'with' ? withAliases : without, CANONICAL);
  rounds.push(ns);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const withNs = median(rounds.map((r) => r.with));
const withoutNs = median(rounds.map((r) => r.without));
const ratio = median(rounds.map((r) => r.with / r.without));

const rows = [
  ['canonical paths, no alias table (baseline)', withoutNs],
  ['canonical paths, the alias table', withNs],
  ...EXTRA.map(([name, req]) => [name, median(Array.from({ length: ROUNDS }, () => time(withAliases, [req])))]),
];
const pad = (s, n) => String(s).padEnd(n);
console.log(`\n${pad('routing step (resolve), median of ' + ROUNDS + ' rounds of ' + ITERATIONS.toLocaleString('en') + ')', 58)} ns per request`);
for (const [name, ns] of rows) console.log(`${pad(name, 58)} ${ns.toFixed(0).padStart(6)}`);
console.log(`${pad('ratio, canonical with / without the alias table', 58)} ${ratio.toFixed(2).padStart(6)}`);
