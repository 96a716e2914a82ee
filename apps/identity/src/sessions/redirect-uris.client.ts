import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, internalFetch, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';

/** The gateway's internal route that answers whether a URI is registered for the signed environment. */
export const REDIRECT_URI_CHECK_PATH = '/_internal/redirect_uris/allowed';

/**
 * Asks the gateway, which owns the environments' redirect URIs (DESIGN.md rule 1), whether a URI
 * is registered for an environment; signed with the environment as any service-to-service call.
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
    try {
      const res = await internalFetch(
        `${this.baseUrl}${REDIRECT_URI_CHECK_PATH}?${new URLSearchParams({ uri })}`,
        { key: internalAuthKeyFor(this.config, 'api-gateway'), audience: 'api-gateway', environmentId },
        { signal: AbortSignal.timeout(3_000) },
      );
      if (!res.ok) throw new Error(`status ${res.status}`);
      return ((await res.json()) as { allowed?: unknown }).allowed === true;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, environment_id: environmentId }, 'redirect URI check at the gateway failed; return_to ignored');
      return false;
    }
  }
}
