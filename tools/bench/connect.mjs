// Connect authorization-server benchmark.
//
// How to run (after the build, on a quiet machine):
//   node tools/bench/connect.mjs
// Smoke run:
//   BENCH_CONNECT_SECONDS=1 BENCH_CONNECT_CONNECTIONS=4 node tools/bench/connect.mjs
//
// Starts a dedicated stack (gateway, organizations, identity; ports +BENCH_CONNECT_PORT_OFFSET,
// databases wos_bench_connect_*, public rate limits lifted), creates an M2M application with a
// client secret and, through AuthKit's hosted sign-in, an opaque access token of a first-party
// OAuth application, then measures:
//   1. client_credentials tokens/s: POST /oauth2/<client_id>/token (Basic secret, RS256 JWT);
//   2. introspection/s: POST /oauth2/<client_id>/introspect of the opaque token;
//   3. the same two on a bare Fastify + pg route doing the irreducible work (secret by hash, JWT
//      signature; token row by hash), tools/bench/connect-baseline-server.mjs, in the same run.
// Prints one table to stdout; progress goes to stderr. It never fails on a missed target.
// Knobs: BENCH_CONNECT_SECONDS (20), BENCH_CONNECT_CONNECTIONS (32), BENCH_CONNECT_PORT_OFFSET (22000),
// BENCH_PROFILE=identity,gateway (1: identity) for CPU profiles of the measured gateway phases,
// .tools/bench-profiles/connect-{tokens,introspection}-<app>.cpuprofile (profile-summary.mjs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Pool } from 'undici';
import { benchDir, benchProfiler, benchStack, bufferedRequest, children, closedLoop, formatTable, log, root, sleep, track } from './lib.mjs';

const require = createRequire(import.meta.url);
const { OAuthAgent, authorizeWithPassword, pkcePair } = require(join(root, 'test/dist/support/oauth-agent.js'));

const PORT_OFFSET = Number(process.env.BENCH_CONNECT_PORT_OFFSET ?? 22_000);
const DB_PREFIX = 'wos_bench_connect';
const SECONDS = Number(process.env.BENCH_CONNECT_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECT_CONNECTIONS ?? 32);
const runId = randomBytes(4).toString('hex');
const REDIRECT = 'http://127.0.0.1:9913/cb';

const profiler = benchProfiler(['identity']);

const load = (name, seconds, connections, fn) =>
  closedLoop(name, { seconds, connections, dbPrefix: DB_PREFIX, groups: ['gateway', 'identity', 'baseline'], ok: (r) => r.status === 200 && r.ok }, fn);

function formClient(origin, connections, authorization) {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  return {
    pool,
    async post(path, fields, check) {
      const res = await bufferedRequest(pool, { method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization }, body: new URLSearchParams(fields).toString() });
      const text = res.body.toString('utf8');
      return { status: res.statusCode, text, ok: res.statusCode === 200 && check(JSON.parse(text)) };
    },
  };
}

