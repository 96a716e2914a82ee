import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthenticationException,
  GenericServerException,
  NotFoundException,
  OauthException,
  RateLimitExceededException,
  UnprocessableEntityException,
  type EventName,
  type User,
} from '@workos-inc/node';
import { startSmtpSink, uniqueSuffix, waitFor, type SmtpSink } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';

const FLOW_EVENTS: EventName[] = [
  'email_verification.created',
  'magic_auth.created',
  'password_reset.created',
  'password_reset.succeeded',
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
];

/**
 * AuthKit email verification, password reset, magic auth and invitations through the official
 * SDK and the gateway, with every email read from an SMTP server this file starts.
 */
describe('AuthKit email flows and invitations through the WorkOS SDK', () => {
  let e: E2e;
  let smtp: SmtpSink;
  const tag = uniqueSuffix();
  const email = (name: string) => `${name}-${tag}@flows-e2e.test`;
  const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)![1]!;
  const mailTo = (address: string, from = 0) => smtp.waitForMail((m) => m.envelopeTo.includes(address), { from, timeoutMs: 30_000 });
  const ids = new Set<string>();

  before(async () => {
    smtp = await startSmtpSink();
    e = await startE2e({
      name: 'identity-flows',
      portOffset: 20000,
      apps: ['organizations', 'events', 'identity'],
      appEnv: { identity: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), MAIL_FROM: 'Acme <auth@acme.test>', REQUIRE_EMAIL_VERIFICATION: 'true' } },
    });
  });
  after(async () => {
    await e?.stop();
    await smtp?.close();
  });

  test('sendVerificationEmail → email with a code → getEmailVerification → verifyEmail; a code works once', async () => {
    const um = e.workos.userManagement;
    const user = await um.createUser({ email: email('verify'), password: 'a long password 1' });
    const sent = await um.sendVerificationEmail({ userId: user.id });
    assert.equal(sent.user.id, user.id);
    const mail = await mailTo(user.email);
    assert.equal(mail.headers.get('from'), 'Acme <auth@acme.test>');
    const code = codeIn(mail.text);

    const [created] = (await waitForEvents(e.workos, ['email_verification.created'], (all) => all.some((x) => (x.data as any).userId === user.id))).filter((x) => (x.data as any).userId === user.id);
    const verification = await um.getEmailVerification((created!.data as any).id);
    assert.equal(verification.code, code);
    assert.equal(verification.userId, user.id);
    assert.equal(verification.email, user.email);
    assert.equal((created!.data as any).code, undefined, 'the event carries no code');
    ids.add(verification.id);

    const bad = await expectSdkError(um.verifyEmail({ userId: user.id, code: code === '000000' ? '000001' : '000000' }), GenericServerException, 400);
    assert.equal((bad as any).code, 'email_verification_code_invalid');
    const { user: verified } = await um.verifyEmail({ userId: user.id, code });
    assert.equal(verified.emailVerified, true);
    await expectSdkError(um.verifyEmail({ userId: user.id, code }), GenericServerException, 400);
    await expectSdkError(um.getEmailVerification('email_verification_01ZZZZZZZZZZZZZZZZZZZZZZZZ'), NotFoundException, 404);
  });

  test('authenticateWithPassword on an unverified email → AuthenticationException with a pending token → authenticateWithEmailVerification', async () => {
    const um = e.workos.userManagement;
    const user = await um.createUser({ email: email('gate'), password: 'a long password 2' });
    const mark = smtp.messages.length;
    const err = await expectSdkError(um.authenticateWithPassword({ email: user.email, password: 'a long password 2' }), AuthenticationException, 403);
    assert.equal((err as any).code, 'email_verification_required');
    const pendingAuthenticationToken = (err as any).pendingAuthenticationToken as string;
    assert.ok(pendingAuthenticationToken);
    assert.match((err as any).rawData.email_verification_id, /^email_verification_/);
    const code = codeIn((await mailTo(user.email, mark)).text);

    await expectSdkError(um.authenticateWithEmailVerification({ code: code === '111111' ? '111112' : '111111', pendingAuthenticationToken }), OauthException, 400);
    const auth = await um.authenticateWithEmailVerification({ code, pendingAuthenticationToken });
    assert.equal(auth.user.id, user.id);
    assert.equal(auth.user.emailVerified, true);
    assert.ok(auth.accessToken && auth.refreshToken);
    await expectSdkError(um.authenticateWithEmailVerification({ code, pendingAuthenticationToken }), OauthException, 400);
  });

  test('createMagicAuth → emailed code → getMagicAuth → authenticateWithMagicAuth once; an unknown email signs up', async () => {
    const um = e.workos.userManagement;
    const address = email('magic');
    const ma = await um.createMagicAuth({ email: address });
    ids.add(ma.id);
    assert.equal(codeIn((await mailTo(address)).text), ma.code);
    const got = await um.getMagicAuth(ma.id);
    assert.equal(got.code, ma.code);
    assert.equal(got.userId, ma.userId);
    const user = await um.getUser(ma.userId);
    assert.equal(user.email, address);
    assert.equal(user.emailVerified, false);

    const auth = await um.authenticateWithMagicAuth({ code: ma.code, email: address });
    assert.equal(auth.user.id, ma.userId);
    assert.equal(auth.user.emailVerified, true);
    assert.equal(auth.authenticationMethod, 'MagicAuth');
    await expectSdkError(um.authenticateWithMagicAuth({ code: ma.code, email: address }), OauthException, 400);
    await expectSdkError(um.getMagicAuth('magic_auth_01ZZZZZZZZZZZZZZZZZZZZZZZZ'), NotFoundException, 404);
    await expectSdkError(um.createMagicAuth({ email: 'not-an-email' }), UnprocessableEntityException, 422);
  });

  test('createPasswordReset → emailed link → getPasswordReset → resetPassword once → sign in with the new password', async () => {
    const um = e.workos.userManagement;
    const user = await um.createUser({ email: email('reset'), password: 'the old password' });
    await expectSdkError(um.createPasswordReset({ email: email('nobody') }), NotFoundException, 404);
    const reset = await um.createPasswordReset({ email: user.email });
    ids.add(reset.id);
    assert.equal(reset.userId, user.id);
    assert.ok((await mailTo(user.email)).text.includes(reset.passwordResetUrl));
    const got = await um.getPasswordReset(reset.id);
    assert.equal(got.passwordResetToken, reset.passwordResetToken);

    await expectSdkError(um.resetPassword({ token: reset.passwordResetToken, newPassword: 'short' }), UnprocessableEntityException, 422);
    const { user: after } = await um.resetPassword({ token: reset.passwordResetToken, newPassword: 'the new password' });
    assert.equal(after.emailVerified, true, 'the link proved the inbox');
    await expectSdkError(um.resetPassword({ token: reset.passwordResetToken, newPassword: 'a third password' }), NotFoundException, 404);

    const auth = await um.authenticateWithPassword({ email: user.email, password: 'the new password' });
    assert.equal(auth.user.id, user.id);
    await expectSdkError(um.authenticateWithPassword({ email: user.email, password: 'the old password' }), GenericServerException, 400);
  });

  test('invitations: send to an organization, get, find by token, list, resend, accept (membership), revoke; state errors are 400s', async () => {
    const um = e.workos.userManagement;
    const org = await e.workos.organizations.createOrganization({ name: `Invite Org ${tag}` });
    const inviter = await um.createUser({ email: email('inviter'), firstName: 'Grace', lastName: 'H' });
    const invitee = await um.createUser({ email: email('invitee') });

    const inv = await um.sendInvitation({ email: invitee.email, organizationId: org.id, inviterUserId: inviter.id, roleSlug: 'member', expiresInDays: 2 });
    ids.add(inv.id);
    assert.equal(inv.state, 'pending');
    assert.equal(inv.organizationId, org.id);
    assert.equal(inv.roleSlug, 'member');
    const mail = await mailTo(invitee.email);
    assert.ok(mail.text.includes(inv.acceptInvitationUrl), mail.text);
    assert.match(mail.text, new RegExp(`Grace H invited .* to join Invite Org ${tag}`));

    assert.deepEqual(await um.getInvitation(inv.id), inv);
    assert.deepEqual(await um.findInvitationByToken(inv.token), inv);
    const listed = await um.listInvitations({ organizationId: org.id });
    assert.deepEqual(listed.data.map((i) => i.id), [inv.id]);
    const byEmail = await um.listInvitations({ email: invitee.email });
    assert.deepEqual(byEmail.data.map((i) => i.id), [inv.id]);

    const mark = smtp.messages.length;
    const resent = await um.resendInvitation(inv.id);
    assert.equal(resent.state, 'pending');
    await mailTo(invitee.email, mark);
    await expectSdkError(um.resendInvitation(inv.id, { locale: 'xx-XX' as never }), UnprocessableEntityException, 422);

    const accepted = await um.acceptInvitation(inv.id);
    assert.equal(accepted.state, 'accepted');
    assert.equal(accepted.acceptedUserId, invitee.id);
    assert.ok(accepted.acceptedAt);
    const memberships = await um.listOrganizationMemberships({ userId: invitee.id });
    assert.deepEqual(memberships.data.map((m) => [m.organizationId, m.status, m.role.slug]), [[org.id, 'active', 'member']]);
    const again = await expectSdkError(um.acceptInvitation(inv.id), GenericServerException, 400);
    assert.equal((again as any).code, 'invite_accepted');

    const second = await um.sendInvitation({ email: email('second') });
    ids.add(second.id);
    const revoked = await um.revokeInvitation(second.id);
    assert.equal(revoked.state, 'revoked');
    for (const call of [() => um.revokeInvitation(second.id), () => um.resendInvitation(second.id), () => um.acceptInvitation(second.id)]) {
      const err = await expectSdkError(call(), GenericServerException, 400);
      assert.equal((err as any).code, 'invite_revoked');
    }
    await expectSdkError(um.getInvitation('invitation_01ZZZZZZZZZZZZZZZZZZZZZZZZ'), NotFoundException, 404);
    await expectSdkError(um.findInvitationByToken('no-such-token'), NotFoundException, 404);
    await expectSdkError(um.sendInvitation({ email: email('x'), organizationId: 'org_01ZZZZZZZZZZZZZZZZZZZZZZZZ' }), NotFoundException, 404);
    await expectSdkError(um.sendInvitation({ email: email('x'), expiresInDays: 31 }), UnprocessableEntityException, 422);
  });

  test('each flow wrote its events, without secrets, and the Events API returns them typed', async () => {
    const all = await waitForEvents(
      e.workos,
      FLOW_EVENTS,
      (events) => ['password_reset.succeeded', 'invitation.accepted', 'invitation.revoked', 'invitation.resent', 'magic_auth.created'].every((t) => events.some((x) => x.event === t)),
    );
    const mine = all.filter((x) => ids.has((x.data as any).id));
    const types = new Set(mine.map((x) => x.event));
    for (const t of FLOW_EVENTS) assert.ok(types.has(t), `missing ${t}`);
    for (const x of mine) {
      const d = x.data as any;
      assert.equal(d.code, undefined);
      assert.equal(d.token, undefined);
      assert.equal(d.passwordResetToken, undefined);
      assert.equal(d.acceptInvitationUrl, undefined);
    }
    const accepted = mine.find((x) => x.event === 'invitation.accepted')!.data as any;
    assert.equal(accepted.state, 'accepted');
  });

  test('another environment sees none of it; the send limit answers 429 with Retry-After', async () => {
    const other = e.client((await e.createEnvironment(`flows-other-${tag}`)).api_key);
    const um = e.workos.userManagement;
    const inv = await um.sendInvitation({ email: email('iso') });
    const ma = await um.createMagicAuth({ email: email('iso') });
    await expectSdkError(other.userManagement.getInvitation(inv.id), NotFoundException, 404);
    await expectSdkError(other.userManagement.findInvitationByToken(inv.token), NotFoundException, 404);
    await expectSdkError(other.userManagement.revokeInvitation(inv.id), NotFoundException, 404);
    await expectSdkError(other.userManagement.getMagicAuth(ma.id), NotFoundException, 404);
    await expectSdkError(other.userManagement.authenticateWithMagicAuth({ code: ma.code, email: ma.email }), OauthException, 400);
    assert.equal((await other.userManagement.listInvitations({ email: inv.email })).data.length, 0);
    assert.equal((await um.getInvitation(inv.id)).state, 'pending');
    // An organization of another environment cannot be invited to.
    const foreignOrg = await other.organizations.createOrganization({ name: `Foreign ${tag}` });
    await expectSdkError(um.sendInvitation({ email: email('iso2'), organizationId: foreignOrg.id }), NotFoundException, 404);

    // WorkOS: 3 magic auth emails per 60 s per address (one was sent above).
    await um.createMagicAuth({ email: email('iso') });
    const last = await um.createMagicAuth({ email: email('iso') });
    const limited = await expectSdkError(um.createMagicAuth({ email: email('iso') }), RateLimitExceededException, 429);
    assert.ok((limited as any).retryAfter >= 1);
    // The invitation and the newest code arrive. An older code's email may be dropped instead of
    // sent when a newer code superseded it before the outbox got to it (by design), so at most
    // one invitation and three magic auth emails, and never one for the refused fourth.
    const mails = () => smtp.to(email('iso'));
    await waitFor(() => mails().some((m) => m.text.includes(last.code)) && mails().some((m) => m.text.includes(inv.acceptInvitationUrl)), {
      timeoutMs: 120_000,
      message: 'the invitation and the newest magic auth code to iso',
    });
    assert.ok(mails().length <= 4, `${mails().length} emails to iso`);
  });
});
