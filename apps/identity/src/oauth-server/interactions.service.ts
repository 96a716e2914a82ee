import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { BadRequestError, DomainError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuthorizationCodesStore } from '../authkit/authorization-codes.store';
import { OAuthProvidersService, type BuiltProvider } from './oauth-providers.service';
import { ExternalAuthStore } from './external-auth.store';
import { renderConsentPage } from './consent.page';
import { AuthorizedApplicationsService } from './authorized-applications.service';
import type { InteractionDetails, OidcProvider } from './oidc-provider.types';

export type InteractionOutcome = { redirectTo: string } | { html: string };
interface Raw {
  req: IncomingMessage;
  res: ServerResponse;
}

/**
 * The authorization server's login and consent steps (oidc-provider "interactions").
 * Login goes through AuthKit's hosted sign-in: the browser is sent to /user_management/authorize
 * with this interaction's callback as redirect URI, and the AuthKit code that comes back is
 * redeemed here, never at the token endpoint. Or, with an external login URL configured, through
 * the customer's own page and `completeOAuth2`. Invariants: each step reads the interaction from
 * its cookie (bound to this browser) and checks the URL's uid against it; an AuthKit code counts
 * only for this environment, its client ID and exactly this callback URL, and is spent once.
 */
@Injectable()
export class InteractionsService {
  constructor(
    private readonly providers: OAuthProvidersService,
    private readonly codes: AuthorizationCodesStore,
    private readonly external: ExternalAuthStore,
    private readonly authorized: AuthorizedApplicationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(environmentId: string, env: string, uid: string, raw: Raw): Promise<InteractionOutcome> {
    const built = await this.providers.get(environmentId, env);
    const details = await this.details(built.provider, uid, raw);
    if (details.prompt.name === 'login') {
      if (built.settings.externalLoginUrl) {
        const id = await this.external.begin({ environmentId, envClientId: env, uid });
        const target = new URL(built.settings.externalLoginUrl);
        target.searchParams.set('external_auth_id', id);
        return { redirectTo: target.toString() };
      }
      const target = new URL(`${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/user_management/authorize`);
      target.searchParams.set('client_id', env);
      target.searchParams.set('redirect_uri', this.callbackUrl(env, uid));
      target.searchParams.set('response_type', 'code');
      target.searchParams.set('provider', 'authkit');
      target.searchParams.set('state', uid);
      if (details.params.login_hint) target.searchParams.set('login_hint', details.params.login_hint);
      return { redirectTo: target.toString() };
    }
    if (details.prompt.name !== 'consent') throw new BadRequestError('unsupported_prompt', `The prompt ${details.prompt.name} is not supported.`);
    const client = await built.provider.Client.find(details.params.client_id ?? '');
    if (!client) throw new BadRequestError('invalid_client', 'The application no longer exists.');
    const meta = client.metadata();
    // First-party applications are the environment's own: no consent screen.
    if (meta.is_first_party === true) return { redirectTo: await this.grant(environmentId, built.provider, details, raw) };
    const d = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    const base = `${built.mountPath}/interaction/${uid}`;
    return {
      html: renderConsentPage({
        applicationName: String(meta.client_name ?? meta.client_id),
        scopes: [...(d.missingOIDCScope ?? []), ...Object.values(d.missingResourceScopes ?? {}).flat()],
        resources: Object.keys(d.missingResourceScopes ?? {}),
        confirmAction: `${base}/confirm`,
        abortAction: `${base}/abort`,
      }),
    };
  }

  /** AuthKit's redirect back: redeems its code for the user and finishes the login step. */
  async callback(environmentId: string, env: string, uid: string, query: { code?: string; state?: string }, raw: Raw): Promise<InteractionOutcome> {
    const built = await this.providers.get(environmentId, env);
    const details = await this.details(built.provider, uid, raw);
    if (details.prompt.name !== 'login' || query.state !== uid || typeof query.code !== 'string') throw invalidCallback();
    const grant = await this.codes.peek(query.code);
    if (!grant || grant.environmentId !== environmentId || grant.clientId !== env || grant.redirectUri !== this.callbackUrl(env, uid)) throw invalidCallback();
    if (!(await this.codes.consume(query.code))) throw invalidCallback();
    return { redirectTo: await this.login(built, grant.userId, grant.method, raw) };
  }

  /** The custom login page's return (after completeOAuth2 recorded the user). */
  async externalReturn(environmentId: string, env: string, uid: string, externalAuthId: string | undefined, raw: Raw): Promise<InteractionOutcome> {
    const built = await this.providers.get(environmentId, env);
    const details = await this.details(built.provider, uid, raw);
    const pending = externalAuthId ? await this.external.find(externalAuthId) : null;
    if (details.prompt.name !== 'login' || !pending || pending.environmentId !== environmentId || pending.envClientId !== env || pending.uid !== uid) throw invalidCallback();
    const taken = await this.external.take(externalAuthId!);
    if (!taken?.userId) throw invalidCallback();
    return { redirectTo: await this.login(built, taken.userId, 'ExternalAuth', raw) };
  }

  async confirm(environmentId: string, env: string, uid: string, raw: Raw): Promise<InteractionOutcome> {
    const built = await this.providers.get(environmentId, env);
    const details = await this.details(built.provider, uid, raw);
    if (details.prompt.name !== 'consent') throw new BadRequestError('invalid_interaction', 'Nothing to consent to.');
    return { redirectTo: await this.grant(environmentId, built.provider, details, raw) };
  }

  async abort(environmentId: string, env: string, uid: string, raw: Raw): Promise<InteractionOutcome> {
    const built = await this.providers.get(environmentId, env);
    await this.details(built.provider, uid, raw);
    const result = { error: 'access_denied', error_description: 'The user denied the request.' };
    return { redirectTo: await built.provider.interactionResult(raw.req, raw.res, result, { mergeWithLastSubmission: false }) };
  }

  callbackUrl(env: string, uid: string): string {
    return `${this.providers.issuer(env)}/interaction/${uid}/callback`;
  }

  private login(built: BuiltProvider, userId: string, method: string, raw: Raw): Promise<string> {
    return built.provider.interactionResult(raw.req, raw.res, { login: { accountId: userId, amr: [method] } }, { mergeWithLastSubmission: false });
  }

  /** Grants what the consent prompt found missing (OpenID scopes and claims, resource scopes). */
  private async grant(environmentId: string, provider: OidcProvider, details: InteractionDetails, raw: Raw): Promise<string> {
    const accountId = details.session?.accountId;
    if (!accountId) throw new BadRequestError('invalid_interaction', 'The sign-in step is missing.');
    const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId: details.params.client_id! });
    if (d.missingOIDCScope?.length) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims?.length) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await this.authorized.record(environmentId, accountId, details.params.client_id!, grant);
    return provider.interactionResult(raw.req, raw.res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
  }

  private async details(provider: OidcProvider, uid: string, raw: Raw): Promise<InteractionDetails> {
    let details: InteractionDetails;
    try {
      details = await provider.interactionDetails(raw.req, raw.res);
    } catch {
      throw new BadRequestError('invalid_interaction', 'This sign-in expired or was started in another browser; start again from the application.');
    }
    if (details.uid !== uid) throw new BadRequestError('invalid_interaction', 'This sign-in does not match the browser session.');
    return details;
  }
}

const invalidCallback = () => new DomainError(400, 'invalid_interaction', 'The sign-in could not be completed; start again from the application.');
