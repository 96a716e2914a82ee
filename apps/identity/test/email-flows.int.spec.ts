import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emailVerificationSchema, invitationSchema, listEnvelopeSchema, magicAuthSchema, passwordResetSchema, userSchema } from '@wos/contracts';
import { findSchemaDrift } from '@wos/platform';
import { startFlowsHarness, SCHEMA, type FlowsHarness } from './flows.support';

const ENV = 'environment_01FLOWSENVA0000000000000000';
const OTHER = 'environment_01FLOWSENVB0000000000000000';
let seq = 0;
const email = (tag: string) => `${tag}-${Date.now()}-${seq++}@flows.test`;

describe('email verification, password reset, magic auth and invitations (real Postgres, Redis, Kafka, SMTP)', () => {
  let h: FlowsHarness;
  before(async () => {
    h = await startFlowsHarness('flows');
  });
  after(async () => {
    await h?.close();
  });

  const createUser = async (address: string, extra: Record<string, unknown> = {}, env = ENV) => {
    const res = await h.call(env, 'POST', '/user_management/users', { email: address, ...extra });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const events = (type: string) => h.sql<{ id: string; data: any; key: string }>(`SELECT payload->>'id' AS id, payload->'data' AS data, key FROM outbox WHERE payload->>'event' = $1 ORDER BY seq`, [type]);
  const mailTo = (address: string, from = 0) => h.smtp.waitForMail((m) => m.envelopeTo.includes(address), { from });
  const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)![1]!;

  test('the schema has no drift from its migrations', async () => {
    assert.deepEqual(await findSchemaDrift(SCHEMA, h.db.url), []);
  });

  test('the OpenAPI document lists the email-flow and invitation routes', async () => {
    const doc = (await h.call(ENV, 'GET', '/openapi.json')).body;
    for (const p of ['/user_management/magic_auth', '/user_management/password_reset/confirm', '/user_management/invitations/{id}/accept', '/user_management/users/{id}/email_verification/send']) {
      assert.ok(doc.paths[p], p);
    }
  });

  test('email verification: send emails a code; the code verifies once; get returns it; events carry no code', async () => {
    const address = email('verify');
    const user = await createUser(address);
    const sent = await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/send`, {});
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    userSchema.parse(sent.body.user);
    const mail = await mailTo(address);
    assert.equal(mail.subject, 'Verify your email address');
    assert.equal(mail.headers.get('from'), 'AuthKit <auth@flows.test>');
    const code = codeIn(mail.text);

    const [created] = (await events('email_verification.created')).filter((e) => e.data.user_id === user.id);
    assert.ok(created, 'email_verification.created in the outbox');
    assert.equal('code' in created!.data, false, 'the event payload has no code');
    const got = await h.call(ENV, 'GET', `/user_management/email_verification/${created!.data.id}`);
    assert.equal(got.status, 200);
    emailVerificationSchema.parse(got.body);
    assert.equal(got.body.code, code);
    assert.equal(got.body.email, address);

    // At rest: only a hash and a sealed copy, never the code.
    const [row] = await h.sql(`SELECT secret_hash, secret_sealed FROM one_time_secrets WHERE id = $1`, [created!.data.id]);
    assert.match(row.secret_hash, /^[0-9a-f]{64}$/);
    assert.equal(row.secret_sealed.includes(code), false);

    const wrong = await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/confirm`, { code: code === '000000' ? '111111' : '000000' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.code, 'email_verification_code_invalid');
    const ok = await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/confirm`, { code });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.user.email_verified, true);
    const again = await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/confirm`, { code });
    assert.equal(again.status, 400, 'a code works once');
    const updated = (await events('user.updated')).filter((e) => e.data.id === user.id);
    assert.equal(updated.length, 1);
    assert.equal(updated[0]!.data.email_verified, true);
    assert.equal((await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/send`, {})).body.code, 'email_already_verified');
  });

  test('email verification: expired and superseded codes fail; five wrong guesses kill a code', async () => {
    const address = email('expiry');
    const user = await createUser(address);
    await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/send`, {});
    const first = codeIn((await mailTo(address)).text);
    const mark = h.smtp.messages.length;
    await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/send`, {});
    const second = codeIn((await mailTo(address, mark)).text);
    if (first !== second) {
      const old = await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/confirm`, { code: first });
      assert.equal(old.status, 400, 'a newer code supersedes the older one');
    }
    await h.sql(`UPDATE one_time_secrets SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
    const expired = await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/confirm`, { code: second });
    assert.equal(expired.status, 400);
    assert.equal(expired.body.code, 'email_verification_code_expired');

    const lockUser = await createUser(email('lock'));
    await h.call(ENV, 'POST', `/user_management/users/${lockUser.id}/email_verification/send`, {});
    const code = codeIn((await mailTo(lockUser.email)).text);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++) assert.equal((await h.call(ENV, 'POST', `/user_management/users/${lockUser.id}/email_verification/confirm`, { code: wrong })).status, 400);
    const late = await h.call(ENV, 'POST', `/user_management/users/${lockUser.id}/email_verification/confirm`, { code });
    assert.equal(late.status, 400, 'the right code after five wrong guesses is refused');
  });

  test('a code or link mailed to an address the user has since changed does not work', async () => {
    const address = email('moved');
    const user = await createUser(address);
    await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/send`, {});
    const code = codeIn((await mailTo(address)).text);
    const reset = (await h.call(ENV, 'POST', '/user_management/password_reset', { email: address })).body;
    const moved = await h.call(ENV, 'PUT', `/user_management/users/${user.id}`, { email: email('new-home') });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const verify = await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/confirm`, { code });
    assert.equal(verify.status, 400, 'the old inbox cannot verify the new address');
    const r = await h.call(ENV, 'POST', '/user_management/password_reset/confirm', { token: reset.password_reset_token, new_password: 'takeover attempt 1' });
    assert.equal(r.status, 404);
  });

  test('sends are throttled per user / per email: the fourth in a minute is a 429 with Retry-After', async () => {
    const user = await createUser(email('throttle'));
    for (let i = 0; i < 3; i++) assert.equal((await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/send`, {})).status, 200);
    const limited = await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/send`, {});
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const address = email('throttle-ma');
    for (let i = 0; i < 3; i++) assert.equal((await h.call(ENV, 'POST', '/user_management/magic_auth', { email: address })).status, 201);
    assert.equal((await h.call(ENV, 'POST', '/user_management/magic_auth', { email: address })).status, 429);
    // Another environment has its own budget.
    assert.equal((await h.call(OTHER, 'POST', '/user_management/magic_auth', { email: address })).status, 201);
  });

  test('password reset: 404 for an unknown email; link emailed; token works once; new password is argon2id; email verified', async () => {
    assert.equal((await h.call(ENV, 'POST', '/user_management/password_reset', { email: email('nobody') })).status, 404);
    const address = email('reset');
    const user = await createUser(address, { password: 'old password 1' });
    const created = await h.call(ENV, 'POST', '/user_management/password_reset', { email: address.toUpperCase() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    passwordResetSchema.parse(created.body);
    const reset = created.body;
    assert.equal(reset.user_id, user.id);
    assert.equal(reset.password_reset_url, `http://127.0.0.1:8080/reset-password?token=${reset.password_reset_token}`);
    const mail = await mailTo(address);
    assert.ok(mail.text.includes(reset.password_reset_url), mail.text);
    assert.deepEqual((await h.call(ENV, 'GET', `/user_management/password_reset/${reset.id}`)).body, reset);

    const [before] = await h.sql(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
    const weak = await h.call(ENV, 'POST', '/user_management/password_reset/confirm', { token: reset.password_reset_token, new_password: 'short' });
    assert.equal(weak.status, 422);
    const done = await h.call(ENV, 'POST', '/user_management/password_reset/confirm', { token: reset.password_reset_token, new_password: 'a brand new password' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.user.id, user.id);
    assert.equal(done.body.user.email_verified, true);
    const [afterRow] = await h.sql(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
    assert.notEqual(afterRow.password_hash, before.password_hash);
    assert.match(afterRow.password_hash, /^\$argon2id\$/);

    const reused = await h.call(ENV, 'POST', '/user_management/password_reset/confirm', { token: reset.password_reset_token, new_password: 'another new password' });
    assert.equal(reused.status, 404);
    assert.equal(reused.body.code, 'password_reset_token_not_found');

    const types = [...(await events('password_reset.created')), ...(await events('password_reset.succeeded'))].filter((e) => e.data.id === reset.id);
    assert.equal(types.length, 2);
    for (const e of types) assert.deepEqual(Object.keys(e.data).sort(), ['created_at', 'email', 'expires_at', 'id', 'object', 'user_id']);

    const second = (await h.call(ENV, 'POST', '/user_management/password_reset', { email: address })).body;
    await h.sql(`UPDATE one_time_secrets SET expires_at = now() - interval '1 second' WHERE id = $1`, [second.id]);
    const expired = await h.call(ENV, 'POST', '/user_management/password_reset/confirm', { token: second.password_reset_token, new_password: 'yet another password' });
    assert.equal(expired.status, 400);
    assert.equal(expired.body.code, 'password_reset_token_expired');
  });

  test('magic auth: an unknown email gets a user (user.created), the code is emailed and returned by get', async () => {
    const address = email('magic');
    const created = await h.call(ENV, 'POST', '/user_management/magic_auth', { email: address });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    magicAuthSchema.parse(created.body);
    const ma = created.body;
    assert.equal(codeIn((await mailTo(address)).text), ma.code);
    const userCreated = (await events('user.created')).filter((e) => e.data.email === address);
    assert.equal(userCreated.length, 1);
    assert.equal(userCreated[0]!.data.id, ma.user_id);
    assert.deepEqual((await h.call(ENV, 'GET', `/user_management/magic_auth/${ma.id}`)).body, ma);
    const [event] = (await events('magic_auth.created')).filter((e) => e.data.id === ma.id);
    assert.equal('code' in event!.data, false);
    // A second code for the known user reuses the user.
    const again = await h.call(ENV, 'POST', '/user_management/magic_auth', { email: address });
    assert.equal(again.body.user_id, ma.user_id);
  });

  test('invitations: send, get, by token, list, resend, revoke, accept, expire — with their 400s and events', async () => {
    const address = email('invitee');
    const inviter = await createUser(email('inviter'), { first_name: 'Ada', last_name: 'L' });
    const sent = await h.call(ENV, 'POST', '/user_management/invitations', { email: address, inviter_user_id: inviter.id, expires_in_days: 3 });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    invitationSchema.parse(sent.body);
    const inv = sent.body;
    assert.equal(inv.state, 'pending');
    // Without INVITATION_URL: the hosted AuthKit sign-up for the invitation (the environment's
    // client ID and redirect URI come from the gateway, absent in this harness).
    const link = new URL(inv.accept_invitation_url);
    assert.equal(`${link.origin}${link.pathname}`, 'http://127.0.0.1:8080/user_management/authorize');
    assert.deepEqual([link.searchParams.get('provider'), link.searchParams.get('response_type'), link.searchParams.get('invitation_token')], ['authkit', 'code', inv.token]);
    assert.ok(Math.abs(Date.parse(inv.expires_at) - Date.now() - 3 * 86_400_000) < 60_000);
    const mail = await mailTo(address);
    assert.ok(mail.text.includes(inv.accept_invitation_url));
    assert.match(mail.text, /Ada L invited/);

    assert.deepEqual((await h.call(ENV, 'GET', `/user_management/invitations/${inv.id}`)).body, inv);
    assert.deepEqual((await h.call(ENV, 'GET', `/user_management/invitations/by_token/${inv.token}`)).body, inv);
    const listed = await h.call(ENV, 'GET', `/user_management/invitations?email=${encodeURIComponent(address)}`);
    listEnvelopeSchema(invitationSchema).parse(listed.body);
    assert.deepEqual(listed.body.data.map((i: any) => i.id), [inv.id]);

    const mark = h.smtp.messages.length;
    const resent = await h.call(ENV, 'POST', `/user_management/invitations/${inv.id}/resend`, {});
    assert.equal(resent.status, 200);
    await mailTo(address, mark);

    const revoked = await h.call(ENV, 'POST', `/user_management/invitations/${inv.id}/revoke`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.state, 'revoked');
    assert.ok(revoked.body.revoked_at);
    for (const action of ['revoke', 'resend', 'accept']) {
      const r = await h.call(ENV, 'POST', `/user_management/invitations/${inv.id}/${action}`, {});
      assert.equal(r.status, 400, action);
      assert.equal(r.body.code, 'invite_revoked');
    }

    // Accept: the user with the invitation's email becomes accepted_user_id.
    const invitee = await createUser(email('member'));
    const second = (await h.call(ENV, 'POST', '/user_management/invitations', { email: invitee.email })).body;
    const accepted = await h.call(ENV, 'POST', `/user_management/invitations/${second.id}/accept`);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.state, 'accepted');
    assert.equal(accepted.body.accepted_user_id, invitee.id);
    assert.equal((await h.call(ENV, 'POST', `/user_management/invitations/${second.id}/accept`)).body.code, 'invite_accepted');

    // Expired is derived from expires_at.
    const third = (await h.call(ENV, 'POST', '/user_management/invitations', { email: email('late') })).body;
    await h.sql(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [third.id]);
    assert.equal((await h.call(ENV, 'GET', `/user_management/invitations/${third.id}`)).body.state, 'expired');
    assert.equal((await h.call(ENV, 'POST', `/user_management/invitations/${third.id}/accept`)).body.code, 'invite_expired');

    const ev = async (t: string) => (await events(t)).filter((e) => [inv.id, second.id].includes(e.data.id)).map((e) => e.data);
    assert.equal((await ev('invitation.created')).length, 2);
    assert.equal((await ev('invitation.resent')).length, 1);
    assert.equal((await ev('invitation.revoked')).length, 1);
    assert.equal((await ev('invitation.accepted')).length, 1);
    for (const d of await ev('invitation.created')) assert.equal('token' in d || 'accept_invitation_url' in d, false);
    const [row] = await h.sql(`SELECT token_hash, token_sealed FROM invitations WHERE id = $1`, [inv.id]);
    assert.equal(row.token_sealed.includes(inv.token), false);
  });

  test('bad input is a WorkOS 4xx and writes nothing', async () => {
    const before = (await h.sql(`SELECT count(*)::int AS n FROM outbox`))[0].n;
    const cases: [string, string, unknown, number, string?][] = [
      ['POST', '/user_management/invitations', { email: 'not-an-email' }, 422],
      ['POST', '/user_management/invitations', { email: email('x'), expires_in_days: 31 }, 422],
      ['POST', '/user_management/invitations', { email: email('x'), locale: 'xx-YY' }, 422, 'invalid_locale'],
      ['POST', '/user_management/invitations', { email: email('x'), inviter_user_id: 'user_01ZZZZZZZZZZZZZZZZZZZZZZZZ' }, 404],
      ['POST', '/user_management/invitations', { email: email('x'), surprise: 1 }, 422],
      ['POST', '/user_management/invitations', { email: email('x'), role_slug: 'admin' }, 422],
      ['POST', '/user_management/invitations/invitation_nope/accept', {}, 404],
      ['POST', '/user_management/invitations/invitation_01ZZZZZZZZZZZZZZZZZZZZZZZZ/revoke', { extra: true }, 422],
      ['GET', '/user_management/invitations/by_token/nope', undefined, 404],
      ['GET', '/user_management/invitations?limit=1000', undefined, 422],
      ['POST', '/user_management/password_reset', { email: 42 }, 422],
      ['POST', '/user_management/password_reset/confirm', { token: 'x' }, 422],
      ['POST', '/user_management/password_reset/confirm', { token: 'nope', new_password: 'long enough password' }, 404],
      ['GET', '/user_management/password_reset/password_reset_nope', undefined, 404],
      ['POST', '/user_management/magic_auth', {}, 422],
      ['POST', '/user_management/magic_auth', { email: email('x'), invitation_token: 'missing' }, 404],
      ['GET', '/user_management/magic_auth/magic_auth_01ZZZZZZZZZZZZZZZZZZZZZZZZ', undefined, 404],
      ['GET', '/user_management/email_verification/nope', undefined, 404],
      ['POST', '/user_management/users/user_01ZZZZZZZZZZZZZZZZZZZZZZZZ/email_verification/send', {}, 404],
      ['POST', '/user_management/users/user_01ZZZZZZZZZZZZZZZZZZZZZZZZ/email_verification/confirm', { code: '123456' }, 404],
      ['POST', '/user_management/users/user_01ZZZZZZZZZZZZZZZZZZZZZZZZ/email_verification/confirm', {}, 422],
      ['POST', '/user_management/magic_auth', '{"email": ', 400],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await h.call(ENV, method, path, body);
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.message, 'string');
      assert.equal(typeof r.body.code, 'string');
      if (code) assert.equal(r.body.code, code);
    }
    assert.equal((await h.sql(`SELECT count(*)::int AS n FROM outbox`))[0].n, before);
  });

  test('environment isolation: another environment sees none of these objects', async () => {
    const address = email('iso');
    const user = await createUser(address);
    const ma = (await h.call(ENV, 'POST', '/user_management/magic_auth', { email: address })).body;
    const pr = (await h.call(ENV, 'POST', '/user_management/password_reset', { email: address })).body;
    const inv = (await h.call(ENV, 'POST', '/user_management/invitations', { email: address })).body;
    await h.call(ENV, 'POST', `/user_management/users/${user.id}/email_verification/send`, {});
    const [ev] = (await events('email_verification.created')).filter((e) => e.data.user_id === user.id);
    for (const path of [
      `/user_management/magic_auth/${ma.id}`,
      `/user_management/password_reset/${pr.id}`,
      `/user_management/invitations/${inv.id}`,
      `/user_management/invitations/by_token/${inv.token}`,
      `/user_management/email_verification/${ev!.data.id}`,
    ]) {
      assert.equal((await h.call(OTHER, 'GET', path)).status, 404, path);
    }
    for (const action of ['accept', 'revoke', 'resend']) assert.equal((await h.call(OTHER, 'POST', `/user_management/invitations/${inv.id}/${action}`, {})).status, 404);
    assert.equal((await h.call(OTHER, 'POST', '/user_management/password_reset/confirm', { token: pr.password_reset_token, new_password: 'other env password' })).status, 404);
    assert.equal((await h.call(OTHER, 'POST', `/user_management/users/${user.id}/email_verification/confirm`, { code: '123456' })).status, 404);
    assert.equal((await h.call(OTHER, 'GET', `/user_management/invitations?email=${encodeURIComponent(address)}`)).body.data.length, 0);
    assert.equal((await h.call(ENV, 'GET', `/user_management/invitations/${inv.id}`)).body.state, 'pending', 'untouched');
  });
});
