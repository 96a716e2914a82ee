// SSO benchmark (node tools/bench/sso-acs.mjs, after tools/setup.sh and a build including the sso
// app's tests: npx tsc -b apps/sso). Starts the sso service as its own process on a fresh
// database (wos_bench_sso_*, Redis DB 6), makes a SAML connection to a samlify IdP with
// IdP-initiated sign-in on (so every POST stands alone, with no pending request to create), has
// the IdP sign BENCH_RESPONSES distinct responses up front, then prints one table:
//   1. ACS: signed responses POSTed to /sso/saml/acs/:id, each validated (signature, conditions,
//      replay mark in Redis, profile upsert + event in Postgres) and answered with a code    target >= 300/s,
//      first with one sso process, then with a second one sharing the port (REUSE_PORT)
//   2. raw XML-signature verification (xml-crypto, in this process) of one of the same responses
//   3. their ratio: how much of the ACS cost is the signature itself
// Knobs: BENCH_SECONDS=10 BENCH_CONNECTIONS=16 BENCH_RESPONSES=5000 BENCH_CPU_PROFILE=<dir> (profile the service)
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { bufferedRequest, children, formatTable, log, root, track } from './lib.mjs';

const require = createRequire(import.meta.url);
const { signInternalRequest, SecretBox, newId } = require(join(root, 'libs/platform/dist/index.js'));
const { createTestDatabase, waitFor } = require(join(root, 'libs/platform/dist/testing/index.js'));
const { TestSamlIdp } = require(join(root, 'apps/sso/dist/test/support/saml-idp.js'));
const { SignedXml } = require('xml-crypto');
const { DOMParser } = require('@xmldom/xmldom');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 5000);
const SECRET = 'bench-internal-secret-sso-0123456789';
const ENV = newId('environment');

