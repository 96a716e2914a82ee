import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAddress } from '@wos/platform/mail';
import { OWN_PROVIDER_TEMPLATES, parseMailbox, SenderPolicy } from './email-sender';

describe('SenderPolicy', () => {
  const policy = new SenderPolicy('AuthKit <no-reply@platform.test>', 'acme.test, Mail.Example.com');

  test("parses MAIL_FROM's two forms", () => {
    assert.deepEqual(parseMailbox('AuthKit <a@b.test>'), { name: 'AuthKit', address: 'a@b.test' });
    assert.deepEqual(parseMailbox('"Acme, Inc" <a@b.test>'), { name: 'Acme, Inc', address: 'a@b.test' });
    assert.deepEqual(parseMailbox('a@b.test'), { name: '', address: 'a@b.test' });
  });

  test("allows MAIL_FROM's domain and the listed ones, exactly (no subdomains, no look-alikes)", () => {
    assert.deepEqual(policy.domains, ['platform.test', 'acme.test', 'mail.example.com']);
    for (const ok of ['x@platform.test', 'x@acme.test', 'x@MAIL.example.com']) assert.equal(policy.allows(ok), true, ok);
    for (const no of ['x@eu.acme.test', 'x@acme.test.evil', 'x@example.com', 'x@notacme.test']) assert.equal(policy.allows(no), false, no);
  });

  test('the sender: defaults fill the unset parts; a delisted domain falls back to the default address', () => {
    const none = { fromName: null, fromAddress: null, replyTo: null, delivery: 'platform' as const };
    assert.deepEqual(policy.senderFor(none), { from: { name: 'AuthKit', address: 'no-reply@platform.test' } });
    assert.deepEqual(policy.senderFor({ ...none, fromName: 'Acme', fromAddress: 'hi@acme.test', replyTo: 'help@else.test' }), { from: { name: 'Acme', address: 'hi@acme.test' }, replyTo: 'help@else.test' });
    assert.deepEqual(new SenderPolicy('AuthKit <no-reply@platform.test>', '').senderFor({ ...none, fromAddress: 'hi@acme.test' }).from, { name: 'AuthKit', address: 'no-reply@platform.test' });
  });

  test('the development inbox shows the From header as SMTP would (a name quoted only when it must be)', () => {
    assert.equal(formatAddress({ name: 'Acme Console', address: 'a@b.test' }), 'Acme Console <a@b.test>');
    assert.equal(formatAddress({ name: 'Acme, Inc "EU"', address: 'a@b.test' }), '"Acme, Inc \\"EU\\"" <a@b.test>');
    assert.equal(formatAddress({ name: '', address: 'a@b.test' }), 'a@b.test');
  });

  test('own_provider covers exactly the four flows whose events and objects let the app send', () => {
    assert.deepEqual([...OWN_PROVIDER_TEMPLATES].sort(), ['email_verification', 'invitation', 'magic_auth', 'password_reset']);
  });
});
