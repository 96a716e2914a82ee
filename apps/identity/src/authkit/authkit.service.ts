import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appendToOutbox, DomainError, RateLimitedError, safeEqual, toFieldErrors, ValidationError, SecretBox } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { PrismaService } from '../infra/prisma.service';
import { AuthenticateGrants, type GrantContext } from '../authenticate/authenticate.grants';
import { invalidGrant } from '../authenticate/authenticate.errors';
import { AuthenticateThrottle } from '../authenticate/authenticate.throttle';
import { PasswordsService } from '../passwords/passwords.service';
import { UsersService } from '../users/users.service';
import { authenticationEvent } from '../sessions/sessions.events';
import { AuthorizationCodesStore, type AuthorizationCodeGrant } from './authorization-codes.store';
import { SsoHandoffService } from './sso-handoff.service';
import { InvitationsService } from '../invitations/invitations.service';
import { AUTHORIZATION_REQUEST_TTL_MS, openAuthorizationRequest, sealAuthorizationRequest } from './authorization-request';
import { authorizationCodeGrantSchema, authorizeQuerySchema, passwordSignInSchema } from './authorize.dto';
import { ssoSignInOf } from '../authenticate/sso-sign-in';

export const AUTHORIZATION_CODE_GRANT = 'authorization_code';

/*
 * A refused sign-in re-renders the form with status 200: the gateway turns every non-JSON 4xx into
 * a JSON error (the SDK's invariant), and a browser needs the page, not JSON.
 */
export type SignInOutcome = { redirectTo: string } | { error: string; email: string; authorizationRequest: string };

/**
 * AuthKit's hosted sign-in: /user_management/authorize shows a sign-in form, a correct password
 * issues a one-time authorization code to the redirect URI, and the `authorization_code` grant
 * exchanges it (with PKCE for public clients). Invariants: the authorize parameters travel sealed,
 * so what the gateway checked is what the code is issued for; a code is bound to its environment,
 * client and PKCE challenge and is exchanged at most once.
 */
@Injectable()
export class AuthkitService implements OnModuleInit {
  constructor(
    private readonly grants: AuthenticateGrants,
    private readonly codes: AuthorizationCodesStore,
    private readonly users: UsersService,
    private readonly passwords: PasswordsService,
    private readonly throttle: AuthenticateThrottle,
    private readonly prisma: PrismaService,
    private readonly handoff: SsoHandoffService,
    private readonly invitations: InvitationsService,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.grants.register(AUTHORIZATION_CODE_GRANT, {
      schema: authorizationCodeGrantSchema,
      // No eventType: the sign-in that issued the code wrote its authentication.* event
      // (password here, SSO in the SSO service).
      allowPublicClient: true,
      handle: async (input, ctx) => {
        // Every binding is checked before the code is spent, so a caller that is not the code's
        // client (or lacks its PKCE verifier) cannot burn an intercepted code.
        const grant = await this.codes.peek(input.code);
        if (!grant || grant.environmentId !== ctx.environmentId) throw invalidGrant('The code is invalid, expired or already used.');
        const refusal = bindingRefusal(grant, ctx, input);
        if (refusal) throw invalidGrant(refusal);
        if (!(await this.codes.consume(input.code))) throw invalidGrant('The code is invalid, expired or already used.');
        const user = await this.users.findById(ctx.environmentId, grant.userId);
        if (!user) throw invalidGrant('The user of this code no longer exists.');
        const sso = ssoSignInOf(grant.sso);
        // An SSO identity that still has to prove the email accepts nothing yet; the proven sign-in
        // accepts pending invitations to the address (sso-sign-in.service.ts).
        const invited = input.invitation_token && !sso?.linkPending ? (await this.invitations.acceptByToken(ctx.environmentId, input.invitation_token, user)).organization_id : null;
        return { user, organizationId: invited ?? grant.organizationId, method: grant.method, sso };
      },
    });
  }

