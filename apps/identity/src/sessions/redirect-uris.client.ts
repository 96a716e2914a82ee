import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, internalFetch, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';

/** The gateway's internal route that answers whether a URI is registered for the signed environment. */
export const REDIRECT_URI_CHECK_PATH = '/_internal/redirect_uris/allowed';
/** The gateway's internal route that answers the signed environment's default redirect URI. */
export const DEFAULT_REDIRECT_URI_PATH = '/_internal/default_redirect_uri';
/** The gateway's internal route that answers the signed environment's app homepage URL. */
export const APP_HOMEPAGE_PATH = '/_internal/app_homepage_url';
/** The gateway's internal route that answers the client ID and redirect URI an emailed link opens the hosted pages with. */
export const HOSTED_LINK_TARGET_PATH = '/_internal/hosted_link_target';
const HOSTED_LINK_CACHE_MS = 60_000;

export interface HostedLinkTarget {
  clientId: string | null;
  redirectUri: string | null;
}

/**
 * Asks the gateway, which owns the environments' redirect URIs, client IDs and app homepage URL
 * (DESIGN.md rule 1), whether a URI is registered for an environment, which is its default, where
 * its homepage is, and where an emailed link opens the hosted pages; signed with the environment as
 * any service-to-service call.
 * Invariant: fails closed. An unreachable gateway or any unexpected answer counts as "not
 * registered", so a logout never redirects anywhere it could not prove.
 */
@Injectable()
export class RedirectUrisClient {
  private readonly baseUrl: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.baseUrl = config.API_GATEWAY_URL ?? config.PUBLIC_BASE_URL;
  }

  async isRegistered(environmentId: string, uri: string): Promise<boolean> {
    const answer = await this.ask<{ allowed?: unknown }>(environmentId, `${REDIRECT_URI_CHECK_PATH}?${new URLSearchParams({ uri })}`);
    return answer?.allowed === true;
  }

  /** Where a Magic Link session without `redirect_uri` sends its user (WorkOS's default redirect URI); null when there is none or no answer. */
  async defaultUri(environmentId: string): Promise<string | null> {
    const uri = (await this.ask<{ uri?: unknown }>(environmentId, DEFAULT_REDIRECT_URI_PATH))?.uri;
    return typeof uri === 'string' && uri.length > 0 ? uri : null;
  }

  /** Where a logout without `return_to` lands (WorkOS's default sign-out redirect); null when unset or unknown. */
  async homepage(environmentId: string): Promise<string | null> {
    const url = (await this.ask<{ url?: unknown }>(environmentId, APP_HOMEPAGE_PATH))?.url;
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
  }

  /**
   * The client ID and redirect URI an emailed link (an invitation) opens the hosted AuthKit pages
   * with: the environment's first client ID and its default redirect URI. Cached for a minute;
   * no answer is nulls (not cached), so a send never fails on it.
   */
  async hostedLinkTarget(environmentId: string): Promise<HostedLinkTarget> {
    const cached = this.hostedLinks.get(environmentId);
    if (cached && cached.until > Date.now()) return cached.target;
    const body = await this.ask<{ client_id?: unknown; redirect_uri?: unknown }>(environmentId, HOSTED_LINK_TARGET_PATH);
    const target = { clientId: typeof body?.client_id === 'string' ? body.client_id : null, redirectUri: typeof body?.redirect_uri === 'string' ? body.redirect_uri : null };
    if (body) this.hostedLinks.set(environmentId, { target, until: Date.now() + HOSTED_LINK_CACHE_MS });
    return target;
  }

  private readonly hostedLinks = new Map<string, { target: HostedLinkTarget; until: number }>();

  private async ask<T>(environmentId: string, path: string): Promise<T | null> {
    try {
      const res = await internalFetch(`${this.baseUrl}${path}`, { key: internalAuthKeyFor(this.config, 'api-gateway'), audience: 'api-gateway', environmentId }, { signal: AbortSignal.timeout(3_000) });
      if (!res.ok) throw new Error(`status ${res.status}`);
      return (await res.json()) as T;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, environment_id: environmentId, path }, 'the gateway did not answer; taken as not registered (no redirect, no link target)');
      return null;
    }
  }
}
