// Every benchmark in sequence, then one combined table (npm run bench:all, after tools/setup.sh
// and a build; a quiet machine only: nothing else may run meanwhile). Each script starts and
// stops its own stack and prints its own table as usual (kept in .tools/bench-all-<run>/); the
// combined table repeats every row, and a last section lists every ratio and target row.
//
// The scaling runs repeat a script with BENCH_REPLICAS (processes per app sharing its port, as
// WOS_REPLICAS in the run command): GET through 2 gateways and 2 organizations processes, and
// sign-ins and refreshes with 2 identity processes. sso-acs measures 1 and 2 sso processes itself.
//
// Knobs: BENCH_ALL_ONLY=<comma-separated labels below> runs a subset; BENCH_SECONDS etc. are
// passed through to every script.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable, log, root } from './lib.mjs';

/** label → script and extra environment. The order is the order they run in. */
const RUNS = [
  ['foundation', 'run.mjs', {}],
  ['foundation, 2 gateways + 2 organizations', 'run.mjs', { BENCH_ONLY: 'get', BENCH_REPLICAS: 'api-gateway=2,organizations=2' }],
  ['authkit', 'authkit.mjs', {}],
  ['authkit, 16 sign-ins in flight', 'authkit.mjs', { BENCH_ONLY: 'argon2,login', BENCH_LOGIN_CONNECTIONS: '16' }],
  ['authkit, 2 identity', 'authkit.mjs', { BENCH_ONLY: 'argon2,login,refresh', BENCH_REPLICAS: 'identity=2' }],
  ['sso', 'sso-acs.mjs', {}],
  ['dsync', 'dsync.mjs', {}],
  ['webhooks', 'webhooks-fanout.mjs', {}],
  ['audit-logs', 'audit-logs.mjs', {}],
  ['authorization', 'authz-check.mjs', {}],
  ['radar', 'radar.mjs', {}],
  ['api keys', 'api-key-validations.mjs', {}],
  ['feature flags', 'feature-flags.mjs', {}],
  ['pipes', 'pipes.mjs', {}],
  ['connect', 'connect.mjs', {}],
  ['hosted pages', 'hosted-pages.mjs', {}],
  ['vault', 'vault.mjs', {}],
  ['consumer cost', 'consumer-cost.mjs', {}],
  ['idle', 'idle.mjs', {}],
];

const only = process.env.BENCH_ALL_ONLY ? new Set(process.env.BENCH_ALL_ONLY.split(',').map((s) => s.trim())) : undefined;
const runId = randomBytes(4).toString('hex');
const dir = join(root, '.tools', `bench-all-${runId}`);
mkdirSync(dir, { recursive: true });
const jsonFile = join(dir, 'rows.jsonl');
writeFileSync(jsonFile, '');

function runScript(label, script, env) {
  return new Promise((resolve) => {
    const out = join(dir, `${label.replace(/\W+/g, '-')}.txt`);
    const child = spawn(process.execPath, [join(root, 'tools', 'bench', script)], {
      cwd: root,
      env: { ...process.env, ...env, BENCH_JSON: jsonFile, BENCH_LABEL: label },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      process.stderr.write(d);
    });
    child.on('exit', (code) => {
      writeFileSync(out, text);
      resolve(code);
    });
  });
}

const failed = [];
for (const [label, script, env] of RUNS) {
  if (only && !only.has(label)) continue;
  log(`== ${label} (${script}${env.BENCH_REPLICAS ? `, ${env.BENCH_REPLICAS}` : ''})`);
  const code = await runScript(label, script, env);
  if (code !== 0) failed.push(`${label} (exit ${code})`);
}

const rows = existsSync(jsonFile)
  ? readFileSync(jsonFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  : [];
const named = rows.map((r) => ({ ...r, name: `${r.script}: ${r.name}`, p50: r.p50 ?? NaN, p99: r.p99 ?? NaN, max: r.max ?? NaN }));
const ratios = named.filter((r) => r.ratio !== undefined || r.pass !== undefined);
process.stdout.write(`WOS benchmarks, all (${new Date().toISOString()}, run ${runId}; each script's own output in ${dir})\n\n`);
process.stdout.write(`${formatTable(named)}\n\nRatios and targets:\n\n${formatTable(ratios)}\n`);
if (failed.length) process.stdout.write(`\nscripts that failed: ${failed.join(', ')}\n`);
