import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthenticationException, GenericServerException, NotFoundException, OauthException, UnprocessableEntityException, type EventName, type WorkOS } from '@workos-inc/node';
import { chromium, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { Secret, TOTP } from 'otpauth';
import { startSmtpSink, uniqueSuffix, waitFor, type SmtpSink } from '@wos/platform/testing';
import { httpRequest } from '../support/http';
import { ScimClient, USER_SCHEMA, patch } from '../support/scim-client';
import { startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const ATTEMPT_ID = /^radar_att_[0-9A-HJKMNP-TV-Z]{26}$/;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('Radar through the WorkOS SDK', () => {
  let e: E2e;
  let smtp: SmtpSink;
  let other: WorkOS;
  let otherKey: string;
  let otherClientId: string;
  const tag = uniqueSuffix();
  let ipSeq = 0;
  /* Every test signs in from addresses of its own, so no window carries over between tests. */
  const net = 1 + Math.floor(Math.random() * 250);
  const freshIp = () => (++ipSeq, `10.${net}.${Math.floor(ipSeq / 250)}.${(ipSeq % 250) + 1}`);
  const attempt = (over: Partial<Parameters<WorkOS['radar']['createAttempt']>[0]> = {}, client?: WorkOS) =>
    (client ?? e.workos).radar.createAttempt({ ipAddress: freshIp(), userAgent: BROWSER, email: `user-${tag}-${++ipSeq}@example.com`, authMethod: 'Password', action: 'sign-in', ...over });
  const settings = async (body: Record<string, unknown>, key: string | true = true) => {
    const res = await e.http('PUT', '/radar/settings', { key, body });
    assert.equal(res.status, 200, res.text);
    return res.json as Record<string, unknown>;
  };

  before(async () => {
    smtp = await startSmtpSink();
    e = await startE2e({
      name: 'radar_sdk',
      portOffset: 5000,
      apps: ['organizations', 'events', 'radar', 'identity', 'directory-sync'],
      appEnv: { identity: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) } },
    });
    const env = await e.createEnvironment(`radar-other-${tag}`);
    otherKey = env.api_key;
    otherClientId = env.client_id;
    other = e.client(otherKey);
  });
  after(async () => {
    await e?.stop();
    await smtp?.close();
  });

  test('createAttempt allows a quiet sign-in, updateAttempt records its success, the stored attempt shows both', async () => {
    const email = `quiet-${tag}@example.com`;
    const verdict = await attempt({ email });
    assert.equal(verdict.verdict, 'allow');
    assert.equal(verdict.reason, 'No risk detected');
    assert.match(verdict.attemptId, ATTEMPT_ID);
    assert.equal(verdict.control, undefined);
    await e.workos.radar.updateAttempt({ id: verdict.attemptId, attemptStatus: 'success' });
    await e.workos.radar.updateAttempt({ id: verdict.attemptId, challengeStatus: 'success' });
    const stored = await e.http('GET', `/radar/attempts/${verdict.attemptId}`, { key: true });
    assert.equal(stored.status, 200, stored.text);
    assert.deepEqual(
      (({ object, email: m, verdict: v, attempt_status, challenge_status }) => ({ object, email: m, verdict: v, attempt_status, challenge_status }))(stored.json as Record<string, string>),
      { object: 'radar_attempt', email, verdict: 'allow', attempt_status: 'success', challenge_status: 'success' },
    );
  });

  test('bad input is a 422 and an unknown attempt a 404, through the SDK', async () => {
    await expectSdkError(attempt({ ipAddress: 'not-an-ip' }), UnprocessableEntityException, 422);
    await expectSdkError(attempt({ authMethod: 'Telepathy' as never }), UnprocessableEntityException, 422);
    await expectSdkError(e.workos.radar.updateAttempt({ id: 'radar_att_01HZBC6N1EB1ZY7KG32XAAAAAA', attemptStatus: 'success' }), NotFoundException, 404);
    await expectSdkError(e.workos.radar.addListEntry({ type: 'ip_address', action: 'block', entry: '300.1.1.1' }), UnprocessableEntityException, 422);
    await expectSdkError(e.workos.radar.addListEntry({ type: 'planet' as never, action: 'block', entry: 'mars' }), UnprocessableEntityException, 422);
  });

  test('lists: a block entry blocks outright, an allow entry wins over the controls, block beats allow, removal lifts the block', async () => {
    const radar = e.workos.radar;
    const net = `192.0.2.0/24`;
    const added = await radar.addListEntry({ type: 'ip_address', action: 'block', entry: '192.0.2.77/24' });
    assert.match(added.message, /added/);
    assert.match((await radar.addListEntry({ type: 'ip_address', action: 'block', entry: net })).message, /already/);
    const blocked = await attempt({ ipAddress: '192.0.2.10' });
    assert.deepEqual([blocked.verdict, blocked.control, blocked.blocklistType], ['block', 'restriction', 'ip_address']);

    // A bot user agent is blocked by default, unless the account is allow-listed.
    const botEmail = `bot-${tag}@example.com`;
    assert.equal((await attempt({ email: botEmail, userAgent: 'curl/8.5.0' })).control, 'bot_detection');
    await radar.addListEntry({ type: 'email', action: 'allow', entry: botEmail.toUpperCase() });
    const allowed = await attempt({ email: botEmail, userAgent: 'curl/8.5.0' });
    assert.deepEqual([allowed.verdict, allowed.reason], ['allow', 'The email is on the allow list']);
    // An allow-listed email from a blocked network is still blocked.
    assert.equal((await attempt({ email: botEmail, ipAddress: '192.0.2.11' })).verdict, 'block');

    await radar.addListEntry({ type: 'domain', action: 'block', entry: `blocked-${tag}.example` });
    assert.equal((await attempt({ email: `x@blocked-${tag}.example` })).blocklistType, 'domain');
    await radar.addListEntry({ type: 'user_agent', action: 'block', entry: `EvilAgent/${tag}` });
    assert.equal((await attempt({ userAgent: `EvilAgent/${tag}` })).blocklistType, 'user_agent');

    await radar.removeListEntry({ type: 'ip_address', action: 'block', entry: net });
    assert.equal((await attempt({ ipAddress: '192.0.2.12' })).verdict, 'allow');
    await expectSdkError(radar.removeListEntry({ type: 'ip_address', action: 'block', entry: net }), NotFoundException, 404);
  });

  test('GeoIP: an attempt gets its country from its IP address (offline database), and country lists match it', async () => {
    const radar = e.workos.radar;
    await radar.addListEntry({ type: 'country', action: 'block', entry: 'au' });
    try {
      const au = await attempt({ ipAddress: '1.1.1.1' });
      assert.deepEqual([au.verdict, au.control, au.blocklistType], ['block', 'restriction', 'country']);
      const us = await attempt({ ipAddress: '8.8.8.8' });
      assert.equal(us.verdict, 'allow');
      const stored = async (id: string) => ((await e.http('GET', `/radar/attempts/${id}`, { key: true })).json as { country: string | null }).country;
      assert.equal(await stored(us.attemptId), 'US');
      assert.equal(await stored((await attempt()).attemptId), null, 'a private address has no country');
      const listed = await e.http('GET', '/radar/attempts?country=au&verdict=block', { key: true });
      assert.ok((listed.json as { data: { id: string }[] }).data.some((a) => a.id === au.attemptId));
    } finally {
      await radar.removeListEntry({ type: 'country', action: 'block', entry: 'AU' });
    }
  });

  test('impossible travel: a sign-in from Australia minutes after a successful one from the US is challenged; a hop within the US is not', async () => {
    const email = `traveller-${tag}@example.com`;
    const from = (ipAddress: string) => attempt({ ipAddress, email });
    const home = await from('8.8.8.8');
    assert.equal(home.verdict, 'allow', 'nothing to compare before the first success');
    await e.workos.radar.updateAttempt({ id: home.attemptId, attemptStatus: 'success' });
    assert.equal((await from('8.8.4.4')).verdict, 'allow', 'the same country: no distance between centroids');
    const away = await from('1.1.1.1');
    assert.deepEqual([away.verdict, away.control], ['challenge', 'impossible_travel']);
    assert.match(away.reason, /^1[0-9]{4} km from the last sign-in 0 minutes before$/);
    const stored = (await e.http('GET', `/radar/attempts/${away.attemptId}`, { key: true })).json as { country: string; findings?: { control: string }[] };
    assert.equal(stored.country, 'AU');
    // Turned off for the environment, the same trip passes; an attempt GeoIP cannot place has nothing to compare.
    await settings({ impossible_travel: { mode: 'off' } });
    try {
      assert.equal((await from('1.1.1.1')).verdict, 'allow');
    } finally {
      await settings({ impossible_travel: { mode: 'challenge' } });
    }
    assert.equal((await from(freshIp())).verdict, 'allow');
  });

  test('unrecognized device: once an account succeeded from a fingerprint, another fingerprint is flagged', async () => {
    await settings({ unrecognized_device: { mode: 'challenge' } });
    try {
      const email = `device-${tag}@example.com`;
      // device_fingerprint is our extension: the SDK's createAttempt does not send it.
      const raw = async (fingerprint?: string) => {
        const res = await e.http('POST', '/radar/attempts', {
          key: true,
          body: { ip_address: freshIp(), user_agent: BROWSER, email, auth_method: 'Password', action: 'sign-in', ...(fingerprint ? { device_fingerprint: fingerprint } : {}) },
        });
        assert.equal(res.status, 200, res.text);
        return res.json as { verdict: string; control?: string; attempt_id: string };
      };
      const first = await raw('fp-laptop');
      assert.equal(first.verdict, 'allow', 'an account with no known device has nothing to compare');
      await e.workos.radar.updateAttempt({ id: first.attempt_id, attemptStatus: 'success' });
      assert.equal((await raw('fp-laptop')).verdict, 'allow');
      const other = await raw('fp-unknown-phone');
      assert.deepEqual([other.verdict, other.control], ['challenge', 'unrecognized_device']);
      assert.equal((await raw()).verdict, 'allow', 'no fingerprint, nothing to compare');
    } finally {
      await settings({ unrecognized_device: { mode: 'log' } });
    }
  });

  test('brute force: failures per account above the threshold block; a reported success does not count', async () => {
    await settings({ brute_force_attack: { mode: 'block', max_failures_per_account: 2 } });
    const email = `brute-${tag}@example.com`;
    const first = await attempt({ email });
    await e.workos.radar.updateAttempt({ id: first.attemptId, attemptStatus: 'success' });
    assert.equal((await attempt({ email })).verdict, 'allow');
    assert.equal((await attempt({ email })).verdict, 'allow');
    const third = await attempt({ email });
    assert.deepEqual([third.verdict, third.control], ['block', 'brute_force_attack']);
    await settings({ brute_force_attack: { mode: 'challenge', max_failures_per_account: 10 } });
  });

  test('credential stuffing: many accounts from one IP; bots; disposable sign-ups challenged', async () => {
    await settings({ credential_stuffing: { mode: 'challenge', max_accounts_per_ip: 2 } });
    const ipAddress = freshIp();
    assert.equal((await attempt({ ipAddress, email: `cs1-${tag}@example.com` })).verdict, 'allow');
    assert.equal((await attempt({ ipAddress, email: `cs2-${tag}@example.com` })).verdict, 'allow');
    assert.equal((await attempt({ ipAddress, email: `cs2-${tag}@example.com` })).verdict, 'allow');
    const third = await attempt({ ipAddress, email: `cs3-${tag}@example.com` });
    assert.deepEqual([third.verdict, third.control], ['challenge', 'brute_force_attack']);

    // Per network: three of Quad9's addresses (AS19281 in the shipped ASN data), one account each.
    await settings({ credential_stuffing: { max_accounts_per_ip: 100, max_accounts_per_asn: 2 } });
    assert.equal((await attempt({ ipAddress: '9.9.9.9', email: `asn1-${tag}@example.com` })).verdict, 'allow');
    assert.equal((await attempt({ ipAddress: '149.112.112.112', email: `asn2-${tag}@example.com` })).verdict, 'allow');
    const network = await attempt({ ipAddress: '9.9.9.10', email: `asn3-${tag}@example.com` });
    assert.deepEqual([network.verdict, network.control, network.reason], ['challenge', 'brute_force_attack', 'Sign-ins to more than 2 accounts from this network (AS19281)']);
    assert.equal((await attempt({ ipAddress: '208.67.222.222', email: `asn4-${tag}@example.com` })).verdict, 'allow', 'another network counts apart');
    await settings({ credential_stuffing: { max_accounts_per_ip: 20, max_accounts_per_asn: 200 } });

    const bot = await attempt({ userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    assert.deepEqual([bot.verdict, bot.control], ['block', 'bot_detection']);

    const disposable = await attempt({ email: `signup-${tag}@mailinator.com`, action: 'sign-up' });
    assert.deepEqual([disposable.verdict, disposable.control], ['challenge', 'repeat_sign_up']);
    await settings({ repeat_sign_up: { mode: 'off' } });
    assert.equal((await attempt({ email: `signup2-${tag}@mailinator.com`, action: 'sign-up' })).verdict, 'allow');
  });

  test('stale account: an account whose last successful sign-in is older than N days', async () => {
    await settings({ stale_account: { mode: 'challenge', days: 30 } });
    const email = `stale-${tag}@example.com`;
    const first = await attempt({ email });
    await e.workos.radar.updateAttempt({ id: first.attemptId, attemptStatus: 'success' });
    assert.equal((await attempt({ email })).verdict, 'allow');
    // Age the account's history in radar's database: 31 days since its last success.
    const db = new Client({ connectionString: e.stack.databaseUrl('radar') });
    await db.connect();
    try {
      await db.query(`UPDATE radar_accounts SET last_success_at = now() - interval '31 days' WHERE email = $1`, [email]);
    } finally {
      await db.end();
    }
    const stale = await attempt({ email });
    assert.deepEqual([stale.verdict, stale.control], ['challenge', 'stale_account']);
  });

  test('events: authentication.radar_risk_detected for a blocked attempt; radar.attempt.created for every attempt only once the environment turns attempt_events on', async () => {
    const types = ['authentication.radar_risk_detected', 'radar.attempt.created'] as EventName[];
    const quiet = `event-off-${tag}@example.com`;
    assert.equal((await attempt({ email: quiet, userAgent: 'python-requests/2.31' })).verdict, 'block');
    // Both would be rows of the attempt's one statement, keyed alike: once the risk event is
    // listed, a radar.attempt.created (an earlier row of that statement) would be listed too.
    const before = await waitForEvents(e.workos, types, (all) => all.some((ev) => ev.event === 'authentication.radar_risk_detected' && (ev.data as { email?: string }).email === quiet));
    assert.deepEqual(before.filter((ev) => (ev.data as { email?: string }).email === quiet).map((ev) => ev.event), ['authentication.radar_risk_detected'], 'attempt events are off by default');

    assert.equal((await settings({ attempt_events: true })).attempt_events, true);
    const email = `event-${tag}@example.com`;
    const blocked = await attempt({ email, userAgent: 'python-requests/2.31' });
    assert.equal(blocked.verdict, 'block');
    const events = await waitForEvents(e.workos, types, (all) => all.filter((ev) => (ev.data as { email?: string }).email === email).length >= 2);
    const risk = events.find((ev) => ev.event === 'authentication.radar_risk_detected' && (ev.data as { email?: string }).email === email)!;
    assert.deepEqual(
      (({ authMethod, action, control, blocklistType, userAgent }) => ({ authMethod, action, control, blocklistType, userAgent }))(risk.data as unknown as Record<string, unknown>),
      { authMethod: 'Password', action: 'login', control: 'bot_detection', blocklistType: null, userAgent: 'python-requests/2.31' },
    );
  });

  test('concurrent attempts (written in shared statements) are each stored once with their own verdict and their own radar.attempt.created', async () => {
    const emails = Array.from({ length: 40 }, (_, i) => `burst-${tag}-${i}@example.com`);
    const made = await Promise.all(emails.map((email, i) => attempt({ email, userAgent: i % 2 ? 'python-requests/2.31' : BROWSER })));
    made.forEach((m, i) => assert.equal(m.verdict, i % 2 ? 'block' : 'allow', emails[i]));
    const stored = await Promise.all(made.map((m) => e.http('GET', `/radar/attempts/${m.attemptId}`, { key: true })));
    stored.forEach((res, i) => assert.equal((res.json as { email: string }).email, emails[i], res.text));
    const mine = (ev: { event: string; data: unknown }) => ev.event === 'radar.attempt.created' && emails.includes((ev.data as { email: string }).email);
    const events = await waitForEvents(e.workos, ['radar.attempt.created'] as unknown as EventName[], (all) => all.filter(mine).length >= emails.length);
    assert.deepEqual(events.filter(mine).map((ev) => (ev.data as { id: string }).id).sort(), made.map((m) => m.attemptId).sort());
  });

  test('the management list filters attempts; /metrics counts verdicts per control', async () => {
    const email = `listed-${tag}@example.com`;
    await attempt({ email });
    await attempt({ email, userAgent: 'Wget/1.21' });
    const res = await e.http('GET', `/radar/attempts?email=${encodeURIComponent(email)}&verdict=block`, { key: true });
    assert.equal(res.status, 200, res.text);
    const list = res.json as { object: string; data: { email: string; verdict: string; control: string }[]; list_metadata: unknown };
    assert.equal(list.object, 'list');
    assert.deepEqual(list.data.map((a) => [a.email, a.verdict, a.control]), [[email, 'block', 'bot_detection']]);
    assert.deepEqual(list.list_metadata, { before: null, after: null });
    assert.equal((await e.http('GET', '/radar/attempts?verdict=maybe', { key: true })).status, 422);
    const stats = await e.http('GET', '/radar/stats?interval=day', { key: true });
    assert.equal(stats.status, 200, stats.text);
    const rows = (stats.json as { object: string; data: { control: string; verdict: string; count: number }[] }).data;
    assert.ok(rows.some((r) => r.control === 'bot_detection' && r.verdict === 'block' && r.count >= 1), stats.text);
    assert.ok(rows.some((r) => r.control === 'none' && r.verdict === 'allow' && r.count >= 1), stats.text);
    const otherStats = await e.http('GET', '/radar/stats?interval=day', { key: otherKey });
    assert.ok(!(otherStats.json as { data: { control: string }[] }).data.some((r) => r.control === 'bot_detection'), 'another environment counts only its own attempts');
    assert.equal((await e.http('GET', '/radar/stats?since=2026-01-01T00:00:00Z&until=2025-01-01T00:00:00Z', { key: true })).status, 422);
    const metrics = await httpRequest('GET', '/metrics', { port: e.stack.port('radar') });
    assert.match(metrics.text, /radar_attempts_total\{control="bot_detection",verdict="block"\} [1-9]/);
    assert.match(metrics.text, /radar_control_findings_total\{control="bot_detection",mode="block"\} [1-9]/);
  });

  test('environments are isolated: lists, settings and attempts of one are invisible to another', async () => {
    const radar = e.workos.radar;
    await radar.addListEntry({ type: 'email', action: 'block', entry: `isolated-${tag}@example.com` });
    const mine = await attempt({ email: `isolated-${tag}@example.com` });
    assert.equal(mine.verdict, 'block');
    assert.equal((await attempt({ email: `isolated-${tag}@example.com` }, other)).verdict, 'allow');
    await expectSdkError(other.radar.updateAttempt({ id: mine.attemptId, attemptStatus: 'success' }), NotFoundException, 404);
    await expectSdkError(other.radar.removeListEntry({ type: 'email', action: 'block', entry: `isolated-${tag}@example.com` }), NotFoundException, 404);
    assert.equal((await e.http('GET', `/radar/attempts/${mine.attemptId}`, { key: otherKey })).status, 404);
    assert.equal((await attempt({ email: `isolated-${tag}@example.com` })).verdict, 'block');
    // The other environment's settings are its own defaults.
    const otherSettings = await e.http('GET', '/radar/settings', { key: otherKey });
    assert.equal((otherSettings.json as { stale_account: { days: number } }).stale_account.days, 90);
    const listed = await e.http('GET', `/radar/attempts?email=${encodeURIComponent(`isolated-${tag}@example.com`)}`, { key: otherKey });
    assert.equal((listed.json as { data: unknown[] }).data.length, 1);
  });

  /* Sign-ins through identity, which asks radar beside a password's hash, or after any other credential's check. */
  const PASSWORD = 'correct horse battery staple 42';
  const newUser = async (name: string, client: WorkOS = e.workos) => {
    const email = `${name}-${tag}@example.com`;
    await client.userManagement.createUser({ email, password: PASSWORD });
    return email;
  };
  const signIn = (email: string, over: { userAgent?: string; ipAddress?: string } = {}, client: WorkOS = e.workos) =>
    client.userManagement.authenticateWithPassword({ clientId: e.creds.client_id, email, password: PASSWORD, ipAddress: over.ipAddress ?? freshIp(), userAgent: over.userAgent ?? BROWSER });
  const latestCode = async (email: string) => {
    const mail = await smtp.waitForMail((m) => m.envelopeTo.includes(email) && /unusual sign-in/.test(m.text), { timeoutMs: 30_000 });
    return /\b(\d{6})\b/.exec(mail.text)![1]!;
  };
  const newDeviceMails = (email: string) => smtp.to(email).filter((m) => m.subject === 'New sign-in from a new device');
  /* The newest attempt of an email once identity reported its outcome (identity reports after answering). */
  const reported = (email: string, count = 1) =>
    waitFor(
      async () => {
        const listed = await e.http('GET', `/radar/attempts?email=${encodeURIComponent(email)}`, { key: true });
        const data = (listed.json as { data: { id: string; action: string; attempt_status: string | null; organization_id?: string | null }[] }).data.filter((a) => a.action === 'sign-in');
        return data.filter((a) => a.attempt_status === 'success').length >= count ? data[0] : undefined;
      },
      { timeoutMs: 10_000, message: `success ${count} of ${email} reported to radar` },
    );

  test('password sign-ins: allowed ones succeed and are reported to radar, a deny-listed account is blocked', async () => {
    const email = await newUser('signin-ok');
    const ok = await signIn(email);
    assert.equal(ok.user.email, email);
    // Identity reports the success after answering: wait for it.
    const stored = await waitFor(
      async () => {
        const listed = await e.http('GET', `/radar/attempts?email=${encodeURIComponent(email)}`, { key: true });
        const [a] = (listed.json as { data: { verdict: string; auth_method: string; user_id: string; attempt_status: string | null }[] }).data;
        return a?.attempt_status ? a : undefined;
      },
      { timeoutMs: 10_000, message: 'the sign-in reported to radar' },
    );
    assert.deepEqual([stored?.verdict, stored?.auth_method, stored?.user_id, stored?.attempt_status], ['allow', 'Password', ok.user.id, 'success']);
    // One attempt per sign-in: the one identity started beside the password hash is the gate's.
    const all = await e.http('GET', `/radar/attempts?email=${encodeURIComponent(email)}`, { key: true });
    assert.equal((all.json as { data: { action: string }[] }).data.filter((a) => a.action === 'sign-in').length, 1);

    const blockedEmail = await newUser('signin-blocked');
    await e.workos.radar.addListEntry({ type: 'email', action: 'block', entry: blockedEmail });
    const err = await expectSdkError(signIn(blockedEmail), GenericServerException, 403);
    assert.equal((err as unknown as { code: string }).code, 'radar_blocked');
    // A wrong password is assessed too (beside its hash), but the answer is the usual invalid_credentials.
    await expectSdkError(e.workos.userManagement.authenticateWithPassword({ clientId: e.creds.client_id, email: blockedEmail, password: 'wrong password 123' }), GenericServerException, 400);
  });

  test('a challenged password sign-in finishes with authenticateWithRadarEmailChallenge (code by email, single use)', async () => {
    await settings({ bot_detection: { mode: 'challenge' } });
    try {
      const email = await newUser('signin-challenged');
      const err = await expectSdkError(signIn(email, { userAgent: 'curl/8.5.0' }), AuthenticationException, 403);
      assert.equal(err.code, 'radar_email_challenge');
      assert.ok(err.pendingAuthenticationToken);
      assert.match(err.radarChallengeId ?? '', /^radar_challenge_[0-9A-HJKMNP-TV-Z]{26}$/);
      const code = await latestCode(email);
      const finish = (c: string) =>
        e.workos.userManagement.authenticateWithRadarEmailChallenge({ clientId: e.creds.client_id, code: c, radarChallengeId: err.radarChallengeId!, pendingAuthenticationToken: err.pendingAuthenticationToken! });
      await expectSdkError(finish(code === '000000' ? '111111' : '000000'), OauthException, 400);
      const auth = await finish(code);
      assert.equal(auth.user.email, email);
      assert.ok(auth.accessToken && auth.refreshToken);
      await expectSdkError(finish(code), OauthException, 400);
      const listed = await e.http('GET', `/radar/attempts?email=${encodeURIComponent(email)}`, { key: true });
      const [stored] = (listed.json as { data: { verdict: string; control: string; challenge_status: string }[] }).data;
      assert.deepEqual([stored?.verdict, stored?.control, stored?.challenge_status], ['challenge', 'bot_detection', 'success']);
      // The code never reaches a log.
      assert.doesNotMatch(readFileSync(join(e.logDir, 'identity.log'), 'utf8'), new RegExp(`\\b${code}\\b`));
    } finally {
      await settings({ bot_detection: { mode: 'block' } });
    }
  });

  test('the SMS form: sendRadarSmsChallenge, then authenticateWithRadarSmsChallenge with the code and the same phone', async () => {
    await settings({ bot_detection: { mode: 'challenge' } });
    try {
      const email = await newUser('signin-sms');
      const err = await expectSdkError(signIn(email, { userAgent: 'curl/8.5.0' }), AuthenticationException, 403);
      const userId = (err.rawData as unknown as { user: { id: string } }).user.id;
      const pendingAuthenticationToken = err.pendingAuthenticationToken!;
      const phoneNumber = `+1555${String(Date.now()).slice(-7)}`;
      const um = e.workos.userManagement;
      await expectSdkError(um.sendRadarSmsChallenge({ userId, pendingAuthenticationToken, phoneNumber: '555-1234' }), UnprocessableEntityException, 422);
      const sent = await um.sendRadarSmsChallenge({ userId, pendingAuthenticationToken, phoneNumber });
      assert.equal(sent.phoneNumber, phoneNumber);
      assert.match(sent.verificationId, /^radar_challenge_[0-9A-HJKMNP-TV-Z]{26}$/);
      const code = await waitFor(
        async () => {
          const r = await e.http('GET', `/dev/sms/messages?to=${encodeURIComponent(phoneNumber)}`);
          return /\b(\d{6})\b/.exec((r.json as { data: { body: string }[] }).data[0]?.body ?? '')?.[1];
        },
        { timeoutMs: 10_000, message: 'the SMS in the development adapter' },
      );
      const finish = (phone: string) =>
        um.authenticateWithRadarSmsChallenge({ clientId: e.creds.client_id, code, verificationId: sent.verificationId, phoneNumber: phone, pendingAuthenticationToken });
      await expectSdkError(finish('+15550000000'), OauthException, 400);
      const auth = await finish(phoneNumber);
      assert.equal(auth.user.id, userId);
      await expectSdkError(finish(phoneNumber), OauthException, 400);
      // Another environment cannot use this pending token.
      await expectSdkError(other.userManagement.sendRadarSmsChallenge({ userId, pendingAuthenticationToken, phoneNumber }), OauthException, 400);
    } finally {
      await settings({ bot_detection: { mode: 'block' } });
    }
  });

  test("identity's wrong passwords feed radar's brute-force windows: past the threshold the right password is refused", async () => {
    await settings({ brute_force_attack: { mode: 'block', max_failures_per_account: 3 } });
    try {
      const email = await newUser('brute-identity');
      for (let i = 0; i < 3; i++) {
        await expectSdkError(e.workos.userManagement.authenticateWithPassword({ clientId: e.creds.client_id, email, password: 'wrong password 123', ipAddress: freshIp(), userAgent: BROWSER }), GenericServerException, 400);
      }
      // The answer does not wait for a wrong password's assessment: wait for the three.
      const attempts = await waitFor(
        async () => {
          const listed = await e.http('GET', `/radar/attempts?email=${encodeURIComponent(email)}`, { key: true });
          const data = (listed.json as { data: { action: string; auth_method: string; attempt_status: string | null }[] }).data.filter((a) => a.action === 'sign-in');
          return data.length >= 3 ? data : undefined;
        },
        { timeoutMs: 10_000, message: 'the wrong passwords assessed by radar' },
      );
      assert.deepEqual(attempts.map((a) => [a.action, a.auth_method, a.attempt_status]), Array(3).fill(['sign-in', 'Password', null]));
      // Identity assessed each one beside its hash (none succeeded), and radar counts each failure
      // once, from identity's events. Each probe reports its own success, so only the three
      // failures (and the probe itself) are in the window.
      await waitFor(
        async () => {
          const probe = await attempt({ email });
          await e.workos.radar.updateAttempt({ id: probe.attemptId, attemptStatus: 'success' });
          return probe.verdict === 'block' ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, message: "identity's failures reaching radar" },
      );
      const err = await expectSdkError(signIn(email), GenericServerException, 403);
      assert.equal((err as unknown as { code: string }).code, 'radar_blocked');
    } finally {
      await settings({ brute_force_attack: { mode: 'challenge', max_failures_per_account: 10 } });
    }
  });

  test('beyond WorkOS: a sign-in by a user whose Directory Sync user is deactivated is refused, until reactivated', async () => {
    const org = await e.workos.organizations.createOrganization({ name: `Radar dsync ${tag}` });
    const res = await e.http('POST', '/directories', { key: true, body: { organization_id: org.id, name: 'Okta', type: 'okta scim v2.0' } });
    assert.equal(res.status, 201, res.text);
    const dir = res.json as { base_url: string; bearer_token: string };
    const scim = new ScimClient(dir.base_url, dir.bearer_token);
    const email = `dsync-${tag}@example.com`;
    const u = await scim.expect(201, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: email, name: { givenName: 'D', familyName: 'S' }, emails: [{ primary: true, value: email }], active: true });
    const verdictOf = async () => (await attempt({ email })).verdict;
    assert.equal(await verdictOf(), 'allow');
    await scim.expect(200, 'PATCH', `/Users/${u.id}`, patch({ op: 'replace', value: { active: false } }));
    await waitFor(async () => ((await verdictOf()) === 'block' ? true : undefined), { timeoutMs: 30_000, message: 'the deactivation reaching radar' });
    const blocked = await attempt({ email });
    assert.deepEqual([blocked.control, blocked.reason], ['restriction', 'The user is inactive in Directory Sync']);
    await scim.expect(200, 'PATCH', `/Users/${u.id}`, patch({ op: 'replace', value: { active: true } }));
    await waitFor(async () => ((await verdictOf()) === 'allow' ? true : undefined), { timeoutMs: 30_000, message: 'the reactivation reaching radar' });
  });

  test('new device: the first sign-in from another device mails the user once; the first device and a repeat do not', async () => {
    const email = await newUser('new-device');
    const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0';
    const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
    // API sign-ins: the device is the user agent's family and the IP's /24 (every one here is in one /24).
    let host = 0;
    const from = (userAgent: string) => ({ userAgent, ipAddress: `172.20.${net}.${++host}` });
    await signIn(email, from(BROWSER));
    await reported(email, 1);
    await signIn(email, from(BROWSER.replace('Chrome/126.0', 'Chrome/127.0')));
    await reported(email, 2);
    await signIn(email, from(FIREFOX));
    const mail = await smtp.waitForMail((m) => m.envelopeTo.includes(email) && m.subject === 'New sign-in from a new device');
    assert.match(mail.text, /new device: Firefox on Linux, from 172\.20\.\d+\.3 /);
    await signIn(email, from(FIREFOX));
    await reported(email, 4);
    // A third device's email arrives after the repeat's success was recorded: the repeat mailed nothing.
    await signIn(email, from(SAFARI));
    await smtp.waitForMail((m) => m.envelopeTo.includes(email) && /Safari on macOS/.test(m.text));
    assert.equal(newDeviceMails(email).length, 2, 'one email per new device, none for the first device or a repeat');
    // The control itself: turned to challenge, a fourth device is challenged, a known one is not.
    await settings({ unrecognized_device: { mode: 'challenge' } });
    try {
      const err = await expectSdkError(signIn(email, from('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0')), AuthenticationException, 403);
      assert.equal(err.code, 'radar_email_challenge');
      assert.equal((await signIn(email, from(FIREFOX))).user.email, email);
    } finally {
      await settings({ unrecognized_device: { mode: 'log' } });
    }
  });

  test('beyond WorkOS: a sign-in to an organization from an email domain it has not verified is flagged, per environment', async () => {
    const domain = `verified-${tag}.example`;
    const org = await e.workos.organizations.createOrganization({ name: `Radar domains ${tag}`, domainData: [{ domain, state: 'verified' as never }] });
    const member = async (address: string) => {
      const user = await e.workos.userManagement.createUser({ email: address, password: PASSWORD });
      await e.workos.userManagement.createOrganizationMembership({ userId: user.id, organizationId: org.id });
      return address;
    };
    const inside = await member(`alice-${tag}@${domain}`);
    const outside = await member(`bob-${tag}@elsewhere-${tag}.example`);
    // Off by default: the outsider signs in, and the attempt names the organization.
    assert.equal((await signIn(outside)).user.email, outside);
    assert.equal((await reported(outside)).organization_id, org.id);
    await settings({ unverified_domain: { mode: 'challenge' } });
    try {
      // The verified domain reaches radar through organizations' events.
      await waitFor(async () => ((await signIn(inside).then(() => true, () => false)) ? true : undefined), { timeoutMs: 30_000, message: "the organization's verified domain reaching radar" });
      const err = await expectSdkError(signIn(outside), AuthenticationException, 403);
      assert.equal(err.code, 'radar_email_challenge');
      const listed = await e.http('GET', `/radar/attempts?email=${encodeURIComponent(outside)}&verdict=challenge`, { key: true });
      const [flagged] = (listed.json as { data: { control: string; reason: string }[] }).data;
      assert.deepEqual([flagged?.control, flagged?.reason], ['restriction', `The email domain elsewhere-${tag}.example is not a verified domain of the organization`]);
      // An allow-listed email still wins.
      await e.workos.radar.addListEntry({ type: 'email', action: 'allow', entry: outside });
      assert.equal((await signIn(outside)).user.email, outside);
      await e.workos.radar.removeListEntry({ type: 'email', action: 'allow', entry: outside });
      // Another environment's settings are its own: the same control is off there.
      const otherEmail = `carol-${tag}@elsewhere-${tag}.example`;
      await other.userManagement.createUser({ email: otherEmail, password: PASSWORD });
      assert.equal((await signIn(otherEmail, {}, other)).user.email, otherEmail);
    } finally {
      await settings({ unverified_domain: { mode: 'off' } });
    }
  });

  test('beyond WorkOS: a user with several organizations is judged for the one they select (block, challenge, allow), as the same sign-in', async () => {
    const domain = `picked-${tag}.example`;
    const verified = await e.workos.organizations.createOrganization({ name: `Radar verified ${tag}`, domainData: [{ domain, state: 'verified' as never }] });
    const foreign = await e.workos.organizations.createOrganization({ name: `Radar foreign ${tag}` });
    const email = `multi-${tag}@${domain}`;
    const user = await e.workos.userManagement.createUser({ email, password: PASSWORD });
    for (const org of [verified, foreign]) await e.workos.userManagement.createOrganizationMembership({ userId: user.id, organizationId: org.id });
    const select = async () => {
      const err = await expectSdkError(signIn(email), AuthenticationException, 403);
      assert.equal(err.code, 'organization_selection_required');
      return (organizationId: string) => e.workos.userManagement.authenticateWithOrganizationSelection({ clientId: e.creds.client_id, organizationId, pendingAuthenticationToken: err.pendingAuthenticationToken! });
    };
    const attemptsOf = async () =>
      ((await e.http('GET', `/radar/attempts?email=${encodeURIComponent(email)}`, { key: true })).json as { data: { id: string; verdict: string; control: string | null; organization_id: string | null; related_attempt_id: string | null; challenge_status: string | null }[] }).data;
    // Off (the default): the selection is not judged, and nothing is stored for it.
    assert.equal((await (await select())(foreign.id)).organizationId, foreign.id);
    assert.ok((await attemptsOf()).every((a) => a.organization_id === null), 'the sign-in named no organization, and no continuation was stored');
    await settings({ unverified_domain: { mode: 'block' } });
    try {
      // The verified domain reaches radar through organizations' events.
      await waitFor(async () => ((await (await select())(verified.id).then(() => true, () => false)) ? true : undefined), { timeoutMs: 30_000, message: "the organization's verified domain reaching radar" });
      const blocked = await expectSdkError((await select())(foreign.id), GenericServerException, 403);
      assert.equal((blocked as unknown as { code: string }).code, 'radar_blocked');
      const [continuation] = await attemptsOf();
      assert.deepEqual([continuation?.verdict, continuation?.control, continuation?.organization_id], ['block', 'restriction', foreign.id]);
      assert.match(continuation?.related_attempt_id ?? '', ATTEMPT_ID, "stored as the sign-in's continuation");
      // An organization the user is not in is refused as before (invalid_grant), not judged by radar.
      const stranger = await e.workos.organizations.createOrganization({ name: `Radar stranger ${tag}` });
      const refused = await expectSdkError((await select())(stranger.id), OauthException, 400);
      assert.equal(refused.error, 'invalid_grant');
      // Challenge: the code by email finishes the sign-in into the organization picked.
      await settings({ unverified_domain: { mode: 'challenge' } });
      const challenged = await expectSdkError((await select())(foreign.id), AuthenticationException, 403);
      assert.equal(challenged.code, 'radar_email_challenge');
      const code = await latestCode(email);
      const auth = await e.workos.userManagement.authenticateWithRadarEmailChallenge({ clientId: e.creds.client_id, code, radarChallengeId: challenged.radarChallengeId!, pendingAuthenticationToken: challenged.pendingAuthenticationToken! });
      assert.equal(auth.organizationId, foreign.id);
      const [passed] = await attemptsOf();
      assert.deepEqual([passed?.verdict, passed?.organization_id, passed?.challenge_status], ['challenge', foreign.id, 'success']);

      // With a TOTP factor: password, TOTP, organization, radar's code, and the session; MFA is not asked twice.
      const { authenticationFactor } = await e.workos.multiFactorAuth.createUserAuthFactor({ userId: user.id, type: 'totp' });
      const mfa = await expectSdkError(signIn(email), AuthenticationException, 403);
      assert.equal(mfa.code, 'mfa_challenge');
      const totpChallenge = await e.workos.multiFactorAuth.challengeFactor({ authenticationFactorId: authenticationFactor.id });
      const totpCode = TOTP.generate({ secret: Secret.fromBase32(authenticationFactor.totp.secret), period: 30, digits: 6, algorithm: 'SHA1' });
      const pick = await expectSdkError(
        e.workos.userManagement.authenticateWithTotp({ clientId: e.creds.client_id, code: totpCode, authenticationChallengeId: totpChallenge.id, pendingAuthenticationToken: mfa.pendingAuthenticationToken! }),
        AuthenticationException,
        403,
      );
      assert.equal(pick.code, 'organization_selection_required');
      const mailsBefore = smtp.messages.length;
      const again = await expectSdkError(
        e.workos.userManagement.authenticateWithOrganizationSelection({ clientId: e.creds.client_id, organizationId: foreign.id, pendingAuthenticationToken: pick.pendingAuthenticationToken! }),
        AuthenticationException,
        403,
      );
      assert.equal(again.code, 'radar_email_challenge');
      const mail = await smtp.waitForMail((m) => m.envelopeTo.includes(email) && /unusual sign-in/.test(m.text), { from: mailsBefore });
      const secondCode = /\b(\d{6})\b/.exec(mail.text)![1]!;
      const session = await e.workos.userManagement.authenticateWithRadarEmailChallenge({ clientId: e.creds.client_id, code: secondCode, radarChallengeId: again.radarChallengeId!, pendingAuthenticationToken: again.pendingAuthenticationToken! });
      assert.equal(session.organizationId, foreign.id, 'the session, with no second MFA step');
    } finally {
      await settings({ unverified_domain: { mode: 'off' } });
    }
  });

  test('hosted AuthKit sign-in in a browser: a challenge shows the code page, a block its message, and the code exchange is not assessed again', { timeout: 180_000 }, async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run tools/ensure-chromium.sh`);
    const APP = 'https://app.example.com/radar-callback';
    await e.addRedirectUri(APP);
    const email = await newUser('hosted');
    const signInAttempts = async () =>
      ((await e.http('GET', `/radar/attempts?email=${encodeURIComponent(email)}`, { key: true })).json as { data: { action: string; verdict: string; control: string | null; challenge_status: string | null }[] }).data.filter((a) => a.action === 'sign-in');
    /* Resolves with the browser's next navigation to the app (answered here), with its code. */
    const landing = (page: Page) =>
      new Promise<URL>((resolveLanding) => {
        void page.route(`${APP}**`, async (route) => {
          await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>signed in</p>' });
          resolveLanding(new URL(route.request().url()));
        });
      });
    const exchange = (url: URL) => e.workos.userManagement.authenticateWithCode({ code: url.searchParams.get('code')!, clientId: e.creds.client_id });
    /* axe-core on the page, as the hosted-pages test checks every other hosted page: no serious or critical violation. */
    const noSeriousAxeViolation = async (page: Page, name: string) => {
      const bad = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe on the ${name}`);
    };
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
    /* The sign-in form submitted from a browser with this user agent; `landed` is armed before the submit. */
    const signInFrom = async (userAgent: string) => {
      const page = await (await browser.newContext({ userAgent, locale: 'en-US' })).newPage();
      const landed = landing(page);
      const q = new URLSearchParams({ client_id: e.creds.client_id, redirect_uri: APP, response_type: 'code', provider: 'authkit', state: 'st' });
      await page.goto(`${e.baseUrl}/user_management/authorize?${q}`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      return { page, landed };
    };
    try {
      // A browser radar takes for a bot, with bot_detection on challenge: the emailed code, on a page.
      await settings({ bot_detection: { mode: 'challenge' } });
      const { page: challenged, landed } = await signInFrom('curl/8.5.0');
      await challenged.waitForURL(/\/radar/);
      await challenged.getByText(`we sent a 6-digit code to ${email}`).waitFor();
      await noSeriousAxeViolation(challenged, 'radar code page');
      await challenged.getByLabel('Code').fill('000000');
      await challenged.getByRole('button', { name: 'Continue' }).click();
      await challenged.getByText('The code is incorrect or has expired.').waitFor();
      await noSeriousAxeViolation(challenged, 'radar code page with a wrong code');
      await challenged.getByLabel('Code').fill(await latestCode(email));
      await challenged.getByRole('button', { name: 'Continue' }).click();
      assert.equal((await exchange(await landed)).user.email, email);
      const [passed, ...others] = await signInAttempts();
      assert.deepEqual([passed?.verdict, passed?.control, passed?.challenge_status], ['challenge', 'bot_detection', 'success']);
      assert.equal(others.length, 0, 'one attempt for the sign-in: the code exchange was not assessed again');

      // Blocked: the sign-in form says so, and no code is issued.
      await settings({ bot_detection: { mode: 'block' } });
      const { page: blocked } = await signInFrom('curl/8.5.0');
      await blocked.getByText('This sign-in was blocked.').waitFor();
      assert.doesNotMatch(blocked.url(), /radar-callback/);

      // A quiet browser: straight to the app, one more attempt.
      const quiet = await signInFrom(BROWSER);
      assert.equal((await exchange(await quiet.landed)).user.email, email);
      assert.equal((await signInAttempts()).length, 3);
    } finally {
      await settings({ bot_detection: { mode: 'block' } });
      await browser.close();
    }
  });

  test('sign-ups through createUser: disposable domains and sign-ups per IP, at the threshold and above; blocked ones write nothing', async () => {
    await settings({ repeat_sign_up: { mode: 'block', max_sign_ups_per_ip: 2 } });
    try {
      const ipAddress = freshIp();
      const create = (email: string, client: WorkOS = e.workos) => client.userManagement.createUser({ email, password: PASSWORD, ipAddress, userAgent: BROWSER });
      await create(`su1-${tag}@example.com`);
      await create(`su2-${tag}@example.com`);
      const err = await expectSdkError(create(`su3-${tag}@example.com`), GenericServerException, 403);
      assert.equal((err as unknown as { code: string }).code, 'radar_blocked');
      assert.equal((await e.workos.userManagement.listUsers({ email: `su3-${tag}@example.com` })).data.length, 0, 'a refused sign-up writes no user');
      // Another environment counts its own sign-ups.
      await create(`su3-${tag}@example.com`, other);
      const disposable = await expectSdkError(e.workos.userManagement.createUser({ email: `su-${tag}@mailinator.com`, password: PASSWORD, ipAddress: freshIp() }), GenericServerException, 403);
      assert.equal((disposable as unknown as { code: string }).code, 'radar_blocked');
      // The allow list wins over the rule.
      await e.workos.radar.addListEntry({ type: 'email', action: 'allow', entry: `su4-${tag}@example.com` });
      await create(`su4-${tag}@example.com`);
    } finally {
      await settings({ repeat_sign_up: { mode: 'challenge', max_sign_ups_per_ip: 10 } });
    }
  });

  test('radar_auth_attempt_id: a challenged sign-up carries its challenge to the sign-in naming it; a foreign or unknown ID is a 422', async () => {
    const email = `challenged-signup-${tag}@mailinator.com`;
    const res = await e.http('POST', '/user_management/users', { key: true, body: { email, password: PASSWORD, email_verified: true, ip_address: freshIp(), user_agent: BROWSER } });
    assert.equal(res.status, 201, res.text);
    const created = res.json as { id: string; email_verified: boolean; radar_auth_attempt_id: string };
    assert.match(created.radar_auth_attempt_id, ATTEMPT_ID);
    assert.equal(created.email_verified, false, 'a challenged sign-up does not keep the caller\'s email_verified');
    const withAttempt = (radarAuthAttemptId: string, client: WorkOS = e.workos) =>
      client.userManagement.authenticateWithPassword({ clientId: client === e.workos ? e.creds.client_id : otherClientId, email, password: PASSWORD, ipAddress: freshIp(), userAgent: BROWSER, radarAuthAttemptId } as never);
    const err = await expectSdkError(withAttempt(created.radar_auth_attempt_id), AuthenticationException, 403);
    assert.equal(err.code, 'radar_email_challenge');
    const code = await latestCode(email);
    await e.workos.userManagement.authenticateWithRadarEmailChallenge({ clientId: e.creds.client_id, code, radarChallengeId: err.radarChallengeId!, pendingAuthenticationToken: err.pendingAuthenticationToken! }).catch((x: unknown) => {
      // The email is unverified now: the next step is proving it.
      assert.equal((x as { code?: string }).code, 'email_verification_required');
    });
    const signUp = (await e.http('GET', `/radar/attempts/${created.radar_auth_attempt_id}`, { key: true })).json as { action: string; challenge_status: string | null };
    assert.deepEqual([signUp.action, signUp.challenge_status], ['sign-up', 'success']);
    await expectSdkError(withAttempt('radar_att_01HZBC6N1EB1ZY7KG32XAAAAAA'), UnprocessableEntityException, 422);
    // Another email's attempt, and this one's attempt from another environment, are refused too.
    const quiet = await attempt();
    await expectSdkError(withAttempt(quiet.attemptId), UnprocessableEntityException, 422);
    // The same email in another environment cannot name this environment's attempt.
    await other.userManagement.createUser({ email, password: PASSWORD });
    await expectSdkError(withAttempt(created.radar_auth_attempt_id, other), UnprocessableEntityException, 422);
  });

  test('the API requires a key', async () => {
    const res = await e.http('POST', '/radar/attempts', { body: { ip_address: '1.1.1.1' } });
    assert.equal(res.status, 401);
  });

  /* Last: it stops radar. */
  test("radar down: identity applies each environment's fail policy within its timeout, and logs it", async () => {
    const openEmail = await newUser('down-open');
    const closedEmail = await newUser('down-closed', other);
    await settings({ fail_policy: 'closed' }, otherKey);
    // One answered sign-in lets identity learn the other environment's policy.
    await signIn(closedEmail, {}, other);
    await e.stack.kill('radar');
    const started = Date.now();
    const opened = await signIn(openEmail);
    assert.equal(opened.user.email, openEmail);
    const refused = await expectSdkError(signIn(closedEmail, {}, other), GenericServerException, 503);
    assert.equal((refused as unknown as { code: string }).code, 'radar_unavailable');
    assert.ok(Date.now() - started < 10_000, 'the sign-ins waited for radar instead of its timeout');
    await waitFor(
      async () => {
        const log = readFileSync(join(e.logDir, 'identity.log'), 'utf8');
        return /fail-open policy applied/.test(log) && /fail-closed policy applied/.test(log) ? true : undefined;
      },
      { timeoutMs: 10_000, message: 'the fail-policy log lines' },
    );
  });
});
