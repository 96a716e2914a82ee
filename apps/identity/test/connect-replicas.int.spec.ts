import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { SecretBox, signInternalRequest } from '@wos/platform';
import { createTestDatabase, testInfra, type TestDatabase } from '@wos/platform/testing';
import { loadAppConfig } from '../src/config';
import { startIdentityService } from '../src/identity.app';
import { MIGRATIONS, SECRET } from './support';

const ENV = 'environment_01HZBC6N1EB1ZY7KG32XREPLIC1';
const ENV_CLIENT = 'client_01HZBC6N1EB1ZY7KG32XREPLIC1';
const REDIRECT = 'https://app.example.com/cb';

/**
 * Two identity replicas on one database and one Redis: every step of an authorization-code flow
 * (authorize, interaction, AuthKit sign-in, callback, resume, token, userinfo, refresh,
 * introspection) alternates between them, as a load balancer might send it. Requests are signed
 * as the gateway signs them for `/oauth2/<client_id>` (public client of the environment).
 */
describe('Connect authorization server on two replicas', () => {
  let db: TestDatabase;
  const replicas: { app: NestFastifyApplication; port: number }[] = [];
  let turn = 0;
  const cookies = new Map<string, string>();

  async function send(method: string, path: string, opts: { form?: Record<string, string>; json?: unknown; apiKey?: boolean; basic?: string; replica?: number } = {}) {
    const r = replicas[opts.replica ?? turn++ % replicas.length]!;
    const body = opts.form ? new URLSearchParams(opts.form).toString() : opts.json !== undefined ? JSON.stringify(opts.json) : undefined;
    const headers: Record<string, string> = {
      ...signInternalRequest(SECRET, 'identity', ENV, { method, path, body }, opts.apiKey ? {} : { authKind: 'public_client', clientId: ENV_CLIENT }),
      'x-forwarded-host': 'auth.example.com',
      'x-forwarded-proto': 'https',
    };
    if (body) headers['content-type'] = opts.form ? 'application/x-www-form-urlencoded' : 'application/json';
    if (opts.basic) headers.authorization = opts.basic;
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`http://127.0.0.1:${r.port}${path}`, { method, headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }
  const pathOf = (location: string) => {
    const u = new URL(location, 'https://auth.example.com');
    return `${u.pathname}${u.search}`;
  };

  before(async () => {
    db = await createTestDatabase('connect_replicas', MIGRATIONS);
    const config = loadAppConfig({
      PORT: '0',
      INTERNAL_AUTH_SECRET: SECRET,
      INTERNAL_AUTH_PEER_KEYS: `organizations=${SECRET},sso=${SECRET}`,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      REDIS_URL: testInfra.redisUrl,
      SECRET_ENCRYPTION_KEYS: SecretBox.generateKeys(),
      ORGANIZATIONS_URL: 'http://127.0.0.1:9',
      PUBLIC_BASE_URL: 'https://auth.example.com',
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_TIME_COST: '1',
      LOG_LEVEL: 'silent',
      // Longer than any wait below: a change reaches the other replica only through its NOTIFY.
      CONNECT_CLIENT_CACHE_SECONDS: '300',
    });
    for (let i = 0; i < 2; i++) {
      const app = await startIdentityService(config);
      replicas.push({ app, port: (app.getHttpServer().address() as AddressInfo).port });
    }
  });
  after(async () => {
    for (const r of replicas) await r.app.close();
    await db?.drop();
  });

  /** An OAuth application with a secret, a user and a code flow through AuthKit's sign-in, alternating replicas: its tokens. */
  async function codeFlow(scope: string) {
    const email = `replica-${randomBytes(3).toString('hex')}@example.com`;
    const password = 'replica password long enough';
    assert.equal((await send('POST', '/user_management/users', { json: { email, password, email_verified: true }, apiKey: true })).status, 201);
    const created = await send('POST', '/connect/applications', { json: { application_type: 'oauth', name: 'Replicated', is_first_party: true, redirect_uris: [{ uri: REDIRECT }] }, apiKey: true });
    assert.equal(created.status, 201);
    const app = (await created.json()) as { id: string; client_id: string };
    const secret = ((await (await send('POST', `/connect/applications/${app.id}/client_secrets`, { json: {}, apiKey: true })).json()) as { secret: string }).secret;
    const basic = `Basic ${Buffer.from(`${app.client_id}:${secret}`).toString('base64')}`;

    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    cookies.clear(); // a new browser: the flow signs in
    let res = await send('GET', `/oauth2/${ENV_CLIENT}/authorize?${new URLSearchParams({ client_id: app.client_id, redirect_uri: REDIRECT, response_type: 'code', scope, code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent' })}`);
    let code: string | null = null;
    for (let hops = 0; hops < 12 && !code; hops++) {
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location')!;
        if (location.startsWith(REDIRECT)) code = new URL(location).searchParams.get('code');
        else res = await send('GET', pathOf(location));
      } else {
        const html = await res.text();
        assert.equal(res.status, 200, html.slice(0, 300));
        // The hosted sign-in page's password form: its action and CSRF token (the flow cookie is in `cookies`).
        const action = /<form method="post" action="([^"]*\/password[^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
        const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
        assert.ok(action && csrf, html.slice(0, 300));
        res = await send('POST', pathOf(action), { form: { email, password, csrf_token: csrf } });
      }
    }
    assert.ok(code, 'the flow reached the redirect URI');
    const tokens = (await (await send('POST', `/oauth2/${ENV_CLIENT}/token`, { form: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, basic })).json()) as Record<string, string>;
    assert.ok(tokens.access_token, JSON.stringify(tokens));
    return { app, basic, tokens };
  }
  const introspect = async (token: string, basic: string) =>
    (await (await send('POST', `/oauth2/${ENV_CLIENT}/introspect`, { form: { token }, basic })).json()) as Record<string, unknown>;

  test('a code flow, refresh and introspection alternate between the replicas and succeed', async () => {
    const { app, basic, tokens } = await codeFlow('openid offline_access');
    const tokenPath = `/oauth2/${ENV_CLIENT}/token`;
    assert.ok(tokens.refresh_token, JSON.stringify(tokens));
    const refreshed = (await (await send('POST', tokenPath, { form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic })).json()) as Record<string, string>;
    assert.ok(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token);
    const live = await introspect(refreshed.access_token!, basic);
    assert.equal(live.active, true, JSON.stringify(live));
    assert.equal(live.client_id, app.client_id);
    assert.ok(typeof live.sub === 'string' && live.sub.startsWith('user_'));
    // The spent refresh token is known as spent on the other replica too: reuse revokes the grant.
    const reuse = (await (await send('POST', tokenPath, { form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic })).json()) as Record<string, string>;
    assert.equal(reuse.error, 'invalid_grant');
    const intro = (await (await send('POST', `/oauth2/${ENV_CLIENT}/introspect`, { form: { token: refreshed.access_token! }, basic })).json()) as { active: boolean };
    assert.equal(intro.active, false, 'the grant was revoked for both replicas');
  });

  /**
   * Introspection reads the token with its grant and its session in one statement (the adapter
   * serves the grant and session lookups that follow from it): without either row, the token is
   * inactive, exactly as with separate lookups.
   */
  test('introspection: a token whose session or grant is gone is inactive', async () => {
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    try {
      // Without offline_access the access token lives with the browser session.
      const bound = await codeFlow('openid');
      assert.equal((await introspect(bound.tokens.access_token!, bound.basic)).active, true);
      await sql.query(`DELETE FROM oauth_artifacts WHERE model = 'Session'`);
      assert.equal((await introspect(bound.tokens.access_token!, bound.basic)).active, false, 'the session ended');

      const offline = await codeFlow('openid offline_access');
      assert.equal((await introspect(offline.tokens.access_token!, offline.basic)).active, true);
      const { rowCount } = await sql.query(`DELETE FROM oauth_artifacts WHERE model = 'Grant'`);
      assert.ok(rowCount);
      assert.equal((await introspect(offline.tokens.access_token!, offline.basic)).active, false, 'the grant is gone');
    } finally {
      await sql.end();
    }
  });

  /**
   * Client authentication is served from each replica's cache (ConnectClientCache): a change made
   * through one replica applies there at once and on the other on its NOTIFY, never after the
   * cache's TTL (300 s here, so the test would time out if the notification were not acted on).
   */
  test('client secrets and applications: created, deleted and changed through one replica, at once on it and on the NOTIFY on the other', async () => {
    const created = await send('POST', '/connect/applications', { json: { application_type: 'oauth', name: 'Cached', is_first_party: true, redirect_uris: [{ uri: REDIRECT }] }, apiKey: true, replica: 0 });
    assert.equal(created.status, 201);
    const app = (await created.json()) as { id: string; client_id: string };
    const newSecret = async (replica: number) =>
      (await (await send('POST', `/connect/applications/${app.id}/client_secrets`, { json: {}, apiKey: true, replica })).json()) as { id: string; secret: string };
    const basicOf = (secret: string) => `Basic ${Buffer.from(`${app.client_id}:${secret}`).toString('base64')}`;
    /** Client authentication alone: introspecting an unknown token is 200 (inactive) for an authenticated client, 401 otherwise. */
    const authenticate = async (replica: number, secret: string) =>
      (await send('POST', `/oauth2/${ENV_CLIENT}/introspect`, { form: { token: 'not-a-token' }, basic: basicOf(secret), replica })).status;
    /** Waits until `probe` gives `want`; fails after 5 s, far below the cache's TTL. */
    const until = async <T>(what: string, probe: () => Promise<T>, want: T) => {
      const started = Date.now();
      let got = await probe();
      while (got !== want) {
        assert.ok(Date.now() - started < 5000, `${what}: still ${String(got)} after 5 s`);
        await new Promise((r) => setTimeout(r, 25));
        got = await probe();
      }
    };

    const first = await newSecret(0);
    assert.equal(await authenticate(0, first.secret), 200);
    assert.equal(await authenticate(1, first.secret), 200, 'both replicas now hold the client');
    // A secret created through replica 1 works on replica 0 at once: a hash not in the cache is checked in the database.
    const second = await newSecret(1);
    assert.equal(await authenticate(0, second.secret), 200);
    assert.equal(await authenticate(1, second.secret), 200);
    assert.equal(await authenticate(0, `${second.secret}x`), 401);

    // The use is recorded (last_used_at, to the minute), off the request's path.
    const lastUsed = async () => {
      const listed = (await (await send('GET', `/connect/applications/${app.id}/client_secrets`, { apiKey: true })).json()) as { id: string; last_used_at: string | null }[];
      return Boolean(listed.find((s) => s.id === first.id)?.last_used_at);
    };
    await until('last_used_at', lastUsed, true);

    // Deleted through replica 0: refused there at once, on replica 1 on the NOTIFY.
    assert.equal((await send('DELETE', `/connect/client_secrets/${first.id}`, { apiKey: true, replica: 0 })).status, 204);
    assert.equal(await authenticate(0, first.secret), 401);
    await until('the deleted secret on replica 1', () => authenticate(1, first.secret), 401);
    assert.equal(await authenticate(1, second.secret), 200, 'the other secret still works');

    // A redirect URI added through replica 1 is accepted by replica 0's authorization endpoint.
    const added = 'https://app.example.com/other-cb';
    const authorize = async (replica: number) => {
      const query = new URLSearchParams({ client_id: app.client_id, redirect_uri: added, response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
      return (await send('GET', `/oauth2/${ENV_CLIENT}/authorize?${query}`, { replica })).status;
    };
    assert.equal(await authorize(0), 400, 'not registered yet');
    const updated = await send('PUT', `/connect/applications/${app.id}`, { json: { redirect_uris: [{ uri: REDIRECT }, { uri: added }] }, apiKey: true, replica: 1 });
    assert.equal(updated.status, 200);
    assert.equal(await authorize(1), 303);
    await until('the new redirect URI on replica 0', () => authorize(0), 303);

    // The application deleted through replica 1: refused there at once, on replica 0 on the NOTIFY.
    assert.equal((await send('DELETE', `/connect/applications/${app.id}`, { apiKey: true, replica: 1 })).status, 204);
    assert.equal(await authenticate(1, second.secret), 401);
    await until('the deleted application on replica 0', () => authenticate(0, second.secret), 401);
  });
});
