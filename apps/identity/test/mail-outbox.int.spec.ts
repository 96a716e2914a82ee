import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpSink, waitFor, type SmtpSink } from '@wos/platform/testing';
import { startFlowsHarness, type FlowsHarness } from './flows.support';

const ENV = 'environment_01MAILOUTBOX000000000000000';
const CLIENT = { client_id: 'client_01MAILOUTBOX0000000000000000', client_secret: 'sk_test_unused_here' };

/**
 * The mail outbox with the relay down: emails wait, retry with backoff, go out when SMTP is
 * back, and an email whose code was spent meanwhile is dropped instead of sent.
 */
describe('mail outbox (SMTP outage and recovery)', () => {
  let h: FlowsHarness;
  let port: number;
  let relay: SmtpSink | undefined;
  before(async () => {
    h = await startFlowsHarness('mail_outbox');
    // The harness's own sink is not used: point the service at a port, then close what listens there.
    const probe = await startSmtpSink();
    port = probe.port;
    await probe.close();
    await h.close();
    h = await startFlowsHarness('mail_outbox', { SMTP_PORT: String(port) });
  });
  after(async () => {
    await h?.close();
    await relay?.close();
  });

  const delivery = async (entityId: string) => (await h.sql(`SELECT attempts, sent_at, closed_reason, last_error, vars FROM email_deliveries WHERE entity_id = $1`, [entityId]))[0];

  test('while SMTP is down the email stays queued with its error; it goes out once SMTP is back; a spent code is never mailed', async () => {
    const kept = (await h.call(ENV, 'POST', '/user_management/magic_auth', { email: 'kept@outbox.test' })).body;
    const spent = (await h.call(ENV, 'POST', '/user_management/magic_auth', { email: 'spent@outbox.test' })).body;
    assert.ok(kept.id && spent.id, 'creating succeeds although SMTP is down');
    const failed = await waitFor(async () => {
      const d = await delivery(kept.id);
      return d?.attempts >= 1 && d.last_error ? d : undefined;
    }, { timeoutMs: 30_000, message: 'a failed attempt' });
    assert.equal(failed.sent_at, null);
    assert.equal(failed.closed_reason, null);
    assert.equal(JSON.stringify(failed.vars).includes(kept.code), false, 'the queued row holds no code');

    // The spent code's email must not go out later.
    const auth = await h.call(ENV, 'POST', '/user_management/authenticate', { ...CLIENT, grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', email: 'spent@outbox.test', code: spent.code });
    assert.equal(auth.status, 200, JSON.stringify(auth.body));

    relay = await startSmtpSink({ port });
    const mail = await relay.waitForMail((m) => m.envelopeTo.includes('kept@outbox.test'), { timeoutMs: 60_000 });
    assert.ok(mail.text.includes(kept.code));
    await waitFor(async () => (await delivery(kept.id))?.sent_at ?? undefined, { timeoutMs: 10_000, message: 'sent_at' });
    const dropped = await waitFor(async () => (await delivery(spent.id))?.closed_reason ?? undefined, { timeoutMs: 60_000, message: 'the spent code email closed' });
    assert.equal(dropped, 'skipped: used');
    assert.equal(relay.to('spent@outbox.test').length, 0);
  });
});
