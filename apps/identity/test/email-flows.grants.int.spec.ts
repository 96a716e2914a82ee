import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFlowsHarness, type FlowsHarness } from './flows.support';

const ENV = 'environment_01FLOWSGRANTS00000000000000';
const OTHER = 'environment_01FLOWSGRANTSB0000000000000';
let seq = 0;
const email = (tag: string) => `${tag}-${Date.now()}-${seq++}@grants.test`;
const CLIENT = { client_id: 'client_01FLOWSGRANTS000000000000000', client_secret: 'sk_test_unused_here' };

describe('magic auth and email verification grants on POST /user_management/authenticate', () => {
  let h: FlowsHarness;
  before(async () => {
    h = await startFlowsHarness('flows_grants', { REQUIRE_EMAIL_VERIFICATION: 'true' });
  });
  after(async () => {
    await h?.close();
  });

  const authenticate = (body: Record<string, unknown>, env = ENV) => h.call(env, 'POST', '/user_management/authenticate', { ...CLIENT, ...body });
  const events = (type: string) => h.sql<{ data: any }>(`SELECT payload->'data' AS data FROM outbox WHERE payload->>'event' = $1 ORDER BY seq`, [type]);
  const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)![1]!;

  test('magic auth: the emailed code signs the user in once, verifies the email, and writes the authentication events', async () => {
    const address = email('magic');
    const ma = (await h.call(ENV, 'POST', '/user_management/magic_auth', { email: address })).body;
    const code = codeIn((await h.smtp.waitForMail((m) => m.envelopeTo.includes(address))).text);
    assert.equal(code, ma.code);

    const wrong = await authenticate({ grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: address, code: code === '000000' ? '000001' : '000000' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    // Another environment cannot use this code.
    assert.equal((await authenticate({ grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: address, code }, OTHER)).status, 400);

    const ok = await authenticate({ grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: address, code, ip_address: '203.0.113.9' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.user.id, ma.user_id);
    assert.equal(ok.body.user.email_verified, true, 'a magic auth code proves the inbox');
    assert.equal(ok.body.authentication_method, 'MagicAuth');
    assert.equal(typeof ok.body.access_token, 'string');
    assert.equal(typeof ok.body.refresh_token, 'string');

    const reused = await authenticate({ grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: address, code });
    assert.equal(reused.status, 400, 'a code signs in once');
    assert.equal(reused.body.error, 'invalid_grant');

    assert.equal((await events('authentication.magic_auth_succeeded')).filter((e) => e.data.user_id === ma.user_id).length, 1);
    assert.ok((await events('authentication.magic_auth_failed')).filter((e) => e.data.email === address).length >= 2);
  });

  test('magic auth: an expired code is refused', async () => {
    const address = email('late');
    const ma = (await h.call(ENV, 'POST', '/user_management/magic_auth', { email: address })).body;
    await h.sql(`UPDATE one_time_secrets SET expires_at = now() - interval '1 second' WHERE id = $1`, [ma.id]);
    const r = await authenticate({ grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: address, code: ma.code });
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_grant');
  });

  test('email_verification_required: a password sign-in with an unverified email gets the 403, the code by email, and finishes with the email-verification grant', async () => {
    const address = email('unverified');
    const user = (await h.call(ENV, 'POST', '/user_management/users', { email: address, password: 'correct horse 1' })).body;
    const mark = h.smtp.messages.length;
    const stopped = await authenticate({ grant_type: 'password', email: address, password: 'correct horse 1' });
    assert.equal(stopped.status, 403, JSON.stringify(stopped.body));
    assert.equal(stopped.body.code, 'email_verification_required');
    assert.equal(stopped.body.email, address);
    assert.match(stopped.body.email_verification_id, /^email_verification_[0-9A-Z]{26}$/);
    const pending = stopped.body.pending_authentication_token as string;
    assert.ok(pending.length >= 20);
    const code = codeIn((await h.smtp.waitForMail((m) => m.envelopeTo.includes(address), { from: mark })).text);
    assert.equal((await h.call(ENV, 'GET', `/user_management/email_verification/${stopped.body.email_verification_id}`)).body.code, code);

    const grant = 'urn:workos:oauth:grant-type:email-verification:code';
    const wrong = await authenticate({ grant_type: grant, pending_authentication_token: pending, code: code === '123456' ? '654321' : '123456' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    assert.equal((await authenticate({ grant_type: grant, pending_authentication_token: 'not-a-token', code })).status, 400);

    const ok = await authenticate({ grant_type: grant, pending_authentication_token: pending, code });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.user.id, user.id);
    assert.equal(ok.body.user.email_verified, true);
    assert.equal(ok.body.authentication_method, 'Password', 'the session keeps the method that started the sign-in');

    const again = await authenticate({ grant_type: grant, pending_authentication_token: pending, code });
    assert.equal(again.status, 400, 'the pending token and the code work once');
    assert.equal((await events('authentication.email_verification_succeeded')).filter((e) => e.data.user_id === user.id).length, 1);

    // Verified now: the password alone signs in.

    const direct = await authenticate({ grant_type: 'password', email: address, password: 'correct horse 1' });
    assert.equal(direct.status, 200, JSON.stringify(direct.body));
  });

  test('resetting the password ends every active session of the user (session.revoked), so their refresh tokens stop working', async () => {
    const address = email('sessions');
    const user = (await h.call(ENV, 'POST', '/user_management/users', { email: address, password: 'first password 1', email_verified: true })).body;
    const a = await authenticate({ grant_type: 'password', email: address, password: 'first password 1' });
    const b = await authenticate({ grant_type: 'password', email: address, password: 'first password 1' });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200);
    const reset = (await h.call(ENV, 'POST', '/user_management/password_reset', { email: address })).body;
    assert.equal((await h.call(ENV, 'POST', '/user_management/password_reset/confirm', { token: reset.password_reset_token, new_password: 'second password 2' })).status, 200);
    const sessions = (await h.call(ENV, 'GET', `/user_management/users/${user.id}/sessions`)).body;
    assert.equal(sessions.data.length, 2);
    for (const s of sessions.data) assert.equal(s.status, 'revoked');
    assert.equal((await events('session.revoked')).filter((e) => e.data.user_id === user.id).length, 2);
    const refreshed = await authenticate({ grant_type: 'refresh_token', refresh_token: a.body.refresh_token });
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');
    assert.equal((await authenticate({ grant_type: 'password', email: address, password: 'second password 2' })).status, 200);
  });

  test('repeated sign-ins of an unverified user stay within the send limit: the 403 then points at the code already sent', async () => {
    const address = email('repeat');
    await h.call(ENV, 'POST', '/user_management/users', { email: address, password: 'correct horse 2' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await authenticate({ grant_type: 'password', email: address, password: 'correct horse 2' });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      ids.push(r.body.email_verification_id);
    }
    assert.equal(new Set(ids.slice(2)).size, 1, 'past the limit the same verification is named');
    await h.smtp.waitForMail((m) => m.envelopeTo.includes(address));
    const sent = await h.sql(`SELECT count(*)::int AS n FROM email_deliveries WHERE recipient = $1`, [address]);
    assert.equal(sent[0].n, 3, 'three emails, not five');
  });

  test('bad grant input is a 4xx with a WorkOS body', async () => {
    for (const body of [
      { grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: 'not-an-email', code: '123456' },
      { grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: email('x') },
      { grant_type: 'urn:workos:oauth:grant-type:email-verification:code', code: '123456' },
    ]) {
      const r = await authenticate(body);
      assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)} → ${r.status}`);
      assert.equal(typeof (r.body.message ?? r.body.error_description), 'string');
    }
    const unknownUser = await authenticate({ grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: email('ghost'), code: '123456' });
    assert.equal(unknownUser.status, 400);
    assert.equal(unknownUser.body.error, 'invalid_grant', 'an unknown email answers like a wrong code');
  });
});
