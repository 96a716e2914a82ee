import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, internalFetch } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** Kept in step with the gateway's `HOSTED_LINK_TARGET_PATH` (apps/api-gateway/src/internal/redirect-uris.route.ts). */
export const HOSTED_LINK_TARGET_PATH = '/_internal/hosted_link_target';
const CACHE_MS = 60_000;

export interface HostedLinkTarget {
  clientId: string | null;
  redirectUri: string | null;
}

/**
 * The client ID and redirect URI an emailed link opens the hosted AuthKit pages with (the
 * environment's first of each), from the gateway that owns them (DESIGN.md rule 1). Cached for a
 * minute; an unreachable gateway answers nulls (uncached), so a send never fails on it.
 */
@Injectable()
export class HostedLinkClient {
  private readonly cache = new Map<string, { target: HostedLinkTarget; until: number }>();
  private readonly baseUrl: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.baseUrl = config.API_GATEWAY_URL ?? config.PUBLIC_BASE_URL;
  }

  async targetOf(environmentId: string): Promise<HostedLinkTarget> {
    const cached = this.cache.get(environmentId);
    if (cached && cached.until > Date.now()) return cached.target;
    const body = await this.ask(environmentId);
    const target = { clientId: typeof body?.client_id === 'string' ? body.client_id : null, redirectUri: typeof body?.redirect_uri === 'string' ? body.redirect_uri : null };
    if (body) this.cache.set(environmentId, { target, until: Date.now() + CACHE_MS });
    return target;
  }

  private async ask(environmentId: string): Promise<{ client_id?: unknown; redirect_uri?: unknown } | null> {
    try {
      const res = await internalFetch(`${this.baseUrl}${HOSTED_LINK_TARGET_PATH}`, { key: internalAuthKeyFor(this.config, 'api-gateway'), audience: 'api-gateway', environmentId }, { signal: AbortSignal.timeout(3_000) });
      return res.ok ? ((await res.json()) as { client_id?: unknown; redirect_uri?: unknown }) : null;
    } catch {
      // No gateway to ask (or no key for it, as in a service test): the link goes without them.
      return null;
    }
  }
}
