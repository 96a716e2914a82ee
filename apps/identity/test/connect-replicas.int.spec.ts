import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
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

  async function send(method: string, path: string, opts: { form?: Record<string, string>; json?: unknown; apiKey?: boolean; basic?: string } = {}) {
    const r = replicas[turn++ % replicas.length]!;
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

  test('a code flow, refresh and introspection alternate between the replicas and succeed', async () => {
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
    let res = await send('GET', `/oauth2/${ENV_CLIENT}/authorize?${new URLSearchParams({ client_id: app.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent' })}`);
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

    const tokenPath = `/oauth2/${ENV_CLIENT}/token`;
    const tokens = (await (await send('POST', tokenPath, { form: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, basic })).json()) as Record<string, string>;
    assert.ok(tokens.access_token && tokens.refresh_token, JSON.stringify(tokens));
    const refreshed = (await (await send('POST', tokenPath, { form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic })).json()) as Record<string, string>;
    assert.ok(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token);
    // The spent refresh token is known as spent on the other replica too: reuse revokes the grant.
    const reuse = (await (await send('POST', tokenPath, { form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic })).json()) as Record<string, string>;
    assert.equal(reuse.error, 'invalid_grant');
    const intro = (await (await send('POST', `/oauth2/${ENV_CLIENT}/introspect`, { form: { token: refreshed.access_token! }, basic })).json()) as { active: boolean };
    assert.equal(intro.active, false, 'the grant was revoked for both replicas');
  });
});
