// Hosted AuthKit pages benchmark. How to run (after tools/setup.sh and a build):
//   node tools/bench/hosted-pages.mjs                                    full run (BENCH_SECONDS=10 per page)
//   BENCH_SECONDS=1 BENCH_WARMUP_SECONDS=1 node tools/bench/hosted-pages.mjs   smoke run
// Starts its own stack (gateway, organizations, identity; ports +BENCH_PORT_OFFSET, databases
// wos_bench_hosted_*, Redis DB 9) and prints one table:
//   1. each hosted page's server render through the gateway at 16 connections   target p99 < 20 ms
//      - GET /user_management/authorize (the SDK's URL: a new flow in Redis + the sign-in page)
//      - the sign-in, sign-up (strength meter script), forgot-password, SSO and reset-password
//        pages with an existing flow cookie
//   2. the bare route: node:http answering the same sign-in HTML (hosted-pages-baseline-server.mjs)
//   3. the sign-in page's weight (HTML with its inline CSS, SVG and script; nothing else loads)  target < 100 KB
// Pages that need a flow in a later state (verify-email, MFA, organization) are not measured: the
// same renderer and wrapper serve them; the MFA enrolment page adds a QR code (qrcode, SVG).
// Never fails on a miss. Knobs: BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS=16,
// BENCH_PORT_OFFSET=15500, BENCH_REDIS_URL=redis://127.0.0.1:6379/9, BENCH_ONLY=pages,baseline,
// BENCH_PROFILE=1 or identity,gateway (CPU profiles per page: .tools/bench-profiles/page-<n>-<app>.cpuprofile).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';

import { join } from 'node:path';
import { benchDir, benchProfiler, benchStack, formatTable, log, measureCpu, poolLoop, root, stopOnSignal, track } from './lib.mjs';

const DB_PREFIX = 'wos_bench_hosted';
const PORT_OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 15500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const APP = 'https://app.bench.example/callback';
const only = new Set((process.env.BENCH_ONLY ?? 'pages,baseline').split(','));
const runId = randomBytes(4).toString('hex');

/** 2xx and 3xx answers count (pages redirect). */
const load = (baseUrl, connections, seconds, request) => poolLoop(baseUrl, connections, seconds, request, (status) => status < 400);

const measure = (label, fn) => measureCpu(label, DB_PREFIX, fn);

async function startBaseline(port, pageFile) {
  const child = track(spawn(process.execPath, [join(benchDir, 'hosted-pages-baseline-server.mjs')], { env: { PATH: process.env.PATH ?? '', PORT: String(port), PAGE_FILE: pageFile }, stdio: ['ignore', 'pipe', 'inherit'] }));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('baseline server not ready in 15 s')), 15_000);
    child.stdout.on('data', (d) => String(d).includes('ready') && (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`baseline server exited (${code})`))));
  });
  return child;
}

async function main() {
  const profiler = benchProfiler(['identity', 'gateway']);
  const stack = benchStack('hosted', {
    apps: ['organizations', 'identity'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9',
    // The benchmark measures rendering, not the limiters (WorkOS's per-environment gateway limit,
    // the pages' per-form window) or SSO (absent: the provider list is empty and cached).
    appEnv: profiler.appEnv({
      'api-gateway': { RATE_LIMIT_RULES: '[]', PUBLIC_RATE_LIMIT_PER_IP: '999999999/60', PUBLIC_RATE_LIMIT_PER_CLIENT_ID: '999999999/60' },
      identity: { HOSTED_FORM_LIMIT_PER_MINUTE: '100000000' },
    }),
  });
  stopOnSignal(stack);

  const rows = [];
  try {
    log('starting the stack (gateway, organizations, identity)…');
    await stack.start();
    const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench hosted ${runId}`, '--json']));
    const clientId = created.client_id;
    await stack.addRedirectUri(created.environment.id, APP);
    const q = new URLSearchParams({ client_id: clientId, redirect_uri: APP, response_type: 'code', provider: 'authkit', state: 'bench' });
    const authorizePath = `/user_management/authorize?${q}`;

    // One flow (cookie) reused for the pages a browser opens after the first.
    const first = await fetch(`${stack.baseUrl}${authorizePath}`, { headers: { 'accept-language': 'en' } });
    const html = await first.text();
    // Every cookie the first answer set (the flow's, and the device cookie), as a browser sends them back.
    const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const weight = Buffer.byteLength(html);
    const pageFile = join(root, '.tools', 'bench-hosted-sign-in.html');
    mkdirSync(join(root, '.tools'), { recursive: true });
    writeFileSync(pageFile, html);

    const pages = [
      ['GET /user_management/authorize (new flow + sign-in)', authorizePath, false],
      ['sign-in page (flow cookie)', `/user_management/authorize/sign-in?client_id=${clientId}`, true],
      ['sign-up page (meter script)', `/user_management/authorize/sign-up?client_id=${clientId}`, true],
      ['forgot-password page', `/user_management/authorize/forgot-password?client_id=${clientId}`, true],
      ['SSO page', `/user_management/authorize/sso?client_id=${clientId}`, true],
      ['reset-password page', `/user_management/authorize/reset-password?client_id=${clientId}&token=${'t'.repeat(32)}`, true],
    ];
    if (only.has('pages')) {
      for (const [i, [name, path, withCookie]] of pages.entries()) {
        const request = () => ({ method: 'GET', path, headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8', ...(withCookie ? { cookie } : {}) } });
        await load(stack.baseUrl, CONNECTIONS, WARMUP, request);
        await profiler.on(`page-${i}`);
        const r = await measure(name, () => load(stack.baseUrl, CONNECTIONS, SECONDS, request));
        await profiler.off(`page-${i}`);
        rows.push({ name: `${name} via gateway (${CONNECTIONS} conn, ${SECONDS} s)`, ...r, target: 'p99 < 20 ms', pass: r.p99 < 20 && r.errors === 0 });
      }
    }
    if (only.has('baseline')) {
      const port = PORT_OFFSET + 8093;
      const child = await startBaseline(port, pageFile);
      try {
        const request = () => ({ method: 'GET', path: '/', headers: {} });
        await load(`http://127.0.0.1:${port}`, CONNECTIONS, WARMUP, request);
        const base = await measure('baseline', () => load(`http://127.0.0.1:${port}`, CONNECTIONS, SECONDS, request));
        rows.push({ name: `baseline: bare node:http, same HTML (${CONNECTIONS} conn, ${SECONDS} s)`, ...base, target: 'reference' });
      } finally {
        child.kill('SIGTERM');
        await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5000).unref())]);
      }
    }
    rows.push({ name: `sign-in page weight: ${(weight / 1024).toFixed(1)} KB (one document, nothing else loads)`, target: '< 100 KB', pass: weight < 100 * 1024 });
  } finally {
    await stack.stop();
  }
  process.stdout.write(`Hosted pages benchmark ${new Date().toISOString()} run ${runId}\n${formatTable(rows)}\n`);
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err}`);
  process.exit(1);
});