  /** Validates the authorize request: SSO sign-ins go to SSO, the rest get the sealed sign-in form. */
  async begin(environmentId: string, clientId: string | undefined, rawQuery: unknown, clientIp: string | null = null): Promise<{ redirectTo: string } | { authorizationRequest: string; loginHint?: string }> {
    const parsed = authorizeQuerySchema.safeParse(rawQuery);
    if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues));
    const q = parsed.data;
    if (!clientId || q.client_id !== clientId) throw new DomainError(400, 'invalid_client', 'The client_id is missing or unknown.');
    if (SsoHandoffService.wants(q)) return { redirectTo: await this.handoff.start(environmentId, clientId, q, clientIp) };
    const authorizationRequest = sealAuthorizationRequest(this.box, environmentId, {
      clientId,
      redirectUri: q.redirect_uri,
      state: q.state ?? null,
      codeChallenge: q.code_challenge ?? null,
      organizationId: q.organization_id ?? null,
      expiresAt: Date.now() + AUTHORIZATION_REQUEST_TTL_MS,
    });
    return { authorizationRequest, loginHint: q.login_hint };
  }

  /** Checks the form's password; success redirects to the client with a code and its state. */
  async signInWithPassword(environmentId: string, clientId: string | undefined, rawBody: unknown, ip: string | null): Promise<SignInOutcome> {
    const parsed = passwordSignInSchema.safeParse(rawBody);
    if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues));
    const form = parsed.data;
    const request = openAuthorizationRequest(this.box, environmentId, form.authorization_request);
    if (!request || request.clientId !== clientId) {
      throw new DomainError(400, 'invalid_authorization_request', 'The sign-in form expired or was altered; start again from the application.');
    }
    const retry = (error: string): SignInOutcome => ({ error, email: form.email, authorizationRequest: form.authorization_request });
    try {
      if (ip) await this.throttle.hit(environmentId, 'ip', ip, this.config.AUTH_IP_LIMIT_PER_MINUTE);
      await this.throttle.hit(environmentId, 'email', form.email, this.config.AUTH_EMAIL_LIMIT_PER_MINUTE);
    } catch (err) {
      if (err instanceof RateLimitedError) return retry('Too many attempts. Wait a minute and try again.');
      throw err;
    }
    const user = await this.users.findByEmail(environmentId, form.email);
    // One password verification whether or not the email exists: timing does not reveal it.
    const ok = await this.users.checkPassword(environmentId, user, form.password);
    if (!user || !ok) {
      const failed = authenticationEvent('password', { status: 'failed', email: form.email, ip_address: ip, user_agent: null, user_id: null, error: { code: 'invalid_credentials', message: 'Invalid credentials.' } }, environmentId);
      if (failed) await appendToOutbox(this.prisma, [failed]);
      return retry('Incorrect email or password.');
    }
    const succeeded = authenticationEvent('password', { status: 'succeeded', email: user.email, ip_address: ip, user_agent: null, user_id: user.id }, environmentId);
    if (succeeded) await appendToOutbox(this.prisma, [succeeded]);
    const code = await this.codes.issue({
      environmentId,
      clientId: request.clientId,
      userId: user.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      organizationId: request.organizationId,
      method: 'Password',
    });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state !== null) target.searchParams.set('state', request.state);
    return { redirectTo: target.toString() };
  }
}

/** Why the caller may not exchange this code (client, redirect URI, PKCE), or null. */
function bindingRefusal(grant: AuthorizationCodeGrant, ctx: GrantContext, input: { code_verifier?: string; redirect_uri?: string }): string | null {
  if (!ctx.clientId || ctx.clientId !== grant.clientId) return 'The code was not issued to this client_id.';
  if (input.redirect_uri !== undefined && input.redirect_uri !== grant.redirectUri) return 'The redirect_uri does not match the one the code was issued for.';
  if (grant.codeChallenge) {
    if (!input.code_verifier || !safeEqual(s256(input.code_verifier), grant.codeChallenge)) return 'The code_verifier does not match the code_challenge.';
  } else if (ctx.authKind === 'public_client') {
    return 'A public client must use PKCE (code_challenge at /user_management/authorize).';
  }
  return null;
}

/** PKCE S256: base64url(SHA-256(verifier)). */
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
