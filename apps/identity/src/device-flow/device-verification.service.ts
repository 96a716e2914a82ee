import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { SecretBox, SecretBoxError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuthorizationCodesStore } from '../authkit/authorization-codes.store';
import { HostedPageError, type FlowSession, type Outcome } from '../authkit/hosted/hosted-pages.service';
import { pageUrl } from '../authkit/pages/layout';
import { renderNotice } from '../authkit/pages/notice.page';
import { ssoSignInOf } from '../authenticate/sso-sign-in';
import { UsersService } from '../users/users.service';
import { DeviceCodesStore } from './device-codes.store';
import { formatUserCode, normaliseUserCode } from './device-flow.dto';
import { renderDeviceApproval, renderDeviceEntry, VERIFY_PAGE } from './device.page';

/* The verification page's sign-in may take this long; never beyond the device code's own expiry. */
const SIGN_IN_MAX_MS = 60 * 60_000;
const STATE_CONTEXT = 'device_verification_state';
const stateSchema = z.object({ environmentId: z.string(), hash: z.string(), userCode: z.string(), expiresAt: z.number() });

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
    private readonly codes: AuthorizationCodesStore,
    private readonly users: UsersService,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    const state = this.box.seal(JSON.stringify({ environmentId: s.flow.environmentId, hash: found.hash, userCode: code, expiresAt }), STATE_CONTEXT);
    s.flow.device = { hash: found.hash, userCode: code };
    s.flow.request = {
      clientId: s.flow.clientId,
      redirectUri: this.callbackUrl(s.flow.clientId),
      state,
      codeChallenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
      organizationId: null,
      expiresAt,
    };
    return { redirect: pageUrl(s.flow, 'sign-in') };
  }

  /** The sign-in's return: spends the AuthKit code and asks the signed-in user to allow the device. */
  async callback(s: FlowSession, query: { code?: unknown; state?: unknown }): Promise<Outcome> {
    const expired = () => new HostedPageError(400, 'error.expired.body');
    const st = typeof query.state === 'string' ? this.openState(query.state) : null;
    if (!st || st.environmentId !== s.flow.environmentId || st.expiresAt < Date.now() || typeof query.code !== 'string') throw expired();
    const grant = await this.codes.peek(query.code);
    if (!grant || grant.environmentId !== s.flow.environmentId || grant.clientId !== s.flow.clientId || grant.redirectUri !== this.callbackUrl(s.flow.clientId)) throw expired();
    if (!(await this.codes.consume(query.code))) throw expired();
    const user = await this.users.mustFind(s.flow.environmentId, grant.userId);
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

  callbackUrl(clientId: string): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}${pageUrl({ clientId }, `${VERIFY_PAGE}/callback`)}`;
  }

  private openState(sealed: string): z.infer<typeof stateSchema> | null {
    try {
      const parsed = stateSchema.safeParse(JSON.parse(this.box.openString(sealed.slice(0, 4096), STATE_CONTEXT)));
      return parsed.success ? parsed.data : null;
    } catch (err) {
      if (err instanceof SecretBoxError || err instanceof SyntaxError) return null;
      throw err;
    }
  }
}
