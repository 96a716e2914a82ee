import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { HostedPageError, type FlowSession, type Outcome } from '../authkit/hosted/hosted-pages.service';
import { HostedSignInDetour } from '../authkit/hosted/hosted-sign-in-detour';
import { renderNotice } from '../authkit/pages/notice.page';
import { ssoSignInOf } from '../authenticate/sso-sign-in';
import { DeviceCodesStore } from './device-codes.store';
import { formatUserCode, normaliseUserCode } from './device-flow.dto';
import { renderDeviceApproval, renderDeviceEntry, VERIFY_PAGE } from './device.page';

/* The verification page's sign-in may take this long; never beyond the device code's own expiry. */
const SIGN_IN_MAX_MS = 60 * 60_000;
const STATE_CONTEXT = 'device_verification_state';
const stateSchema = z.object({ hash: z.string(), userCode: z.string() });

/**
 * The verification page (RFC 8628 §3.3) on the hosted pages' flows: the user enters the code
 * their device shows, signs in through the ordinary hosted sign-in (every step and gate of it),
 * comes back to the page's callback with an AuthKit code issued to that callback only, and then
 * allows or denies the device. Invariants: the device is bound to the user whose AuthKit code the
 * callback spent (in this environment, for this client, to exactly this callback URL), and only
 * by an explicit "Allow" posted from the same browser flow (cookie and CSRF token); the code the
 * sign-in issues carries a PKCE challenge nobody knows the verifier of, so it is redeemable only
 * here; the page's state is sealed, so the callback cannot be pointed at another device.
 */
@Injectable()
export class DeviceVerificationService {
  constructor(
    private readonly store: DeviceCodesStore,
    private readonly detour: HostedSignInDetour,
  ) {}

  show(userCode: unknown): Outcome {
    const prefill = typeof userCode === 'string' ? userCode.slice(0, 12) : undefined;
    return { page: (ctx) => renderDeviceEntry(ctx, { userCode: prefill }) };
  }

  /** The entered code: deny the device at once, or go on to sign in (the flow now carries the app request for this page's callback). */
  async submit(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const typed = String(body.user_code ?? '');
    const code = normaliseUserCode(typed);
    const found = code ? await this.store.findByUserCode(s.flow.environmentId, code) : null;
    if (!code || !found || found.authorization.clientId !== s.flow.clientId) {
      return { page: (ctx) => renderDeviceEntry(ctx, { userCode: typed.slice(0, 12), error: 'device.error.code' }), status: 400 };
    }
    if (body.action === 'deny') {
      await this.store.decide(s.flow.environmentId, found.hash, code, 'deny');
      s.ended = true;
      return { page: (ctx) => renderNotice(ctx, { title: 'device.denied.title', body: 'device.denied.body' }) };
    }
    const expiresAt = Math.min(found.authorization.expiresAt, Date.now() + SIGN_IN_MAX_MS);
    s.flow.device = { hash: found.hash, userCode: code };
    return this.detour.start(s, { page: VERIFY_PAGE, context: STATE_CONTEXT, payload: { hash: found.hash, userCode: code }, expiresAt });
  }

  /** The sign-in's return: spends the AuthKit code and asks the signed-in user to allow the device. */
  async callback(s: FlowSession, query: { code?: unknown; state?: unknown }): Promise<Outcome> {
    const { payload: st, grant, user } = await this.detour.finish(s, query, { page: VERIFY_PAGE, context: STATE_CONTEXT, schema: stateSchema });
    s.flow.device = {
      hash: st.hash,
      userCode: st.userCode,
      approval: { userId: user.id, email: user.email, organizationId: grant.organizationId, method: grant.method, sso: ssoSignInOf(grant.sso) },
    };
    return { page: (ctx) => renderDeviceApproval(ctx, { email: user.email, userCode: formatUserCode(st.userCode) }) };
  }

  /** "Allow" binds the device to the signed-in user; "Deny" refuses it. Either way the page's work is done. */
  async decide(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const device = s.flow.device;
    if (!device?.approval) throw new HostedPageError(400, 'error.expired.body');
    const { email: _email, ...approval } = device.approval;
    const allow = body.decision === 'approve';
    const done = await this.store.decide(s.flow.environmentId, device.hash, device.userCode, allow ? { approve: approval } : 'deny');
    s.ended = true;
    if (!done) throw new HostedPageError(400, 'error.expired.body');
    return { page: (ctx) => (allow ? renderNotice(ctx, { title: 'device.approved.title', body: 'device.approved.body' }) : renderNotice(ctx, { title: 'device.denied.title', body: 'device.denied.body' })) };
  }
}
