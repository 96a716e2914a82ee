import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, RateLimitedError } from '@wos/platform';
import { GRANT } from '../../authenticate/authenticate.service';
import { MAGIC_AUTH_GRANT, MagicAuthService } from '../../magic-auth/magic-auth.service';
import { OrganizationsClient } from '../../memberships/organizations.client';
import { UsersService } from '../../users/users.service';
import { AuthkitSettingsService } from '../branding/authkit-settings.service';
import type { MessageKey } from '../i18n/messages';
import { renderCode } from '../pages/code.page';
import { renderSignIn, renderSso, renderSsoRequired } from '../pages/sign-in.page';
import { OAUTH_PROVIDER_TYPES } from '../pages/provider-logos';
import { SignUpPolicyService } from '../sign-up-policy.service';
import { SsoHandoffService } from '../sso-handoff.service';
import { SsoClient } from '../sso.client';
import { HostedFlowService } from './hosted-flow.service';
import { HostedPageError, type FlowSession, type Outcome } from './hosted-pages.service';

const email = z.string().trim().toLowerCase().max(320).email();
const passwordForm = z.object({ email: z.string().trim().max(320), password: z.string().max(1024) });
const codeForm = z.object({ code: z.string().trim().max(20) });

/* Provider buttons change rarely; the list is read from SSO at most every 30 s per environment. */
const PROVIDERS_CACHE_MS = 30_000;

/**
 * The hosted sign-in page and its ways in: password, an emailed code, SSO by email domain, OAuth
 * provider buttons. Invariant: none of them issues a code itself; each runs the pipeline's grant
 * (HostedFlowService) or hands the flow's request to SSO, as the API would.
 */
@Injectable()
export class HostedSignInService {
  private readonly providers = new Map<string, { at: number; types: string[] }>();

  constructor(
    private readonly flow: HostedFlowService,
    private readonly settings: AuthkitSettingsService,
    private readonly magicAuth: MagicAuthService,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsClient,
    private readonly handoff: SsoHandoffService,
    private readonly sso: SsoClient,
    private readonly policy: SignUpPolicyService,
  ) {}

  async show(s: FlowSession, p: { email?: string; error?: MessageKey | null } = {}): Promise<Outcome> {
    const [providers, settings] = await Promise.all([this.providerTypes(s.flow.environmentId), this.settings.forEnvironment(s.flow.environmentId)]);
    const signUpLink = settings.signUpPolicy !== 'invitation_only' || Boolean(s.flow.invitationToken);
    return { page: (ctx) => renderSignIn(ctx, { email: p.email ?? s.flow.email ?? undefined, error: p.error ?? null, providers, signUpLink }) };
  }

  async password(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const form = passwordForm.safeParse(body);
    if (!form.success) return this.show(s, { error: 'sign_in.error.credentials' });
    s.flow.email = form.data.email;
    return this.flow.grant(
      s,
      { grant_type: GRANT.password, email: form.data.email, password: form.data.password, ...(s.flow.invitationToken ? { invitation_token: s.flow.invitationToken } : {}) },
      (error) => this.show(s, { email: form.data.email, error }),
    );
  }

  /**
   * Emails a sign-in code. The page reads the same whether or not the address has an account;
   * a new address gets an account only where the sign-up policy allows it (magic auth creates
   * users): open, or an invitation to it, or its approved waitlist entry.
   */
  async requestMagicCode(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const parsed = email.safeParse(body.email);
    if (!parsed.success) return this.show(s, { error: 'error.generic' });
    const env = s.flow.environmentId;
    s.flow.email = parsed.data;
    try {
      // Magic auth creates the user when the address has none: only where the sign-up policy allows.
      if ((await this.users.findByEmail(env, parsed.data)) || (await this.policy.allows(env, parsed.data))) {
        await this.magicAuth.create(env, { email: parsed.data, ...(s.flow.invitationToken ? { invitation_token: s.flow.invitationToken } : {}) });
      }
    } catch (err) {
      if (err instanceof RateLimitedError) return this.show(s, { email: parsed.data, error: 'error.rate_limited' });
      throw err;
    }
    return { redirect: `/user_management/authorize/magic/code?client_id=${encodeURIComponent(s.flow.clientId)}` };
  }

  showMagicCode(s: FlowSession, error: MessageKey | null = null): Outcome {
    if (!s.flow.email) throw new HostedPageError(400, 'error.expired.body');
    const address = s.flow.email;
    return { page: (ctx) => renderCode(ctx, { step: 'magic', email: address, error }) };
  }

