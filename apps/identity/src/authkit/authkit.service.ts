import { createHash } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainError, safeEqual, toFieldErrors, ValidationError } from '@wos/platform';
import { AuthenticateGrants, type GrantContext } from '../authenticate/authenticate.grants';
import { invalidGrant } from '../authenticate/authenticate.errors';
import { UsersService } from '../users/users.service';
import { AuthorizationCodesStore, type AuthorizationCodeGrant } from './authorization-codes.store';
import { SsoHandoffService } from './sso-handoff.service';
import { InvitationsService } from '../invitations/invitations.service';
import type { AuthorizationRequest } from './authorization-request';
import { authorizationCodeGrantSchema, authorizeQuerySchema } from './authorize.dto';
import { ssoSignInOf } from '../authenticate/sso-sign-in';

export const AUTHORIZATION_CODE_GRANT = 'authorization_code';
/*
 * A hosted sign-in must finish within an hour of the authorize request, however many steps
 * (each of which also extends the flow's 30-minute idle lifetime) it takes.
 */
const HOSTED_SIGN_IN_MAX_AGE_MS = 60 * 60_000;

/**
 * AuthKit's authorize entry and the `authorization_code` grant: /user_management/authorize opens
 * the hosted pages (hosted/) or hands off to SSO; the pages issue a one-time code to the redirect
 * URI, which this grant exchanges (with PKCE for public clients). Invariants: the authorize
 * parameters stay server-side (the flow, or SSO's sealed state), so what the gateway checked is
 * what the code is issued for; a code is bound to its environment, client and PKCE challenge and
 * is exchanged at most once.
 */
@Injectable()
export class AuthkitService implements OnModuleInit {
  constructor(
    private readonly grants: AuthenticateGrants,
    private readonly codes: AuthorizationCodesStore,
    private readonly users: UsersService,
    private readonly handoff: SsoHandoffService,
    private readonly invitations: InvitationsService,
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
        return { user, organizationId: invited ?? grant.organizationId, method: grant.method, sso, skipMfa: grant.gatesPassed === true, radarAttemptId: grant.radarAttemptId, ...(grant.deviceId ? { deviceId: grant.deviceId } : {}) };
      },
    });
  }

  /**
   * Validates the authorize request: SSO sign-ins go to SSO, the rest open the hosted pages with
   * the request as the gateway checked it (kept server-side in the flow, never in a form).
   */
  async begin(environmentId: string, clientId: string | undefined, rawQuery: unknown, clientIp: string | null = null): Promise<{ redirectTo: string } | HostedStart> {
    const parsed = authorizeQuerySchema.safeParse(rawQuery);
    if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues));
    const q = parsed.data;
    if (!clientId || q.client_id !== clientId) throw new DomainError(400, 'invalid_client', 'The client_id is missing or unknown.');
    if (SsoHandoffService.wants(q)) return { redirectTo: await this.handoff.start(environmentId, clientId, q, clientIp) };
    const request: AuthorizationRequest = {
      clientId,
      redirectUri: q.redirect_uri,
      state: q.state ?? null,
      codeChallenge: q.code_challenge ?? null,
      organizationId: q.organization_id ?? null,
      expiresAt: Date.now() + HOSTED_SIGN_IN_MAX_AGE_MS,
    };
    return { request, loginHint: q.login_hint ?? null, signUp: q.screen_hint === 'sign-up', invitationToken: q.invitation_token ?? null };
  }
}

/** What the hosted pages start from: the checked authorize request and the page hints. */
export interface HostedStart {
  request: AuthorizationRequest;
  loginHint: string | null;
  signUp: boolean;
  invitationToken: string | null;
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