/** CPU time (ms) a process has used so far, from /proc (Linux). */
const procCpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function main() {
  const db = await createTestDatabase('bench_sso', join(root, 'apps/sso/prisma/migrations'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Every sso process shares the port (REUSE_PORT): the second one, started for the 2-process
  // phase, takes half of the new connections (the kernel spreads them).
  const startSso = () => {
    const child = track(
      spawn(process.execPath, [...(process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []), join(root, 'apps/sso/dist/src/main.js')], {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          PORT: String(port),
          REUSE_PORT: 'true',
          INTERNAL_AUTH_SECRET: SECRET,
          // The connection has no organization, so no call reaches the organizations service; the
          // config still needs its key, as it needs one for every service sso calls.
          INTERNAL_AUTH_PEER_KEYS: `organizations=${SECRET}`,
          DATABASE_URL: db.url,
          KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
          REDIS_URL: 'redis://127.0.0.1:6379/6',
          SECRET_ENCRYPTION_KEYS: keys,
          PUBLIC_BASE_URL: base,
          SSO_ALLOW_HTTP_IDP_URLS: 'true',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const started = new Promise((resolve, reject) => {
      child.on('message', (m) => m?.wos === 'started' && resolve());
      child.once('exit', (code) => reject(new Error(`sso exited (${code}) before it started`)));
    });
    return { child, started };
  };
  const keys = SecretBox.generateKeys();
  const first = startSso();
  const processes = [first.child];
  try {
    await first.started;
    await waitFor(async () => (await fetch(`${base}/ready`)).ok, { timeoutMs: 60_000, message: 'sso ready' });
    const api = async (method, path, body) => {
      const payload = body && JSON.stringify(body);
      const headers = { ...signInternalRequest(SECRET, 'sso', ENV, { method, path, body: payload }), 'content-type': 'application/json' };
      const res = await fetch(`${base}${path}`, { method, headers, body: payload });
      const json = await res.json();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const idp = await TestSamlIdp.start();
    const conn = await api('POST', '/connections', {
      name: 'bench',
      connection_type: 'OktaSAML',
      saml: { idp_metadata_xml: idp.metadataXml(), allow_idp_initiated: true, idp_initiated_redirect_uri: 'https://app.example.com/cb' },
      activate: true,
    });
    idp.trust((await api('GET', `/connections/${conn.id}/sp_metadata`)).metadata_xml, { signAssertion: true });
    log(`signing ${RESPONSES} responses with samlify…`);
    const responses = [];
    for (let i = 0; i < RESPONSES; i++) {
      idp.user = { nameId: `user${i % 500}@bench.example`, attributes: { email: `user${i % 500}@bench.example`, firstName: 'Bench', lastName: `User ${i}`, groups: ['a', 'b'] } };
      responses.push(new URLSearchParams({ SAMLResponse: await idp.respond({ inResponseTo: null }) }).toString());
    }
    await idp.close();

    // 1. ACS throughput, with one sso process and then with two.
    const path = `/sso/saml/acs/${conn.id}`;
    let next = 0;
    const procsCpuMs = () => processes.reduce((sum, c) => sum + procCpuMs(c.pid), 0);
    const acsPhase = async (label) => {
      const pool = new Pool(base, { connections: CONNECTIONS, pipelining: 1 });
      const latencies = [];
      let ok = 0;
      let errors = 0;
      const post = async (body) => {
        const t = performance.now();
        const res = await bufferedRequest(pool, { method: 'POST', path, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        latencies.push(performance.now() - t);
        if (res.statusCode === 302 && /[?&]code=/.test(res.headers.location ?? '')) ok++;
        else errors++;
      };
      // Warm-up, on every connection (so each is open, and spread over the processes, before timing).
      await Promise.all(Array.from({ length: CONNECTIONS }, async () => { for (let i = 0; i < 4; i++) await post(responses[next++]); }));
      ok = errors = 0;
      latencies.length = 0;
      const cpuBefore = procsCpuMs();
      const started = performance.now();
      const deadline = started + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (performance.now() < deadline && next < responses.length) await post(responses[next++]);
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const serviceCpuPerAcs = (procsCpuMs() - cpuBefore) / Math.max(1, ok + errors);
      await pool.close();
      latencies.sort((x, y) => x - y);
      const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
      if (next >= responses.length) log(`ran out of pre-signed responses after ${elapsed.toFixed(1)} s; raise BENCH_RESPONSES for a longer run`);
      const row = { name: `SAML ACS: validate → code (${label})`, requests: ok + errors, rps: ok / elapsed, p50: pct(0.5), p99: pct(0.99), max: latencies.at(-1), errors, target: '>= 300/s' };
      row.cpu = `service ${serviceCpuPerAcs.toFixed(2)} ms CPU per request`;
      row.pass = row.rps >= 300;
      row.cpuPerAcs = serviceCpuPerAcs;
      return row;
    };
    log('ACS with one sso process…');
    const acs1 = await acsPhase('1 process');
    const second = startSso();
    processes.push(second.child);
    await second.started;
    log('ACS with two sso processes sharing the port…');
    const acs = await acsPhase('2 processes');
    const serviceCpuPerAcs = acs1.cpuPerAcs;

    // 2. Raw XML-signature verification of the same response, in this (otherwise idle) process.
    const xml = Buffer.from(decodeURIComponent(responses[0].slice('SAMLResponse='.length)), 'base64').toString('utf8');
    const verifyOnce = () => {
      const doc = new DOMParser().parseFromString(xml, 'text/xml');
      const signature = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
      const sig = new SignedXml({ publicCert: idp.keys.cert });
      sig.loadSignature(signature);
      if (!sig.checkSignature(xml)) throw new Error('the reference response does not verify');
    };
    for (let i = 0; i < 200; i++) verifyOnce();
    const rawTimes = [];
    const rawCpu = process.cpuUsage();
    const rawStart = performance.now();
    while (performance.now() - rawStart < Math.min(SECONDS, 5) * 1000) {
      const t = performance.now();
      verifyOnce();
      rawTimes.push(performance.now() - t);
    }
    const rawElapsed = (performance.now() - rawStart) / 1000;
    const rawCpuUsed = process.cpuUsage(rawCpu);
    const rawCpuPerOp = (rawCpuUsed.user + rawCpuUsed.system) / 1000 / rawTimes.length;
    rawTimes.sort((a, b) => a - b);
    const raw = {
      name: 'raw XML-signature verification (xml-crypto)',
      requests: rawTimes.length,
      rps: rawTimes.length / rawElapsed,
      p50: rawTimes[Math.floor(rawTimes.length / 2)],
      p99: rawTimes[Math.floor(rawTimes.length * 0.99)],
      max: rawTimes.at(-1),
      errors: 0,
      target: '-',
      cpu: `${rawCpuPerOp.toFixed(2)} ms CPU per verification`,
    };
    const ratio = { name: 'ratio ACS (2 processes) / raw verification', requests: '', ratio: acs.rps / raw.rps, errors: '', target: '-', cpu: `CPU cost ratio ${(rawCpuPerOp / serviceCpuPerAcs).toFixed(2)} (1 process)` };
    const scaling = { name: 'scaling: 2 processes / 1 process', requests: '', ratio: acs.rps / acs1.rps, errors: '', target: '-' };
    process.stdout.write(`\nSSO benchmark: ${CONNECTIONS} connections, ${SECONDS} s, response ${xml.length} bytes (assertion signed, RSA-SHA256, 2048-bit)\n\n`);
    process.stdout.write(`${formatTable([acs1, acs, scaling, raw, ratio])}\n`);
    process.stdout.write(`\nload average during the run: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(', ')} (2 cores)\n`);
  } finally {
    for (const child of processes) {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      children.delete(child);
    }
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    log(err.stack ?? String(err));
    for (const c of children) c.kill('SIGKILL');
    process.exit(1);
  },
);
