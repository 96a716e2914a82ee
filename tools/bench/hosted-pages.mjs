// Hosted AuthKit pages and Admin Portal pages benchmark. How to run (after tools/setup.sh and a build):
//   node tools/bench/hosted-pages.mjs                                    full run (BENCH_SECONDS=10 per page)
//   BENCH_SECONDS=1 BENCH_WARMUP_SECONDS=1 node tools/bench/hosted-pages.mjs   smoke run
// Starts its own stack (gateway, organizations, identity, sso, directory-sync, audit-logs,
// admin-portal; ports +BENCH_PORT_OFFSET, databases wos_bench_hosted_*, Redis DB 9) and prints one table:
//   1. each page's server render through the gateway at 16 connections   target p99 < 20 ms
//      AuthKit (every page kind):
//      - GET /user_management/authorize (the SDK's URL: a new flow in Redis + the sign-in page)
//      - the sign-in, sign-up (strength meter script), forgot-password, SSO and reset-password
//        pages with an existing flow cookie
//      - the pages of a flow in a later state, each reached once over HTTP as a browser would
//        (forms posted with the flow's cookie and CSRF token), then rendered again and again:
//        verify-email (after a sign-up), magic code, MFA enrolment (a QR code drawn per render),
//        MFA challenge, organization selection, invitation (sign-up for an invited address),
//        waitlist (an environment whose sign-up policy is waitlist). Not measured: the
//        sso-required page (it needs a membership an IdP granted, and this stack has no IdP;
//        it is the same renderer as the SSO page)
//      - the error pages: a step without a flow (403) and the CSRF refusal (403)
//      Admin Portal (a session per intent, opened from a generated link):
//      - sso (with a SAML connection and its SP details), dsync (a directory, its SCIM requests),
//        domain verification, audit logs, log streams
//   2. the bare route: node:http answering the same sign-in HTML (hosted-pages-baseline-server.mjs)
//   3. the sign-in page's weight (HTML with its inline CSS, SVG and script; nothing else loads)  target < 100 KB
// A row counts only answers with the page's expected status (200, or 403 for the error pages).
// Never fails on a miss. Knobs: BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS=16,
// BENCH_PORT_OFFSET=15500, BENCH_REDIS_URL=redis://127.0.0.1:6379/9, BENCH_ONLY=pages,portal,baseline,
// BENCH_PROFILE=1 or identity,gateway,admin-portal (CPU profiles per page: .tools/bench-profiles/page-<n>-<app>.cpuprofile),
// BENCH_PORTAL_READ_CACHE_MS (admin-portal's PORTAL_READ_CACHE_MS; unset: its default, so a session's
// renders are warm; 0: every render reads from the other services, as a session's first render does).
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

import { join } from 'node:path';
import { benchProfiler, benchStack, formatTable, log, measureCpu, poolLoop, root, startServer, stopOnSignal, stopServer } from './lib.mjs';

const DB_PREFIX = 'wos_bench_hosted';
const PORT_OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 15500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const APP = 'https://app.bench.example/callback';
const only = new Set((process.env.BENCH_ONLY ?? 'pages,portal,baseline').split(','));
const runId = randomBytes(4).toString('hex');

/** Only the page's expected status counts (by default 2xx and 3xx: pages redirect). */
const load = (baseUrl, connections, seconds, request, expect) => poolLoop(baseUrl, connections, seconds, request, expect ? (status) => status === expect : (status) => status < 400);
const PASSWORD = 'violet Kestrel drifts 47 miles';

const measure = (label, fn) => measureCpu(label, DB_PREFIX, fn);

const startBaseline = (port, pageFile) => startServer('hosted-pages-baseline-server.mjs', { PORT: String(port), PAGE_FILE: pageFile });

/** The API of the environment `creds` (its API key), JSON in and out; anything but 2xx throws. */
function apiOf(baseUrl, creds) {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${creds.api_key}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
}

/** A browser's hosted flow: the authorize GET's cookies and the page's CSRF token. */
async function openFlow(baseUrl, clientId, extra = {}) {
  const q = new URLSearchParams({ client_id: clientId, redirect_uri: APP, response_type: 'code', provider: 'authkit', state: 'bench', ...extra });
  const res = await fetch(`${baseUrl}/user_management/authorize?${q}`, { redirect: 'manual' });
  const html = await res.text();
  if (res.status !== 200) throw new Error(`authorize: ${res.status} ${html.slice(0, 300)}`);
  return { cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), csrf: /name="csrf_token" value="([^"]+)"/.exec(html)[1] };
}

