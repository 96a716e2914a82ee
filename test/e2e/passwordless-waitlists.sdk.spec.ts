import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { NotFoundException, OauthException, UnprocessableEntityException, type EventName, type WorkOS } from '@workos-inc/node';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';

interface Mail {
  subject: string;
  text: string;
}

describe('Passwordless (Magic Link) and waitlists through the WorkOS SDK', () => {
  let e: E2e;
  let w: WorkOS;
  let identityDb: Client;
  const tag = uniqueSuffix();
  const email = (name: string) => `${name}-${tag}@example.com`;
  const REDIRECT = 'http://127.0.0.1:9/magic/callback';

  /** The newest development-inbox email to this address whose subject matches. */
  const mailTo = (address: string, subject: RegExp) =>
    waitFor(
      async () => {
        const r = await e.http('GET', `/dev/mail/messages?to=${encodeURIComponent(address)}`);
        return ((r.json as { data: Mail[] }).data ?? []).find((m) => subject.test(m.subject));
      },
      { timeoutMs: 30_000, message: `an email "${subject}" to ${address}` },
    );
  /** Follows the emailed link as a browser would (no redirect following), from its absolute URL. */
  const follow = (link: string) => e.http('GET', new URL(link).pathname);

  before(async () => {
    e = await startE2e({ name: 'passwordless_waitlists', portOffset: 9500, apps: ['organizations', 'events', 'identity', 'sso'] });
    w = e.workos;
    await e.addRedirectUri(REDIRECT);
    identityDb = new Client({ connectionString: e.stack.databaseUrl('identity') });
    await identityDb.connect();
  });
  after(async () => {
    await identityDb?.end();
    await e?.stop();
  });

  test('Magic Link: create, send, follow once to the redirect URI with code and state, exchange with getProfileAndToken', async () => {
    const session = await w.passwordless.createSession({ type: 'MagicLink', email: email('ml'), redirectURI: REDIRECT, state: 'app-state-1' });
    assert.equal(session.object, 'passwordless_session');
    assert.match(session.id, /^passwordless_session_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(session.email, email('ml'));
    assert.ok(new Date(session.expiresAt).getTime() > Date.now() + 14 * 60_000, 'WorkOS default: 15 minutes');
    assert.ok(session.link.startsWith(`${e.baseUrl}/passwordless/confirm/`), session.link);

    assert.deepEqual(await w.passwordless.sendSession(session.id), { success: true });
    const mail = await mailTo(email('ml'), /sign-in link/);
    assert.ok(mail.text.includes(session.link), 'the email carries the link');

    const first = await follow(session.link);
    assert.equal(first.status, 302, first.text);
    const location = new URL(String(first.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get('state'), 'app-state-1');
    const code = location.searchParams.get('code')!;
    assert.ok(code);

    const { profile, accessToken } = await w.sso.getProfileAndToken({ code, clientId: e.creds.client_id });
    assert.equal(profile.email, email('ml'));
    assert.equal(profile.connectionType, 'MagicLink');
    assert.match(profile.id, /^prof_/);
    assert.match(profile.connectionId, /^conn_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.ok(accessToken);
    assert.equal((await w.sso.getProfile({ accessToken })).email, email('ml'));
    await expectSdkError(w.sso.getProfileAndToken({ code, clientId: e.creds.client_id }), OauthException, 400);

    const second = await follow(session.link);
    assert.equal(second.status, 400, 'a link works once');
    assert.equal((second.json as { code: string }).code, 'passwordless_link_invalid');
    await expectSdkError(w.passwordless.sendSession(session.id), Error as never, 400);

    // The same address signs in again: a new link, the same profile.
    const again = await w.passwordless.createSession({ type: 'MagicLink', email: email('ml'), redirectURI: REDIRECT });
    const loc2 = new URL(String((await follow(again.link)).headers.location));
    assert.equal(loc2.searchParams.has('state'), false);
    assert.equal((await w.sso.getProfileAndToken({ code: loc2.searchParams.get('code')!, clientId: e.creds.client_id })).profile.id, profile.id);
  });

  test("Magic Link without redirectURI: the environment's default redirect URI (its first registered) is used", async () => {
    const later = 'http://127.0.0.1:9/magic/later';
    await e.addRedirectUri(later);
    const listed = (await e.http('GET', '/user_management/redirect_uris', { key: true })).json as { data: { uri: string; default: boolean }[] };
    assert.deepEqual(listed.data.filter((r) => r.default).map((r) => r.uri), [REDIRECT]);
    const session = await w.passwordless.createSession({ type: 'MagicLink', email: email('default'), state: 's-default' });
    const location = new URL(String((await follow(session.link)).headers.location));
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get('state'), 's-default');
    const { profile } = await w.sso.getProfileAndToken({ code: location.searchParams.get('code')!, clientId: e.creds.client_id });
    assert.equal(profile.email, email('default'));
  });

  test('Magic Link: two concurrent clicks on one link: exactly one gets a code', async () => {
    const session = await w.passwordless.createSession({ type: 'MagicLink', email: email('race'), redirectURI: REDIRECT });
    const answers = await Promise.all(Array.from({ length: 4 }, () => follow(session.link)));
    assert.deepEqual(answers.map((r) => r.status).sort(), [302, 400, 400, 400]);
  });

  test('Magic Link: an expired link is refused and cannot be sent', async () => {
    const session = await w.passwordless.createSession({ type: 'MagicLink', email: email('late'), redirectURI: REDIRECT, expiresIn: 60 });
    const expiresIn = new Date(session.expiresAt).getTime() - Date.now();
    assert.ok(expiresIn > 50_000 && expiresIn <= 60_000, `expires_in honoured (${expiresIn} ms)`);
    // Time travel instead of a 60 s sleep: the row's expiry moves into the past.
    await identityDb.query(`UPDATE passwordless_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [session.id]);
    const r = await follow(session.link);
    assert.equal(r.status, 400);
    assert.equal((r.json as { code: string }).code, 'passwordless_link_invalid');
    const sent = await e.http('POST', `/passwordless/sessions/${session.id}/send`, { key: true, body: {} });
    assert.equal(sent.status, 400);
    assert.equal((sent.json as { code: string }).code, 'passwordless_session_expired');
  });

  test('Magic Link: bad input and other environments', async () => {
    const cases: [string, unknown, number][] = [
      ['/passwordless/sessions', { type: 'Other', email: email('x'), redirect_uri: REDIRECT }, 422],
      ['/passwordless/sessions', { type: 'MagicLink', email: 'not-an-email', redirect_uri: REDIRECT }, 422],
      ['/passwordless/sessions', { type: 'MagicLink', email: email('x'), redirect_uri: 'https://evil.example.com/cb' }, 422],
      ['/passwordless/sessions', { type: 'MagicLink', email: email('x'), redirect_uri: REDIRECT, expires_in: 5 }, 422],
      ['/passwordless/sessions', { type: 'MagicLink', email: email('x'), redirect_uri: REDIRECT, connection: 'nope' }, 422],
      ['/passwordless/sessions', { type: 'MagicLink', email: email('x'), redirect_uri: REDIRECT, extra: true }, 422],
      ['/passwordless/sessions/passwordless_session_01HZZZZZZZZZZZZZZZZZZZZZZZ/send', {}, 404],
      ['/passwordless/sessions/garbage/send', {}, 404],
    ];
    for (const [path, body, status] of cases) {
      const r = await e.http('POST', path, { key: true, body });
      assert.equal(r.status, status, `${path} ${JSON.stringify(body)}: ${r.text}`);
      assert.equal(typeof (r.json as { message?: unknown }).message, 'string');
    }
    for (const bad of ['x', 'A'.repeat(43), '%2e%2e']) {
      const r = await e.http('GET', `/passwordless/confirm/${bad}`);
      assert.ok(r.status === 400 || r.status === 404, `${bad}: ${r.status}`);
    }
    assert.equal((await e.http('POST', '/passwordless/sessions', { body: { type: 'MagicLink', email: email('x'), redirect_uri: REDIRECT } })).status, 401);

    const session = await w.passwordless.createSession({ type: 'MagicLink', email: email('iso'), redirectURI: REDIRECT });
    const envB = await e.createEnvironment(`passwordless-b-${tag}`);
    const wb = e.client(envB.api_key);
    await expectSdkError(wb.passwordless.sendSession(session.id), NotFoundException, 404);
    // Env B has not registered REDIRECT: its sessions cannot send there; nor anywhere without redirect_uri (it has no default).
    await expectSdkError(wb.passwordless.createSession({ type: 'MagicLink', email: email('iso'), redirectURI: REDIRECT }), UnprocessableEntityException, 422);
    const noDefault = await e.http('POST', '/passwordless/sessions', { key: envB.api_key, body: { type: 'MagicLink', email: email('iso') } });
    assert.equal(noDefault.status, 422, noDefault.text);
    assert.equal((noDefault.json as { errors: { code: string }[] }).errors[0]!.code, 'redirect_uri_required');
    const code = new URL(String((await follow(session.link)).headers.location)).searchParams.get('code')!;
    await expectSdkError(wb.sso.getProfileAndToken({ code, clientId: envB.client_id }), OauthException, 400);
    assert.equal((await w.sso.getProfileAndToken({ code, clientId: e.creds.client_id })).profile.email, email('iso'), 'the failed foreign exchange did not burn the code');
  });

  test('waitlists: the environment has one (also as `default`); entries are created once per address, filtered, paginated', async () => {
    const lists = await w.userManagement.listWaitlists();
    assert.equal(lists.data.length, 1);
    const waitlist = lists.data[0]!;
    assert.equal(waitlist.object, 'waitlist');
    assert.match(waitlist.id, /^waitlist_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal((await w.userManagement.getWaitlist('default')).id, waitlist.id);
    assert.equal((await w.userManagement.getWaitlist(waitlist.id)).id, waitlist.id);
    await expectSdkError(w.userManagement.getWaitlist('waitlist_01HZZZZZZZZZZZZZZZZZZZZZZZ'), NotFoundException, 404);

    const a = await w.userManagement.createWaitlistEntry('default', { email: email('wa'), additionalFields: { company: 'Acme' } });
    assert.equal(a.object, 'waitlist_entry');
    assert.equal(a.state, 'pending');
    assert.equal(a.approvedAt, null);
    assert.equal(a.waitlistId, waitlist.id);
    assert.deepEqual(a.additionalFields, { company: 'Acme' });
    const again = await w.userManagement.createWaitlistEntry(waitlist.id, { email: email('WA').toUpperCase(), additionalFields: { company: 'Other' } });
    assert.equal(again.id, a.id, 'an address on the list gets its entry back');
    assert.deepEqual(again.additionalFields, { company: 'Acme' }, 'unchanged');

    const racing = await Promise.all(Array.from({ length: 4 }, () => w.userManagement.createWaitlistEntry('default', { email: email('race') })));
    assert.equal(new Set(racing.map((x) => x.id)).size, 1, 'concurrent joins of one address make one entry');

    const b = await w.userManagement.createWaitlistEntry('default', { email: email('wb'), sendConfirmationEmail: true });
    await mailTo(email('wb'), /on the waitlist/);
    await w.userManagement.createWaitlistEntry('default', { email: email('wc') });

    const page1 = await w.userManagement.listWaitlistEntries('default', { limit: 2 });
    assert.equal(page1.data.length, 2);
    const page2 = await w.userManagement.listWaitlistEntries('default', { limit: 2, after: page1.listMetadata.after! });
    assert.equal(page2.data.length, 2);
    assert.equal(new Set([...page1.data, ...page2.data].map((x) => x.id)).size, 4, 'four entries on two pages, none twice');
    assert.deepEqual((await w.userManagement.listWaitlistEntries('default', { email: email('wb') })).data.map((x) => x.id), [b.id]);
    assert.ok((await w.userManagement.listWaitlistEntries('default', { state: 'pending' })).data.some((x) => x.id === a.id));
    assert.deepEqual((await w.userManagement.listWaitlistEntries('default', { state: 'approved' })).data, []);
  });

  test('waitlists: approve sends an invitation email; deny; state rules; delete lets the address join again', async () => {
    const a = await w.userManagement.createWaitlistEntry('default', { email: email('approve') });
    const approved = await w.userManagement.approveWaitlistEntry(a.id);
    assert.equal(approved.state, 'approved');
    assert.ok(approved.approvedAt);
    const invitations = await w.userManagement.listInvitations({ email: email('approve') });
    assert.equal(invitations.data.length, 1);
    assert.equal(invitations.data[0]!.state, 'pending');
    const mail = await mailTo(email('approve'), /invited/);
    assert.ok(mail.text.includes(invitations.data[0]!.token), 'the invitation email carries the invitation link');
    await expectSdkError(w.userManagement.approveWaitlistEntry(a.id), UnprocessableEntityException, 422);
    await expectSdkError(w.userManagement.denyWaitlistEntry(a.id), UnprocessableEntityException, 422);
    assert.equal((await w.userManagement.listInvitations({ email: email('approve') })).data.length, 1, 'no second invitation');

    const d = await w.userManagement.createWaitlistEntry('default', { email: email('deny') });
    assert.equal((await w.userManagement.denyWaitlistEntry(d.id)).state, 'denied');
    assert.equal((await w.userManagement.listInvitations({ email: email('deny') })).data.length, 0);
    assert.equal((await w.userManagement.approveWaitlistEntry(d.id)).state, 'approved', 'a denied entry can still be approved');

    await w.userManagement.deleteWaitlistEntry(d.id);
    await expectSdkError(w.userManagement.deleteWaitlistEntry(d.id), NotFoundException, 404);
    const rejoined = await w.userManagement.createWaitlistEntry('default', { email: email('deny') });
    assert.notEqual(rejoined.id, d.id);

    await w.userManagement.createUser({ email: email('member') });
    await expectSdkError(w.userManagement.createWaitlistEntry('default', { email: email('member') }), UnprocessableEntityException, 422);

    // The SDK subscribes to these types but its EventName list lacks them (WORKOS_API.md §13).
    const types = ['waitlist_user.created', 'waitlist_user.approved', 'waitlist_user.denied'] as unknown as EventName[];
    const events = await waitForEvents(w, types, (all) =>
      all.filter((ev) => (ev.data as { id?: string }).id === d.id).length === 3,
    );
    const mine = events.filter((ev) => (ev.data as { id?: string }).id === d.id);
    assert.deepEqual(mine.map((ev) => ev.event), ['waitlist_user.created', 'waitlist_user.denied', 'waitlist_user.approved']);
  });

  test('waitlists: bad input and other environments', async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const cases: [string, string, unknown, number][] = [
      ['POST', '/user_management/waitlists/default/entries', {}, 422],
      ['POST', '/user_management/waitlists/default/entries', { email: 'nope' }, 422],
      ['POST', '/user_management/waitlists/default/entries', { email: email('bad'), additional_fields: many }, 422],
      ['POST', '/user_management/waitlists/default/entries', { email: email('bad'), additional_fields: { k: 'v'.repeat(601) } }, 422],
      ['POST', '/user_management/waitlists/default/entries', { email: email('bad'), additional_fields: { ['k'.repeat(41)]: 'v' } }, 422],
      ['POST', '/user_management/waitlists/default/entries', { email: email('bad'), additional_fields: { k: 1 } }, 422],
      ['POST', '/user_management/waitlists/default/entries', { email: email('bad'), send_confirmation_email: 'yes' }, 422],
      ['POST', '/user_management/waitlists/nope/entries', { email: email('bad') }, 404],
      ['GET', '/user_management/waitlists/default/entries?state=bogus', undefined, 422],
      ['POST', '/user_management/waitlist_entries/waitlist_entry_01HZZZZZZZZZZZZZZZZZZZZZZZ/approve', undefined, 404],
      ['POST', '/user_management/waitlist_entries/nope/deny', undefined, 404],
      ['DELETE', '/user_management/waitlist_entries/nope', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const r = await e.http(method, path, { key: true, ...(body === undefined ? {} : { body }) });
      assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
      assert.equal(typeof (r.json as { message?: unknown }).message, 'string');
    }
    assert.deepEqual((await w.userManagement.listWaitlistEntries('default', { email: email('bad') })).data, [], 'nothing was written');

    const mine = await w.userManagement.createWaitlistEntry('default', { email: email('iso') });
    const envB = await e.createEnvironment(`waitlists-b-${tag}`);
    const wb = e.client(envB.api_key);
    const theirs = (await wb.userManagement.listWaitlists()).data[0]!;
    assert.notEqual(theirs.id, mine.waitlistId);
    await expectSdkError(wb.userManagement.getWaitlist(mine.waitlistId!), NotFoundException, 404);
    await expectSdkError(wb.userManagement.approveWaitlistEntry(mine.id), NotFoundException, 404);
    await expectSdkError(wb.userManagement.deleteWaitlistEntry(mine.id), NotFoundException, 404);
    assert.deepEqual((await wb.userManagement.listWaitlistEntries('default')).data, []);
    assert.equal((await w.userManagement.listWaitlistEntries('default', { email: email('iso') })).data[0]!.state, 'pending');
  });
});
