import { Inject, Injectable } from '@nestjs/common';
import { DomainError, internalAuthKeyFor, internalFetch } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** Kept in step with the gateway's `CLIENT_IDS_PATH` (apps/api-gateway/src/internal/redirect-uris.route.ts). */
export const CLIENT_IDS_PATH = '/_internal/client_ids';
const CACHE_MS = 5 * 60_000;

/**
 * The environment's client IDs, from the gateway that owns them (DESIGN.md rule 1): agent access
 * tokens name them as audience, because the SDK verifies `aud` against its client ID. Client IDs
 * are never deleted, so a cached list only lacks a newer one for up to CACHE_MS.
 */
@Injectable()
export class ClientIdsClient {
  private readonly cache = new Map<string, { ids: string[]; until: number }>();
  private readonly baseUrl: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.baseUrl = config.API_GATEWAY_URL ?? config.PUBLIC_BASE_URL;
  }

  async of(environmentId: string): Promise<string[]> {
    const cached = this.cache.get(environmentId);
    if (cached && cached.until > Date.now()) return cached.ids;
    const res = await internalFetch(`${this.baseUrl}${CLIENT_IDS_PATH}`, { key: internalAuthKeyFor(this.config, 'api-gateway'), audience: 'api-gateway', environmentId }, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
    const ids = res?.ok ? ((await res.json()) as { client_ids?: unknown }).client_ids : undefined;
    if (!Array.isArray(ids) || !ids.length) throw new DomainError(503, 'client_ids_unavailable', 'The environment client IDs could not be read; try again.');
    this.cache.set(environmentId, { ids: ids as string[], until: Date.now() + CACHE_MS });
    return ids as string[];
  }
}
