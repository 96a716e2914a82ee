import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { hashSync as bcryptHash } from '@node-rs/bcrypt';
import { Secret, TOTP } from 'otpauth';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startHarness, type Harness } from './support';
import { SigningKeysService } from '../src/signing-keys/signing-keys.service';

const ENV = 'environment_01TESTCREDHARD0000000000000';
const PASSWORD = 'correct horse battery staple';

/**
 * Credentials hardening (security review 2026-12): imported hash caps and rehash (M9), TOTP
 * expiry and attempt cap (L4), JWKS certificates (issue 21), the development inbox (M4).
 */
describe('credentials hardening (real Postgres, Redis, Kafka)', () => {
  let h: Harness;
  let port: number;
  let jose: typeof import('jose', { with: { 'resolution-mode': 'import' } });
  before(async () => {
    jose = await import('jose');
    h = await startHarness('identity_credentials_hardening');
    port = (h.app.getHttpServer().address() as { port: number }).port;
  });
  after(async () => {
    await h?.close();
  });

  const email = (prefix: string) => `${prefix}-${uniqueSuffix().toLowerCase()}@example.com`;
  const authenticate = (body: Record<string, unknown>) => h.call(ENV, 'POST', '/user_management/authenticate', { client_id: 'client_x', ...body });

  test('M9: imported hashes over the cost caps are 422s naming password_hash and write nothing', async () => {
    const over = [
      { password_hash: bcryptHash('x', 4).replace(/^\$2b\$04\$/, '$2b$15$'), password_hash_type: 'bcrypt' },
      { password_hash: '$argon2id$v=19$m=131072,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g', password_hash_type: 'argon2' },
      { password_hash: '$argon2id$v=19$m=19456,t=1000,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g', password_hash_type: 'argon2' },
    ];
    for (const body of over) {
      const address = email('capped');
      const r = await h.call(ENV, 'POST', '/user_management/users', { email: address, ...body });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.errors[0].field, 'password_hash');
      assert.equal(r.body.errors[0].code, 'password_hash_cost_too_high');
      assert.equal((await h.sql(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [address]))[0].n, 0);
    }
  });

  test('M9: an imported bcrypt hash signs in and is replaced by the platform argon2id; the new hash keeps working', async () => {
    const address = email('rehash');
    const user = (await h.call(ENV, 'POST', '/user_management/users', { email: address, password_hash: bcryptHash(PASSWORD, 4), password_hash_type: 'bcrypt' })).body;
    assert.match((await h.sql(`SELECT password_hash FROM users WHERE id = $1`, [user.id]))[0].password_hash, /^\$2b\$04\$/);
    assert.equal((await authenticate({ grant_type: 'password', email: address, password: 'wrong' })).status, 400);
    assert.match((await h.sql(`SELECT password_hash FROM users WHERE id = $1`, [user.id]))[0].password_hash, /^\$2b\$/, 'a failed sign-in changes nothing');
    assert.equal((await authenticate({ grant_type: 'password', email: address, password: PASSWORD })).status, 200);
    assert.match((await h.sql(`SELECT password_hash FROM users WHERE id = $1`, [user.id]))[0].password_hash, /^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    assert.equal((await authenticate({ grant_type: 'password', email: address, password: PASSWORD })).status, 200);
  });

  const enrolled = async () => {
    const user = (await h.call(ENV, 'POST', '/user_management/users', { email: email('totp') })).body;
    const r = (await h.call(ENV, 'POST', `/user_management/users/${user.id}/auth_factors`, { type: 'totp' })).body;
    const secret = Secret.fromBase32(r.authentication_factor.totp.secret);
    const codeAt = (offsetSteps: number) => TOTP.generate({ secret, period: 30, digits: 6, algorithm: 'SHA1', timestamp: Date.now() + offsetSteps * 30_000 });
    const live = new Set([-1, 0, 1].map(codeAt));
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !live.has(c))!;
    return { factor: r.authentication_factor, challenge: r.authentication_challenge, code: () => codeAt(0), wrong };
  };
  const verify = (challengeId: string, code: string) => h.call(ENV, 'POST', `/auth/challenges/${challengeId}/verify`, { code });
  const newChallenge = async (factorId: string) => (await h.call(ENV, 'POST', `/auth/factors/${factorId}/challenge`, {})).body;

  test('L4: challenges expire after 5 minutes', async () => {
    const f = await enrolled();
    const c = await newChallenge(f.factor.id);
    assert.equal(Date.parse(c.expires_at) - Date.parse(c.created_at), 5 * 60_000);
    assert.equal(Date.parse(f.challenge.expires_at) - Date.parse(f.challenge.created_at), 5 * 60_000);
    await h.sql(`UPDATE auth_challenges SET expires_at = now() - interval '1 second' WHERE id = $1`, [c.id]);
    const r = await verify(c.id, f.code());
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'authentication_challenge_expired');
  });

  test('L4: failed codes are capped per user across challenges; new challenges do not reset the cap; success does', async () => {
    const f = await enrolled();
    for (let i = 0; i < 5; i++) {
      const c = i === 0 ? f.challenge : await newChallenge(f.factor.id);
      const r = await verify(c.id, f.wrong);
      assert.deepEqual([r.status, r.body.valid], [200, false]);
    }
    const fresh = await newChallenge(f.factor.id);
    const capped = await verify(fresh.id, f.code());
    assert.equal(capped.status, 429, 'even the right code is refused once the cap is reached');
    assert.ok(Number(capped.headers.get('retry-after')) > 60);
    // Through the TOTP grant too (its own throttle keys on the caller-chosen challenge ID).
    const viaGrant = await authenticate({ grant_type: 'urn:workos:oauth:grant-type:mfa-totp', code: f.code(), authentication_challenge_id: fresh.id, pending_authentication_token: 'x' });
    assert.notEqual(viaGrant.status, 200);

    const g = await enrolled();
    for (let i = 0; i < 4; i++) assert.equal((await verify(g.challenge.id, g.wrong)).body.valid, false);
    assert.equal((await verify(g.challenge.id, g.code())).body.valid, true);
    const after = await newChallenge(g.factor.id);
    assert.equal((await verify(after.id, g.wrong)).status, 200, 'a correct code cleared the count');
  });

  test('issue 21: every JWKS key carries a self-signed x5c certificate of that key and its x5t#S256; jose verifies tokens', async () => {
    const env = 'environment_01TESTCREDHARDJWKS000000000';
    const keys = (await h.call(env, 'GET', '/sso/jwks/client_x')).body.keys;
    const check = (jwk: { n: string; e: string; x5c: string[]; 'x5t#S256': string }) => {
      const cert = new X509Certificate(Buffer.from(jwk.x5c[0]!, 'base64'));
      assert.deepEqual(cert.publicKey.export({ format: 'jwk' }), { kty: 'RSA', n: jwk.n, e: jwk.e });
      assert.ok(cert.verify(cert.publicKey), 'self-signed');
      assert.equal(jwk['x5t#S256'], createHash('sha256').update(cert.raw).digest('base64url'));
    };
    assert.equal(keys.length, 1);
    check(keys[0]);
    const signer = h.app.get(SigningKeysService);
    const token = await signer.sign(env, { sub: 'user_x', exp: Math.floor(Date.now() / 1000) + 60 });
    await jose.jwtVerify(token, jose.createLocalJWKSet({ keys }));

    // A key made before certificates existed gets one, from its own private key, and keeps it.
    const newKid = await signer.rotate(env);
    await h.sql(`UPDATE signing_keys SET public_jwk = public_jwk - 'x5c' - 'x5t#S256' WHERE environment_id = $1`, [env]);
    (signer as unknown as { jwksCache: Map<string, unknown> }).jwksCache.clear();
    const after = (await h.call(env, 'GET', '/sso/jwks/client_x')).body.keys;
    assert.equal(after[0].kid, newKid);
    for (const k of after) check(k);
    const stored = await h.sql(`SELECT public_jwk FROM signing_keys WHERE environment_id = $1`, [env]);
    assert.ok(stored.every((r) => r.public_jwk.x5c?.length === 1));
    assert.equal(createPublicKey({ key: after[0], format: 'jwk' }).asymmetricKeyType, 'rsa');
  });

  test('M4: without SMTP the rendered email lands in the development inbox (sealed at rest), served at /dev/mail', async () => {
    const address = email('inbox');
    const created = await h.call(ENV, 'POST', '/user_management/magic_auth', { email: address });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const code = created.body.code as string;
    const inbox = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/dev/mail/messages?to=${encodeURIComponent(address)}`);
      const body = (await res.json()) as { data: { to: string; text: string; template: string; environment_id: string }[] };
      return body.data.length ? body.data : undefined;
    }, { timeoutMs: 30_000, message: 'the magic-auth email in the inbox' });
    assert.equal(inbox[0]!.to, address);
    assert.equal(inbox[0]!.template, 'magic_auth');
    assert.equal(inbox[0]!.environment_id, ENV);
    assert.match(inbox[0]!.text, new RegExp(code));
    const [row] = await h.sql(`SELECT inbox_copy, sent_at FROM email_deliveries WHERE entity_id = $1`, [created.body.id]);
    assert.ok(row.sent_at && row.inbox_copy.startsWith('v1.') && !row.inbox_copy.includes(code));
    const page = await fetch(`http://127.0.0.1:${port}/dev/mail?to=${encodeURIComponent(address)}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), new RegExp(`sign-in code is ${code}`));
  });

  test('M4: with MAIL_DISABLED (the production way to run without SMTP) nothing is kept and /dev/mail is a 404', async () => {
    const prod = await startHarness('identity_credentials_prod', { NODE_ENV: 'production', MAIL_DISABLED: 'true' });
    try {
      const prodPort = (prod.app.getHttpServer().address() as { port: number }).port;
      const created = await prod.call(ENV, 'POST', '/user_management/magic_auth', { email: email('disabled') });
      const row = await waitFor(async () => (await prod.sql(`SELECT closed_reason, inbox_copy FROM email_deliveries WHERE entity_id = $1 AND closed_reason IS NOT NULL`, [created.body.id]))[0], { timeoutMs: 30_000, message: 'the delivery closed' });
      assert.deepEqual(row, { closed_reason: 'skipped: MAIL_DISABLED', inbox_copy: null });
      const res = await fetch(`http://127.0.0.1:${prodPort}/dev/mail/messages`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { code: string }).code, 'entity_not_found');
    } finally {
      await prod.close();
    }
  });
});
