import { Inject, Injectable } from '@nestjs/common';
import { BadRequestError, REDIS, appendToOutbox, randomToken, SecretBox, sha256Hex, type Logger, type Redis } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { PrismaService } from '../infra/prisma.service';
import { ProviderClient } from '../infra/provider.client';
import { IntegrationsService } from '../integrations/integrations.service';
import { OrgConfigsService } from '../integrations/org-configs.service';
import type { Owner } from '../pipes-core/owner';
import { newPkcePair } from '../pipes-core/pkce';
import { requestedScopes } from '../pipes-core/providers';
import { interpretTokenResponse } from '../pipes-core/token-response';
import { AccountSecretsService } from './account-secrets.service';
import type { AuthorizeRequest } from './accounts.dto';
import { connectionFailedEvent } from './accounts.events';
import { AccountsService, selectorFrom } from './accounts.service';

/** What an authorization request remembers between authorize and callback (sealed in Redis). */
interface PendingAuthorization {
  environmentId: string;
  integrationId: string;
  owner: Owner;
  returnTo: string | null;
  verifier: string | null;
}

export type CallbackResult = { redirect: string } | { body: Record<string, unknown>; status: number };

/**
 * The OAuth 2.0 authorization-code flow (RFC 6749 §4.1, PKCE RFC 7636 where the provider takes it).
 * Invariants: the `state` is 32 random bytes, stored only as its SHA-256 (the Redis key) with the
 * request sealed under SecretBox bound to that hash, single-use (GETDEL) and short-lived, so the
 * callback's environment, owner and return_to come only from what our customer's backend asked
 * for with its API key; the PKCE verifier never leaves the server.
 */
@Injectable()
export class ConnectService {
  private readonly log: Logger;

