import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findSchemaDrift } from '@wos/platform';
import { planWithOnlyIndex, uniqueSuffix } from '@wos/platform/testing';
import { startHarness, SCHEMA, type Harness } from './support';
import { SigningKeysService } from '../src/signing-keys/signing-keys.service';

const ENV = 'environment_01TESTIDENTA00000000000000000';
const PASSWORD = 'correct horse battery staple';

describe('identity service (real Postgres, Redis, Kafka)', () => {
  let h: Harness;
  let jose: typeof import('jose', { with: { 'resolution-mode': 'import' } });
  before(async () => {
    jose = await import('jose');
    h = await startHarness('identity_core', { MFA_REQUIRED: 'true', AUTH_IP_LIMIT_PER_MINUTE: '5' });
  });
  after(async () => {
    await h?.close();
  });

  const authenticate = (body: Record<string, unknown>) => h.call(ENV, 'POST', '/user_management/authenticate', { client_id: 'client_x', ...body });

  test('the schema has no drift from its migrations', async () => {
    assert.deepEqual(await findSchemaDrift(SCHEMA, h.db.url), []);
  });

  test('users search (our extension): an email prefix, case-insensitive, wildcards literal, within the environment, bounded, served by its index', async () => {
    const tag = `srch${uniqueSuffix().toLowerCase().replace(/[^a-z0-9]/g, '')}`;
    const made: string[] = [];
    for (const email of [`${tag}.ada@example.com`, `${tag}_bob@example.com`, `${tag}xcy@example.com`, `not-${tag}@example.com`]) made.push((await h.call(ENV, 'POST', '/user_management/users', { email })).body.id);
    await h.call('environment_01TESTIDENTB00000000000000000', 'POST', '/user_management/users', { email: `${tag}.other@example.com` });
    const found = await h.call(ENV, 'GET', `/user_management/users?search=${encodeURIComponent(tag.toUpperCase())}&order=asc&limit=100`);
    assert.equal(found.status, 200);
    assert.deepEqual(found.body.data.map((u: { id: string }) => u.id), made.slice(0, 3));
    assert.deepEqual((await h.call(ENV, 'GET', `/user_management/users?search=${encodeURIComponent(`${tag}_`)}`)).body.data.map((u: { id: string }) => u.id), [made[1]]);
    assert.deepEqual((await h.call(ENV, 'GET', `/user_management/users?search=${encodeURIComponent(`${tag}%`)}`)).body.data, []);
    const page1 = await h.call(ENV, 'GET', `/user_management/users?search=${tag}&limit=2`);
    assert.deepEqual(page1.body.data.map((u: { id: string }) => u.id), [made[2], made[1]]);
    assert.deepEqual((await h.call(ENV, 'GET', `/user_management/users?search=${tag}&limit=2&after=${page1.body.list_metadata.after}`)).body.data.map((u: { id: string }) => u.id), [made[0]]);
    assert.equal((await h.call(ENV, 'GET', `/user_management/users?search=${'a'.repeat(101)}`)).status, 422);
    // The prefix index alone can serve the search's LIKE.
    const plan = await planWithOnlyIndex(h.db.url, 'users', 'users_environment_id_email_prefix_idx', `SELECT id FROM users WHERE environment_id = '${ENV}' AND email LIKE 'srch%'`);
    assert.match(plan, /Index Cond: .*email ~>=~ 'srch'[\s\S]*users_environment_id_email_prefix_idx|users_environment_id_email_prefix_idx[\s\S]*Index Cond: .*email ~>=~ 'srch'/, plan);
  });

  test('secrets at rest: password hashes are argon2id, refresh tokens hashed, signing keys and TOTP seeds sealed', async () => {
    const email = `rest-${uniqueSuffix().toLowerCase()}@example.com`;
    const user = (await h.call(ENV, 'POST', '/user_management/users', { email, password: PASSWORD })).body;
    const [row] = await h.sql(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);

    const factor = (await h.call(ENV, 'POST', `/user_management/users/${user.id}/auth_factors`, { type: 'totp' })).body.authentication_factor;
    const [f] = await h.sql(`SELECT secret FROM auth_factors WHERE id = $1`, [factor.id]);
    assert.ok(!f.secret.includes(factor.totp.secret));
    assert.match(f.secret, /^v1\./);

    // MFA required and a factor present: the challenge step comes first.
    const flow = await authenticate({ grant_type: 'password', email, password: PASSWORD });
    assert.equal(flow.status, 403);
    assert.equal(flow.body.code, 'mfa_challenge');
    const [pending] = await h.sql(`SELECT token_hash FROM pending_authentications WHERE user_id = $1`, [user.id]);
    assert.notEqual(pending.token_hash, flow.body.pending_authentication_token);
  });

  test('mfa_enrollment when MFA is required and the user has no factor; enrolling and the TOTP grant finish the sign-in', async () => {
    const email = `enrol-${uniqueSuffix().toLowerCase()}@example.com`;
    const user = (await h.call(ENV, 'POST', '/user_management/users', { email, password: PASSWORD })).body;
    const flow = await authenticate({ grant_type: 'password', email, password: PASSWORD });
    assert.equal(flow.status, 403);
    assert.equal(flow.body.code, 'mfa_enrollment');
    assert.equal(flow.body.user.id, user.id);
    const enrolled = (await h.call(ENV, 'POST', `/user_management/users/${user.id}/auth_factors`, { type: 'totp' })).body;
    const { TOTP, Secret } = await import('otpauth');
    const code = TOTP.generate({ secret: Secret.fromBase32(enrolled.authentication_factor.totp.secret), period: 30, digits: 6, algorithm: 'SHA1' });
    const done = await authenticate({ grant_type: 'urn:workos:oauth:grant-type:mfa-totp', code, authentication_challenge_id: enrolled.authentication_challenge.id, pending_authentication_token: flow.body.pending_authentication_token });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.user.id, user.id);
    assert.equal(done.body.authentication_method, 'Password');
    const [stored] = await h.sql(`SELECT count(*)::int AS n FROM refresh_tokens WHERE token_hash = $1`, [done.body.refresh_token]);
    assert.equal(stored.n, 0, 'the refresh token itself is never stored');
  });

  test('signing keys rotate with overlap: tokens of the old key still verify, new tokens use the new key', async () => {
    const env = 'environment_01TESTIDENTB00000000000000000';
    const keys = h.app.get(SigningKeysService);
    const before = await keys.sign(env, { sub: 'user_x', exp: Math.floor(Date.now() / 1000) + 60 });
    const oldKid = jose.decodeProtectedHeader(before).kid;
    const newKid = await keys.rotate(env);
    assert.notEqual(newKid, oldKid);
    const jwks = jose.createLocalJWKSet({ keys: (await h.call(env, 'GET', '/sso/jwks/client_x')).body.keys });
    assert.deepEqual((await h.call(env, 'GET', '/sso/jwks/client_x')).body.keys.map((k: { kid: string }) => k.kid), [newKid, oldKid]);
    await jose.jwtVerify(before, jwks);
    const afterToken = await keys.sign(env, { sub: 'user_x', exp: Math.floor(Date.now() / 1000) + 60 });
    assert.equal(jose.decodeProtectedHeader(afterToken).kid, newKid);
    await jose.jwtVerify(afterToken, jwks);
    // Past the overlap the old key leaves the JWKS.
    await h.sql(`UPDATE signing_keys SET retire_at = now() - interval '1 second' WHERE kid = $1`, [oldKid]);
    const fresh = h.app.get(SigningKeysService);
    (fresh as unknown as { jwksCache: Map<string, unknown> }).jwksCache.clear();
    assert.deepEqual((await h.call(env, 'GET', '/sso/jwks/client_x')).body.keys.map((k: { kid: string }) => k.kid), [newKid]);
    // Private keys are stored sealed (AES-GCM, AAD = kid), never as PEM.
    const stored = await h.sql(`SELECT kid, private_key FROM signing_keys WHERE environment_id = $1`, [env]);
    assert.equal(stored.length, 2);
    for (const k of stored) assert.ok(k.private_key.startsWith('v1.') && !k.private_key.includes('PRIVATE KEY'));
  });

  test('failed and succeeded sign-ins write authentication events through the outbox', async () => {
    const email = `events-${uniqueSuffix().toLowerCase()}@example.com`;
    await authenticate({ grant_type: 'password', email, password: 'wrong password' });
    const rows = await h.sql(`SELECT payload->>'event' AS event, payload->'data' AS data FROM outbox WHERE payload->'data'->>'email' = $1`, [email]);
    assert.deepEqual(rows.map((r) => r.event), ['authentication.password_failed']);
    assert.equal(rows[0].data.error.code, 'invalid_credentials');
  });

  test('per-IP throttling keys on the end user ip_address the backend sends, across emails', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 5; i++) {
      const r = await authenticate({ grant_type: 'password', email: `ip${i}-${uniqueSuffix().toLowerCase()}@example.com`, password: 'x', ip_address: ip });
      assert.equal(r.status, 400);
    }
    const limited = await authenticate({ grant_type: 'password', email: `ip-last-${uniqueSuffix().toLowerCase()}@example.com`, password: 'x', ip_address: ip });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(limited.body.code, 'rate_limit_exceeded');
    const otherIp = await authenticate({ grant_type: 'password', email: `ip-other-${uniqueSuffix().toLowerCase()}@example.com`, password: 'x', ip_address: '192.0.2.1' });
    assert.equal(otherIp.status, 400);
  });

  test('a refresh for an organization whose membership was deactivated is refused and spends nothing', async () => {
    const email = `member-${uniqueSuffix().toLowerCase()}@example.com`;
    const user = (await h.call(ENV, 'POST', '/user_management/users', { email, password: PASSWORD })).body;
    // The organizations service is not running here, so the membership row is written directly.
    const omId = `om_01${uniqueSuffix().toUpperCase().replace(/[^0-9A-HJKMNP-TV-Z]/g, '0').padEnd(24, '0').slice(0, 24)}`;
    await h.sql(`INSERT INTO organization_memberships (id, environment_id, user_id, organization_id, organization_name, status, role_slugs) VALUES ($1, $2, $3, 'org_01TESTORGA00000000000000000', 'Acme', 'active', '{admin}')`, [omId, ENV, user.id]);
    // MFA is required in this harness: enrol, then finish with the TOTP grant.
    const flow = await authenticate({ grant_type: 'password', email, password: PASSWORD });
    const enrolled = (await h.call(ENV, 'POST', `/user_management/users/${user.id}/auth_factors`, { type: 'totp' })).body;
    const { TOTP, Secret } = await import('otpauth');
    const code = TOTP.generate({ secret: Secret.fromBase32(enrolled.authentication_factor.totp.secret), period: 30, digits: 6, algorithm: 'SHA1' });
    const signedIn = await authenticate({ grant_type: 'urn:workos:oauth:grant-type:mfa-totp', code, authentication_challenge_id: enrolled.authentication_challenge.id, pending_authentication_token: flow.body.pending_authentication_token });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal(signedIn.body.organization_id, 'org_01TESTORGA00000000000000000');
    assert.equal(jose.decodeJwt(signedIn.body.access_token).role, 'admin');

    assert.equal((await h.call(ENV, 'PUT', `/user_management/organization_memberships/${omId}/deactivate`, {})).body.status, 'inactive');
    const refused = await authenticate({ grant_type: 'refresh_token', refresh_token: signedIn.body.refresh_token });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    assert.equal((await h.call(ENV, 'PUT', `/user_management/organization_memberships/${omId}/reactivate`, {})).body.status, 'active');
    const again = await authenticate({ grant_type: 'refresh_token', refresh_token: signedIn.body.refresh_token });
    assert.equal(again.status, 200, 'the refused refresh did not spend the token');
    const events = await h.sql(`SELECT payload->>'event' AS event FROM outbox WHERE key = 'org_01TESTORGA00000000000000000' ORDER BY seq`);
    assert.deepEqual(events.map((e) => e.event), ['organization_membership.updated', 'organization_membership.updated']);
  });

  test('bad input on the authenticate and logout routes is a WorkOS 4xx', async () => {
    const noGrant = await h.call(ENV, 'POST', '/user_management/authenticate', { client_id: 'c' });
    assert.equal(noGrant.status, 422);
    assert.equal(noGrant.body.code, 'invalid_request_parameters');
    const extra = await authenticate({ grant_type: 'refresh_token', refresh_token: 'x', surprise: 1 });
    assert.equal(extra.status, 422);
    const res = await fetch(`http://127.0.0.1:${(h.app.getHttpServer().address() as { port: number }).port}/user_management/sessions/logout?session_id=session_01NOPE&return_to=javascript:alert(1)`, { redirect: 'manual' });
    assert.equal(res.status, 422);
    const ok = await fetch(`http://127.0.0.1:${(h.app.getHttpServer().address() as { port: number }).port}/user_management/sessions/logout?session_id=session_01NOPE&return_to=${encodeURIComponent('https://app.example.com/')}`, { redirect: 'manual' });
    assert.equal(ok.status, 200, 'logout of an unknown session redirects nowhere (review M2)');
    assert.equal(ok.headers.get('location'), null);
    assert.deepEqual(await ok.json(), { logged_out: true });
    const missing = await fetch(`http://127.0.0.1:${(h.app.getHttpServer().address() as { port: number }).port}/user_management/sessions/logout`, { redirect: 'manual' });
    assert.equal(missing.status, 422);
  });
});
