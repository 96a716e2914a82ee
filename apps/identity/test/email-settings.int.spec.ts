import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@wos/platform/testing';
import { startFlowsHarness, type FlowsHarness } from './flows.support';

const BRANDED = 'environment_01MAILSETTINGSA000000000000';
const PLAIN = 'environment_01MAILSETTINGSB000000000000';
const OWN = 'environment_01MAILSETTINGSC000000000000';
const PATH = '/user_management/authkit/settings';
let seq = 0;
const address = (tag: string) => `${tag}-${Date.now()}-${seq++}@settings.test`;

/**
 * The environment's email settings (AuthKit settings `email`): validated with WorkOS-shaped 4xx
 * and nothing written; every email goes out as the environment's sender (others keep the
 * default); `own_provider` sends none of the AuthKit flows' emails while their events still go
 * out (the app fetches the code or token by ID), and other emails are still sent.
 */
describe('AuthkitSettingsService email settings and the mail outbox (real Postgres, Redis, Kafka, SMTP)', () => {
  let h: FlowsHarness;
  before(async () => {
    h = await startFlowsHarness('email_settings', { MAIL_FROM: 'AuthKit <auth@flows.test>', MAIL_SENDER_DOMAINS: 'mail.acme.test, acme.test' });
  });
  after(async () => {
    await h?.close();
  });

  const patch = (env: string, body: unknown) => h.call(env, 'PATCH', PATH, body);
  const mailTo = (to: string) => h.smtp.waitForMail((m) => m.envelopeTo.includes(to));
  const delivery = async (entityId: string) => (await h.sql(`SELECT sent_at, closed_reason FROM email_deliveries WHERE entity_id = $1`, [entityId]))[0];
  const eventOf = async (type: string, id: string) => (await h.sql(`SELECT payload->'data' AS data FROM outbox WHERE payload->>'event' = $1 AND payload->'data'->>'id' = $2`, [type, id]))[0]?.data;
  const createUser = async (env: string, email: string) => {
    const res = await h.call(env, 'POST', '/user_management/users', { email });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string };
  };

  test('defaults: the wire shows an unset sender and platform delivery', async () => {
    const res = await h.call(PLAIN, 'GET', PATH);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.email, { from_name: null, from_address: null, reply_to: null, delivery: 'platform' });
  });

  test('bad input is a 422 with the field named, never a 500, and writes nothing', async () => {
    const cases: Array<[unknown, string, string?]> = [
      [{ email: { from_address: 'not-an-address' } }, 'email.from_address'],
      [{ email: { from_address: 'Acme <hello@mail.acme.test>' } }, 'email.from_address'],
      [{ email: { from_address: `${'a'.repeat(250)}@acme.test` } }, 'email.from_address'],
      [{ email: { from_address: 'ceo@bank.example' } }, 'email.from_address', 'sender_domain_not_allowed'],
      // A subdomain of a listed domain is another mail domain.
      [{ email: { from_address: 'x@eu.mail.acme.test' } }, 'email.from_address', 'sender_domain_not_allowed'],
      [{ email: { reply_to: 'nope' } }, 'email.reply_to'],
      [{ email: { from_name: 'Acme\r\nBcc: victim@x.test' } }, 'email.from_name'],
      [{ email: { from_name: 'support@bank.example' } }, 'email.from_name'],
      [{ email: { from_name: 'A'.repeat(65) } }, 'email.from_name'],
      [{ email: { from_name: '   ' } }, 'email.from_name'],
      [{ email: { delivery: 'carrier_pigeon' } }, 'email.delivery'],
      [{ email: { smtp_host: 'evil.test' } }, 'email.smtp_host', 'unknown_field'],
      [{ email: 'own_provider' }, 'email'],
      // Valid email settings with an invalid sibling: nothing of either is written.
      [{ email: { from_name: 'Half' }, branding: { primary_color: 'red' } }, 'branding.primary_color'],
    ];
    for (const [body, field, code] of cases) {
      const res = await patch(BRANDED, body);
      assert.equal(res.status, 422, `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'invalid_request_parameters');
      const hit = (res.body.errors as Array<{ field: string; code: string }>).find((e) => e.field === field);
      assert.ok(hit, `${JSON.stringify(body)} names ${field}: ${JSON.stringify(res.body.errors)}`);
      if (code) assert.equal(hit!.code, code);
    }
    assert.deepEqual(await h.sql(`SELECT * FROM authkit_settings WHERE environment_id = $1`, [BRANDED]), []);
  });

  test("every email of an environment goes out as its sender; another environment's keep the default", async () => {
    const set = await patch(BRANDED, { email: { from_name: 'Acme Accounts', from_address: 'Hello@Mail.Acme.test', reply_to: 'support@help.example' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.email, { from_name: 'Acme Accounts', from_address: 'hello@mail.acme.test', reply_to: 'support@help.example', delivery: 'platform' });
    assert.deepEqual((await h.call(BRANDED, 'GET', PATH)).body.email, set.body.email);
    // Isolation: the other environment's settings and mail are untouched.
    assert.equal((await h.call(PLAIN, 'GET', PATH)).body.email.from_address, null);

    const branded = address('branded');
    assert.equal((await h.call(BRANDED, 'POST', '/user_management/magic_auth', { email: branded })).status, 201);
    const m = await mailTo(branded);
    assert.match(m.headers.get('from') ?? '', /^"?Acme Accounts"? <hello@mail\.acme\.test>$/);
    assert.equal(m.headers.get('reply-to'), 'support@help.example');
    assert.equal(m.envelopeFrom, 'hello@mail.acme.test');

    // An email that is not an AuthKit flow's (email change) carries the sender too.
    const user = await createUser(BRANDED, address('changer'));
    const next = address('changed');
    assert.equal((await h.call(BRANDED, 'POST', `/user_management/users/${user.id}/email_change/send`, { new_email: next })).status, 200);
    assert.match((await mailTo(next)).headers.get('from') ?? '', /<hello@mail\.acme\.test>$/);

    const plain = address('plain');
    assert.equal((await h.call(PLAIN, 'POST', '/user_management/magic_auth', { email: plain })).status, 201);
    const p = await mailTo(plain);
    assert.equal(p.headers.get('from'), 'AuthKit <auth@flows.test>');
    assert.equal(p.headers.get('reply-to'), undefined);

    // Only the name: the default address keeps it company. null clears a field.
    assert.equal((await patch(BRANDED, { email: { from_address: null, reply_to: null } })).status, 200);
    const named = address('named');
    await h.call(BRANDED, 'POST', '/user_management/magic_auth', { email: named });
    const n = await mailTo(named);
    assert.match(n.headers.get('from') ?? '', /^"?Acme Accounts"? <auth@flows\.test>$/);
    assert.equal(n.headers.get('reply-to'), undefined);
  });

  test('own_provider: no AuthKit flow email is sent, the events still go out and the app can read the code; other emails are sent', async () => {
    const set = await patch(OWN, { email: { delivery: 'own_provider', from_address: 'auth@acme.test' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.email.delivery, 'own_provider');
    const before = h.smtp.messages.length;

    const magicTo = address('own-magic');
    const magic = (await h.call(OWN, 'POST', '/user_management/magic_auth', { email: magicTo })).body;
    const userTo = address('own-user');
    const user = await createUser(OWN, userTo);
    assert.equal((await h.call(OWN, 'POST', `/user_management/users/${user.id}/email_verification/send`, {})).status, 200);
    const reset = (await h.call(OWN, 'POST', '/user_management/password_reset', { email: userTo })).body;
    const inviteTo = address('own-invite');
    const invitation = (await h.call(OWN, 'POST', '/user_management/invitations', { email: inviteTo })).body;
    const [verification] = await h.sql(`SELECT payload->'data' AS data FROM outbox WHERE payload->>'event' = 'email_verification.created' AND payload->'data'->>'user_id' = $1`, [user.id]);
    assert.ok(magic.id && reset.id && invitation.id && verification, 'all four flows answered and wrote their event');

    for (const id of [magic.id, verification.data.id, reset.id, invitation.id]) {
      const row = await waitFor(async () => (await delivery(id))?.closed_reason ?? undefined, { timeoutMs: 30_000, message: `the email of ${id} closed` });
      assert.equal(row, 'skipped: own_provider');
      assert.equal((await delivery(id)).sent_at, null);
    }
    // The events are WorkOS's (no secret); the app gets the secret by ID, as with WorkOS.
    const created = await eventOf('magic_auth.created', magic.id);
    assert.equal(created.email, magicTo);
    assert.equal('code' in created, false);
    assert.equal((await h.call(OWN, 'GET', `/user_management/magic_auth/${magic.id}`)).body.code, magic.code);
    assert.equal('password_reset_token' in (await eventOf('password_reset.created', reset.id)), false);
    assert.equal((await h.call(OWN, 'GET', `/user_management/password_reset/${reset.id}`)).body.password_reset_token, reset.password_reset_token);
    assert.ok(await eventOf('invitation.created', invitation.id));
    assert.equal((await h.call(OWN, 'GET', `/user_management/invitations/${invitation.id}`)).body.accept_invitation_url, invitation.accept_invitation_url);

    // An email no event lets the app send (email change) still goes out, as the environment's sender.
    const next = address('own-changed');
    assert.equal((await h.call(OWN, 'POST', `/user_management/users/${user.id}/email_change/send`, { new_email: next })).status, 200);
    assert.match((await mailTo(next)).headers.get('from') ?? '', /<auth@acme\.test>$/);
    for (const to of [magicTo, userTo, inviteTo]) assert.equal(h.smtp.messages.slice(before).filter((m) => m.envelopeTo.includes(to)).length, 0, `nothing mailed to ${to}`);

    // Meanwhile the other environments still get their AuthKit emails.
    const plain = address('plain-too');
    await h.call(PLAIN, 'POST', '/user_management/magic_auth', { email: plain });
    await mailTo(plain);

    // email: null resets everything: the platform sends again, from the default sender.
    const reset2 = await patch(OWN, { email: null });
    assert.deepEqual(reset2.body.email, { from_name: null, from_address: null, reply_to: null, delivery: 'platform' });
    const again = address('own-again');
    await h.call(OWN, 'POST', '/user_management/magic_auth', { email: again });
    assert.equal((await mailTo(again)).headers.get('from'), 'AuthKit <auth@flows.test>');
  });
});