  constructor(
    private readonly integrations: IntegrationsService,
    private readonly orgConfigs: OrgConfigsService,
    private readonly accounts: AccountsService,
    private readonly secrets: AccountSecretsService,
    private readonly providers: ProviderClient,
    private readonly prisma: PrismaService,
    private readonly box: SecretBox,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: ConnectService.name });
  }

  async authorize(environmentId: string, slug: string, body: AuthorizeRequest): Promise<{ url: string }> {
    const { owner } = selectorFrom(body);
    const integration = await this.integrations.get(environmentId, slug, owner.type);
    if (!integration.authMethods.includes('oauth')) throw new BadRequestError('auth_method_not_supported', `The ${slug} integration does not use OAuth.`);
    if (body.return_to) this.checkReturnTo(body.return_to);
    await this.secrets.assertOrganization(environmentId, owner.organizationId);
    const settings = await this.orgConfigs.effective(environmentId, integration, owner.organizationId);
    if (!settings.enabled) throw new BadRequestError('data_integration_disabled', `The ${slug} integration is not enabled${owner.organizationId ? ' for this organization' : ''}.`);
    if (!settings.client) {
      const whose = integration.credentialsType === 'organization' ? 'the organization has not configured its OAuth app (data_integration_configurations)' : 'the integration has no OAuth client credentials';
      throw new BadRequestError('credentials_missing', `The ${slug} integration cannot authorize: ${whose}.`);
    }
    const provider = this.integrations.provider(integration);
    const state = randomToken(32);
    const pkce = provider.pkce ? newPkcePair() : null;
    const pending: PendingAuthorization = { environmentId, integrationId: integration.id, owner, returnTo: body.return_to ?? null, verifier: pkce?.verifier ?? null };
    const key = `pipes:authorize:${sha256Hex(state)}`;
    await this.redis.set(key, this.box.seal(JSON.stringify(pending), key), 'EX', this.config.PIPES_AUTHORIZE_TTL_SECONDS);
    const url = new URL(provider.authorizationUrl!);
    const scopes = requestedScopes(provider, settings.scopes);
    const params: Record<string, string> = {
      ...provider.additionalAuthorizationParameters,
      response_type: 'code',
      client_id: settings.client.id,
      redirect_uri: this.integrations.redirectUri,
      state,
      ...(scopes.length ? { scope: scopes.join(provider.scopeSeparator) } : {}),
      ...(pkce ? { code_challenge: pkce.challenge, code_challenge_method: 'S256' } : {}),
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return { url: url.toString() };
  }

  /** The provider's redirect back. Never throws for provider-side failures: they become a redirect with an error and an event. */
  async callback(query: Record<string, unknown>): Promise<CallbackResult> {
    const state = typeof query.state === 'string' && query.state.length <= 128 ? query.state : null;
    if (!state) return { status: 400, body: { code: 'invalid_state', message: 'The state parameter is missing.' } };
    const key = `pipes:authorize:${sha256Hex(state)}`;
    const sealed = await this.redis.getdel(key);
    if (!sealed) return { status: 400, body: { code: 'invalid_state', message: 'The authorization request is unknown, expired or already used.' } };
    const p = JSON.parse(this.box.openString(sealed, key)) as PendingAuthorization;
    const integration = await this.integrations.findById(p.environmentId, p.integrationId);
    if (!integration) return this.finish(p, 'data_integration_deleted');
    const failed = async (code: string, reason: string | null, providerError: string | null = null, providerDescription: string | null = null): Promise<CallbackResult> => {
      await this.prisma.$transaction(async (tx) => {
        await appendToOutbox(tx, [
          connectionFailedEvent(p.environmentId, {
            data_integration_id: integration.id,
            provider_slug: integration.slug,
            user_id: p.owner.userId,
            organization_id: p.owner.organizationId,
            error_code: code,
            error_reason: reason,
            provider_error: providerError,
            provider_error_description: providerDescription,
          }),
        ]);
      });
      return this.finish(p, code);
    };
    const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : null);
    if (query.error !== undefined) return failed('provider_denied', 'The provider returned an error instead of a code.', str(query.error, 256), str(query.error_description, 1024));
    const code = str(query.code, 4096);
    if (!code) return failed('missing_code', 'The provider returned neither a code nor an error.');
    const provider = this.integrations.provider(integration);
    const settings = await this.orgConfigs.effective(p.environmentId, integration, p.owner.organizationId);
    if (!settings.client) return failed('credentials_missing', 'The OAuth client credentials were removed during the authorization.');
    const params: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: this.integrations.redirectUri, ...(p.verifier ? { code_verifier: p.verifier } : {}) };
    const answer = await this.providers.tokenRequest(provider.tokenUrl!, provider, settings.client, params);
    const scopes = requestedScopes(provider, settings.scopes);
    const result = answer.status === 0 ? null : interpretTokenResponse(answer.status, answer.body, new Date(), undefined, scopes);
    if (!result) return failed('provider_unreachable', 'The token endpoint could not be reached.');
    if (!result.ok) return failed('code_exchange_failed', 'The provider refused the authorization code.', result.error, result.description);
    const existing = await this.accounts.findByOwner(p.environmentId, integration, p.owner);
    const account = await this.accounts.saveGrant(p.environmentId, integration, p.owner, existing, { kind: 'oauth', ...result.tokens });
    this.log.info({ environment_id: p.environmentId, connected_account_id: account.id, provider: integration.slug }, 'connected an account');
    return this.finish(p, null);
  }

  private finish(p: PendingAuthorization, error: string | null): CallbackResult {
    if (!p.returnTo) return error ? { status: 400, body: { code: error, message: 'The connection failed.' } } : { status: 200, body: { message: 'Connected. You can close this window.' } };
    const url = new URL(p.returnTo);
    if (error) url.searchParams.set('error', error);
    else url.searchParams.set('status', 'connected');
    return { redirect: url.toString() };
  }

  private checkReturnTo(returnTo: string): void {
    const u = new URL(returnTo);
    if (u.protocol !== 'https:' && !(this.config.ALLOW_LOOPBACK_URLS && u.protocol === 'http:')) throw new BadRequestError('invalid_return_to', 'return_to must be an https URL.');
  }
}