/** Posts a hosted form as the browser would; the page it redirects to (a 303 is expected). */
async function postForm(baseUrl, flow, path, fields) {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie: flow.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...fields, csrf_token: flow.csrf }) });
  const text = await res.text();
  if (res.status !== 303) throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 300)}`);
  return res.headers.get('location');
}

/**
 * The AuthKit pages of a flow in a later state: each flow is driven there once over HTTP, then
 * its page is the row's GET (showing a step's page changes nothing in the flow).
 */
async function laterStatePages(baseUrl, creds, clientId, step) {
  const api = apiOf(baseUrl, creds);
  const at = async (path, fields, extra) => {
    const flow = await openFlow(baseUrl, clientId, extra);
    const location = await postForm(baseUrl, flow, step(path), fields);
    return { flow, location };
  };
  const user = async (tag) => api('POST', '/user_management/users', { email: `${tag}-${runId}@bench.example`, password: PASSWORD, email_verified: true });

  // verify-email: an open sign-up waiting for its emailed code.
  const signedUp = await at('sign-up', { email: `signup-${runId}@bench.example`, password: PASSWORD, first_name: 'Bench' });
  // magic code: the code was emailed to an existing address.
  const magicUser = await user('magic');
  const magic = await at('magic', { email: magicUser.email });
  // MFA challenge: a user with a TOTP factor signs in with the password.
  const mfaUser = await user('mfa');
  await api('POST', `/user_management/users/${mfaUser.id}/auth_factors`, { type: 'totp', totp_issuer: 'Bench', totp_user: mfaUser.email });
  const challenged = await at('password', { email: mfaUser.email, password: PASSWORD });
  // Organization selection: a member of two organizations signs in.
  const orgUser = await user('orgs');
  for (const i of [1, 2]) {
    const org = await api('POST', '/organizations', { name: `Bench org ${i} ${runId}` });
    await api('POST', '/user_management/organization_memberships', { user_id: orgUser.id, organization_id: org.id });
  }
  const choosing = await at('password', { email: orgUser.email, password: PASSWORD });
  // Invitation: the invited address's sign-up page.
  const invitation = await api('POST', '/user_management/invitations', { email: `invited-${runId}@bench.example` });
  const invited = await openFlow(baseUrl, clientId, { invitation_token: invitation.token });
  // MFA enrolment: with MFA required, a user without a factor signs in (last: the setting is environment-wide).
  await api('PATCH', '/user_management/authkit/settings', { require_mfa: true });
  const enrolUser = await user('enrol');
  const enrolling = await at('password', { email: enrolUser.email, password: PASSWORD });
  // Waitlist: another environment whose sign-up policy is waitlist.
  const waitEnv = JSON.parse(await currentStack.runGatewayCli(['environments', 'create', '--name', `bench hosted waitlist ${runId}`, '--json']));
  await currentStack.addRedirectUri(waitEnv.environment?.id ?? waitEnv.environment_id, APP);
  await apiOf(baseUrl, waitEnv)('PATCH', '/user_management/authkit/settings', { sign_up_policy: 'waitlist' });
  const waiting = await openFlow(baseUrl, waitEnv.client_id);
  const expectAt = (r, page) => {
    if (!r.location.includes(`/${page}?`)) throw new Error(`expected the ${page} page, went to ${r.location}`);
    return r.flow.cookie;
  };
  const signIn = await openFlow(baseUrl, clientId);
  return [
    ['verify-email page (a sign-up waiting for its code)', step('verify-email'), expectAt(signedUp, 'verify-email')],
    ['magic code page', step('magic/code'), expectAt(magic, 'magic/code')],
    ['MFA challenge page', step('mfa'), expectAt(challenged, 'mfa')],
    ['organization selection page', step('organization'), expectAt(choosing, 'organization')],
    ['invitation page (sign-up for the invited address)', step('sign-up'), invited.cookie],
    ['MFA enrolment page (QR code per render)', step('mfa/enroll'), expectAt(enrolling, 'mfa/enroll')],
    ['waitlist page (sign-up under the waitlist policy)', `/user_management/authorize/sign-up?client_id=${waitEnv.client_id}`, waiting.cookie],
    ['error page: a step without a flow (403)', step('mfa'), null, 403],
    ['error page: CSRF refusal (403)', step('password'), signIn.cookie, 403, 'POST', new URLSearchParams({ email: 'x@bench.example', password: 'x', csrf_token: 'not-the-token' }).toString()],
  ];
}

/**
 * The Admin Portal pages, each with a session opened from a link of its intent: SSO with a SAML
 * connection (its SP details), Directory Sync with a directory, domain verification with a
 * pending domain, audit logs, log streams with one stream.
 */
async function portalPages(baseUrl, creds) {
  const api = apiOf(baseUrl, creds);
  const org = await api('POST', '/organizations', { name: `Bench portal ${runId}`, domain_data: [{ domain: `portal-${runId}.bench.example`, state: 'pending' }] });
  const { generate } = await import('selfsigned');
  const { cert } = await generate([{ name: 'commonName', value: 'bench-idp' }], { keySize: 2048, algorithm: 'sha256' });
  await api('POST', '/connections', { organization_id: org.id, name: 'Bench IdP', connection_type: 'OktaSAML', saml: { idp_entity_id: 'https://idp.bench.example/entity', idp_sso_url: 'https://idp.bench.example/sso', idp_certificate: cert } });
  await api('POST', '/directories', { organization_id: org.id, name: 'Bench directory', type: 'okta scim v2.0' });
  await api('POST', '/audit_logs/log_streams', { organization_id: org.id, type: 'https', name: 'SIEM', config: { url: 'http://127.0.0.1:9/ingest' } });
  const rows = [];
  for (const intent of ['sso', 'dsync', 'domain_verification', 'audit_logs', 'log_streams']) {
    const { link } = await api('POST', '/portal/generate_link', { organization: org.id, intent, return_url: 'https://app.bench.example/settings', success_url: 'https://app.bench.example/done' });
    const launched = await fetch(link, { redirect: 'manual' });
    await launched.text();
    if (launched.status !== 303) throw new Error(`portal launch ${intent}: ${launched.status}`);
    const sessionCookie = launched.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    rows.push([`Admin Portal ${intent} page`, new URL(launched.headers.get('location'), baseUrl).pathname, sessionCookie, 200]);
  }
  return rows;
}

let currentStack;

async function main() {
  const profiler = benchProfiler(['identity', 'gateway', 'admin-portal']);
  const stack = benchStack('hosted', {
    apps: ['organizations', 'identity', 'sso', 'directory-sync', 'audit-logs', 'admin-portal'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9',
    // The benchmark measures rendering, not the limiters (WorkOS's per-environment gateway limit,
    // the pages' per-form window).
    appEnv: profiler.appEnv({
      'api-gateway': { RATE_LIMIT_RULES: '[]', PUBLIC_RATE_LIMIT_PER_IP: '999999999/60', PUBLIC_RATE_LIMIT_PER_CLIENT_ID: '999999999/60' },
      identity: { HOSTED_FORM_LIMIT_PER_MINUTE: '100000000' },
      // The log stream the portal page lists points at loopback http (never delivered to: no events).
      'audit-logs': { AUDIT_LOGS_STREAM_ALLOW_HTTP: 'true', AUDIT_LOGS_STREAM_ALLOWED_CIDRS: '127.0.0.0/8' },
      ...(process.env.BENCH_PORTAL_READ_CACHE_MS ? { 'admin-portal': { PORTAL_READ_CACHE_MS: process.env.BENCH_PORTAL_READ_CACHE_MS } } : {}),
    }),
  });
  stopOnSignal(stack);
  currentStack = stack;

  const rows = [];
  try {
    log('starting the stack (gateway, organizations, identity, sso, directory-sync, audit-logs, admin-portal)…');
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

    const step = (path) => `/user_management/authorize/${path}${path.includes('?') ? '&' : '?'}client_id=${clientId}`;
    /** [name, path, cookie (or none), expected status (default: below 400), method, body] */
    const pages = [
      ['GET /user_management/authorize (new flow + sign-in)', authorizePath, null],
      ['sign-in page (flow cookie)', step('sign-in'), cookie],
      ['sign-up page (meter script)', step('sign-up'), cookie],
      ['forgot-password page', step('forgot-password'), cookie],
      ['SSO page', step('sso'), cookie],
      ['reset-password page', step(`reset-password?token=${'t'.repeat(32)}`), cookie],
    ];
    if (only.has('pages')) {
      const later = await laterStatePages(stack.baseUrl, created, clientId, step);
      pages.push(...later);
    }
    if (only.has('portal')) pages.push(...(await portalPages(stack.baseUrl, created)));
    for (const [i, [name, path, pageCookie, expect, method, body]] of pages.entries()) {
      const portal = path.startsWith('/portal/');
      if (!only.has(portal ? 'portal' : 'pages')) continue;
      const request = () => ({
        method: method ?? 'GET',
        path,
        headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8', ...(pageCookie ? { cookie: pageCookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(body ? { body } : {}),
      });
      await load(stack.baseUrl, CONNECTIONS, WARMUP, request, expect);
      await profiler.on(`page-${i}`);
      const r = await measure(name, () => load(stack.baseUrl, CONNECTIONS, SECONDS, request, expect));
      await profiler.off(`page-${i}`);
      rows.push({ name: `${name} via gateway (${CONNECTIONS} conn, ${SECONDS} s)`, ...r, target: 'p99 < 20 ms', pass: r.p99 < 20 && r.errors === 0 });
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
        await stopServer(child);
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
