import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, SecretBoxError, SecretBox } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { AuthenticationMethod } from '../authenticate/authenticate.grants';
import { AuthorizationCodesStore } from './authorization-codes.store';
import { authorizationRequestSchema, AUTHORIZATION_REQUEST_TTL_MS, type AuthorizationRequest } from './authorization-request';
import type { AuthorizeQuery } from './authorize.dto';
import { SsoClient } from './sso.client';
import { SignUpRestrictedError } from './sign-up-policy.service';
import { SsoSignInService } from './sso-sign-in.service';

/** A first sign-in the sign-up policy refused, with the app's request it came from. */
export interface SignUpRefused {
  refused: SignUpRestrictedError;
  environmentId: string;
  request: AuthorizationRequest;
}

/** What travels through the IdP round trip as SSO's `state`: the app's authorize request and its environment. */
const handoffStateSchema = z.object({ environmentId: z.string(), request: authorizationRequestSchema });
const STATE_CONTEXT = 'authkit-sso-handoff';
const OAUTH_METHODS: readonly string[] = ['GoogleOAuth', 'MicrosoftOAuth', 'GitHubOAuth', 'AppleOAuth'];

/**
 * AuthKit sign-in through SSO (an enterprise connection, an organization's connection, or an
 * OAuth provider): AuthKit starts SSO's flow with its own callback as the redirect URI, redeems
 * SSO's code there, resolves the profile's user and memberships (sso-sign-in.service.ts), and
 * hands the app an AuthKit code. Invariants: the app's redirect URI, state and PKCE challenge
 * are sealed into SSO's state, so the callback cannot be pointed at another app, client or
 * environment; the request's `organization_id` only picks the connection (SSO resolves it)
 * and is never sealed, so it can grant nothing.
 */
@Injectable()
export class SsoHandoffService {
  constructor(
    private readonly sso: SsoClient,
    private readonly codes: AuthorizationCodesStore,
    private readonly signIn: SsoSignInService,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  static wants(q: AuthorizeQuery): boolean {
    return Boolean(q.connection_id || (q.provider && q.provider !== 'authkit') || (q.organization_id && !q.provider));
  }

  async start(environmentId: string, clientId: string, q: AuthorizeQuery, clientIp: string | null = null): Promise<string> {
    const request: AuthorizationRequest = {
      clientId,
      redirectUri: q.redirect_uri,
      state: q.state ?? null,
      codeChallenge: q.code_challenge ?? null,
      organizationId: null,
      expiresAt: Date.now() + AUTHORIZATION_REQUEST_TTL_MS,
    };
    const params: Record<string, string> = {
      client_id: clientId,
      response_type: 'code',
      redirect_uri: `${this.config.PUBLIC_BASE_URL}/user_management/sso/callback`,
      state: this.box.seal(JSON.stringify({ environmentId, request }), STATE_CONTEXT),
    };
    if (q.connection_id) params.connection = q.connection_id;
    else if (q.provider && q.provider !== 'authkit') params.provider = q.provider;
    else params.organization = q.organization_id!;
    if (q.login_hint) params.login_hint = q.login_hint;
    if (q.domain_hint) params.domain_hint = q.domain_hint;
    return this.sso.authorizeUrl(environmentId, params, clientIp);
  }

  /**
   * SSO's redirect back: redeem its code, sign the user in, redirect to the app with an AuthKit
   * code. A new user the sign-up policy refuses is answered, not redirected: the caller shows it.
   */
  async complete(query: Record<string, unknown>): Promise<string | SignUpRefused> {
    const { environmentId, request } = this.openState(query.state);
    const target = new URL(request.redirectUri);
    if (request.state !== null) target.searchParams.set('state', request.state);
    if (typeof query.error === 'string') {
      target.searchParams.set('error', query.error.slice(0, 100));
      if (typeof query.error_description === 'string') target.searchParams.set('error_description', query.error_description.slice(0, 500));
      return target.toString();
    }
    if (typeof query.code !== 'string' || !query.code) throw new DomainError(400, 'invalid_request', 'The SSO callback has no code.');
    const profile = await this.sso.redeem(environmentId, request.clientId, query.code);
    let resolved;
    try {
      resolved = await this.signIn.resolve(environmentId, profile);
    } catch (err) {
      if (err instanceof SignUpRestrictedError) return { refused: err, environmentId, request };
      throw err;
    }
    const { user, sso } = resolved;
    // A pending link grants nothing until the email is proven (the code exchange then asks for it).
    const organizationId = sso.linkPending ? null : await this.signIn.grantMemberships(environmentId, user, sso);
    const code = await this.codes.issue({
      environmentId,
      clientId: request.clientId,
      userId: user.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      organizationId,
      method: (OAUTH_METHODS.includes(profile.connection_type) ? profile.connection_type : 'SSO') as AuthenticationMethod,
      sso,
    });
    target.searchParams.set('code', code);
    return target.toString();
  }

  private openState(state: unknown): z.infer<typeof handoffStateSchema> {
    const refused = () => new DomainError(400, 'invalid_state', 'The sign-in state is missing, altered or expired; start again from the application.');
    if (typeof state !== 'string' || state.length > 8192) throw refused();
    try {
      const parsed = handoffStateSchema.safeParse(JSON.parse(this.box.openString(state, STATE_CONTEXT)));
      if (!parsed.success || parsed.data.request.expiresAt <= Date.now()) throw refused();
      return parsed.data;
    } catch (err) {
      if (err instanceof SecretBoxError || err instanceof SyntaxError) throw refused();
      throw err;
    }
  }
}