const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function main() {
  const header = [
    `WOS Connect authorization-server benchmark ${new Date().toISOString()}  run ${runId}`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; the load generator shares the cores with the services`,
    `node ${process.version}; ${CONNECTIONS} connections, ${SECONDS} s per phase`,
  ].join('\n');
  log(header.replace(/\n/g, '\n[bench] '));
  const stack = benchStack('connect', {
    apps: ['organizations', 'identity'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9',
    allowLoopbackUrls: true,
    appEnv: profiler.appEnv({ 'api-gateway': { PUBLIC_RATE_LIMIT_PER_IP: '999999999/60', PUBLIC_RATE_LIMIT_PER_CLIENT_ID: '999999999/60' } }),
  });
  const rows = [];
  const closers = [];
  try {
    log('starting the stack (gateway, organizations, identity)…');
    await stack.start();
    const creds = await stack.createEnvironment(`bench ${runId}`);
    const issuerPath = `/oauth2/${creds.client_id}`;
    const issuer = `${stack.baseUrl}${issuerPath}`;
    const api = async (method, path, body) => {
      const res = await fetch(`${stack.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${creds.api_key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const org = await api('POST', '/organizations', { name: `Bench ${runId}` });
    const m2m = await api('POST', '/connect/applications', { application_type: 'm2m', name: 'bench m2m', organization_id: org.id, scopes: ['bench:read'] });
    const m2mSecret = (await api('POST', `/connect/applications/${m2m.id}/client_secrets`, {})).secret;
    const web = await api('POST', '/connect/applications', { application_type: 'oauth', name: 'bench web', is_first_party: true, redirect_uris: [{ uri: REDIRECT }] });
    const webSecret = (await api('POST', `/connect/applications/${web.id}/client_secrets`, {})).secret;
    const user = { email: `bench-${runId}@example.com`, password: `bench-${runId}-password` };
    await api('POST', '/user_management/users', { email: user.email, password: user.password, email_verified: true });
    const { verifier, challenge } = pkcePair();
    const authorize = `${issuer}/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`;
    const { redirect } = await authorizeWithPassword(new OAuthAgent(stack.baseUrl), authorize, REDIRECT, user);
    const exchanged = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(web.client_id, webSecret) },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: redirect.searchParams.get('code'), redirect_uri: REDIRECT, code_verifier: verifier }),
    });
    const opaque = (await exchanged.json()).access_token;
    if (!opaque) throw new Error('no access token from the code flow');

    const m2mClient = formClient(stack.baseUrl, CONNECTIONS, basic(m2m.client_id, m2mSecret));
    const webClient = formClient(stack.baseUrl, CONNECTIONS, basic(web.client_id, webSecret));
    closers.push(() => m2mClient.pool.close(), () => webClient.pool.close());
    const token = () => m2mClient.post(`${issuerPath}/token`, { grant_type: 'client_credentials', scope: 'bench:read' }, (j) => typeof j.access_token === 'string');
    const introspect = () => webClient.post(`${issuerPath}/introspect`, { token: opaque }, (j) => j.active === true);

    await load('warm-up', Math.min(3, SECONDS), CONNECTIONS, token);
    await profiler.on('connect-tokens');
    const tokens = await load(`client_credentials via gateway, ${CONNECTIONS} conns`, SECONDS, CONNECTIONS, token);
    await profiler.off('connect-tokens');
    rows.push({ ...tokens, target: '>= 1,000/s', pass: tokens.rps >= 1000 && tokens.errors === 0 });
    await load('warm-up', Math.min(3, SECONDS), CONNECTIONS, introspect);
    await profiler.on('connect-introspection');
    const intro = await load(`introspection via gateway, ${CONNECTIONS} conns`, SECONDS, CONNECTIONS, introspect);
    await profiler.off('connect-introspection');
    rows.push({ ...intro, target: '>= 3,000/s', pass: intro.rps >= 3000 && intro.errors === 0 });

    const port = PORT_OFFSET + 8093;
    const child = track(
      spawn(process.execPath, [join(benchDir, 'connect-baseline-server.mjs')], {
        env: { ...process.env, DATABASE_URL: stack.databaseUrl('identity'), POOL_SIZE: stack.appEnv('identity').DATABASE_POOL_SIZE ?? '10', PORT: String(port), ENVIRONMENT_ID: creds.environment_id, ISSUER: issuer },
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
    closers.push(() => child.kill('SIGTERM'));
    const baseM2m = formClient(`http://127.0.0.1:${port}`, CONNECTIONS, basic(m2m.client_id, m2mSecret));
    const baseWeb = formClient(`http://127.0.0.1:${port}`, CONNECTIONS, basic(web.client_id, webSecret));
    closers.push(() => baseM2m.pool.close(), () => baseWeb.pool.close());
    for (let i = 0; ; i++) {
      try {
        if ((await baseM2m.post('/token', { scope: 'bench:read' }, () => true)).status === 200) break;
      } catch {
        if (i > 100) throw new Error('baseline server did not start');
      }
      await sleep(100);
    }
    const baseTokens = await load(`baseline token (bare Fastify + pg + jose), ${CONNECTIONS} conns`, SECONDS, CONNECTIONS, () => baseM2m.post('/token', { scope: 'bench:read' }, (j) => typeof j.access_token === 'string'));
    const baseIntro = await load(`baseline introspection (bare Fastify + pg), ${CONNECTIONS} conns`, SECONDS, CONNECTIONS, () => baseWeb.post('/introspect', { token: opaque }, (j) => j.active === true));
    rows.push({ ...baseTokens, target: '' }, { ...baseIntro, target: '' });
    rows.push({ name: 'tokens: gateway / baseline', ratio: tokens.rps / baseTokens.rps, target: '' });
    rows.push({ name: 'introspection: gateway / baseline', ratio: intro.rps / baseIntro.rps, target: '' });
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    for (const c of children) c.kill('SIGTERM');
    await stack.stop();
  }
  console.log(header);
  console.log('');
  console.log(formatTable(rows));
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