  async verifyMagicCode(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const form = codeForm.safeParse(body);
    if (!s.flow.email) throw new HostedPageError(400, 'error.expired.body');
    if (!form.success) return this.showMagicCode(s, 'verify.error.code');
    return this.flow.grant(
      s,
      { grant_type: MAGIC_AUTH_GRANT, email: s.flow.email, code: form.data.code, ...(s.flow.invitationToken ? { invitation_token: s.flow.invitationToken } : {}) },
      (e) => this.showMagicCode(s, e === 'error.rate_limited' ? e : 'verify.error.code'),
    );
  }

  showSso(s: FlowSession, error: MessageKey | null = null): Outcome {
    return { page: (ctx) => renderSso(ctx, { email: s.flow.email ?? undefined, error }) };
  }

  /** SSO by email domain: the organization that VERIFIED the domain, then its connection (SSO picks it). */
  async ssoByEmail(s: FlowSession, body: Record<string, unknown>, clientIp: string | null): Promise<Outcome> {
    const parsed = email.safeParse(body.email);
    if (!parsed.success) return this.showSso(s, 'sso.error.none');
    s.flow.email = parsed.data;
    const domain = parsed.data.split('@')[1]!;
    const org = await this.organizations.findByDomain(s.flow.environmentId, domain);
    // A pending domain is one anyone can add to their organization: only a verified one routes.
    if (!org?.domains.some((d) => d.domain === domain && d.state === 'verified')) return this.showSso(s, 'sso.error.none');
    try {
      return this.handedOff(s, await this.handoff.start(s.flow.environmentId, s.flow.clientId, this.query(s, { organization_id: org.id, login_hint: parsed.data }), clientIp));
    } catch (err) {
      if (err instanceof DomainError && err.status < 500) return this.showSso(s, 'sso.error.none');
      throw err;
    }
  }

  /** The sso_required page: the organization signs in through its IdP, with a button to go there. */
  showSsoRequired(s: FlowSession): Outcome {
    const required = s.flow.ssoRequired;
    if (!required) throw new HostedPageError(400, 'error.expired.body');
    return { page: (ctx) => renderSsoRequired(ctx, { email: required.email }), status: 200 };
  }

  /**
   * "Continue with SSO": the connection the refusal named carries the app's request; a refusal
   * that named none falls back to SSO by the address's domain.
   */
  async continueWithSso(s: FlowSession, clientIp: string | null): Promise<Outcome> {
    const required = s.flow.ssoRequired;
    if (!required) throw new HostedPageError(400, 'error.expired.body');
    if (!required.connectionId) return this.ssoByEmail(s, { email: required.email }, clientIp);
    return this.handedOff(s, await this.handoff.start(s.flow.environmentId, s.flow.clientId, this.query(s, { connection_id: required.connectionId, login_hint: required.email }), clientIp));
  }

  /** An OAuth provider button: the provider must be one the page offered (an active connection). */
  async provider(s: FlowSession, body: Record<string, unknown>, clientIp: string | null): Promise<Outcome> {
    const type = typeof body.provider === 'string' ? body.provider : '';
    if (!OAUTH_PROVIDER_TYPES.includes(type) || !(await this.providerTypes(s.flow.environmentId)).includes(type)) return this.show(s, { error: 'error.generic' });
    return this.handedOff(s, await this.handoff.start(s.flow.environmentId, s.flow.clientId, this.query(s, { provider: type }), clientIp));
  }

  /** SSO carries the app's request from here (sealed in its state): this flow is over. */
  private handedOff(s: FlowSession, idpUrl: string): Outcome {
    s.ended = true;
    return { redirect: idpUrl };
  }

  /** The flow's authorize request as the SSO handoff takes it (it seals its own copy for the IdP round trip). */
  private query(s: FlowSession, extra: { provider?: string; organization_id?: string; connection_id?: string; login_hint?: string }) {
    const r = s.flow.request;
    if (!r) throw new HostedPageError(400, 'error.expired.body');
    return { client_id: r.clientId, redirect_uri: r.redirectUri, response_type: 'code' as const, ...(r.state !== null ? { state: r.state } : {}), ...(r.codeChallenge ? { code_challenge: r.codeChallenge, code_challenge_method: 'S256' as const } : {}), ...extra };
  }

  private async providerTypes(environmentId: string): Promise<string[]> {
    const hit = this.providers.get(environmentId);
    if (hit && Date.now() - hit.at < PROVIDERS_CACHE_MS) return hit.types;
    // The page still works without the buttons when SSO cannot be reached.
    const types = await this.sso.oauthProviderTypes(environmentId).catch(() => hit?.types ?? []);
    if (this.providers.size > 10_000) this.providers.clear();
    this.providers.set(environmentId, { at: Date.now(), types });
    return types;
  }
}
