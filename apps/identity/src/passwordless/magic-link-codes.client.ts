import { Inject, Injectable } from '@nestjs/common';
import { DomainError, internalAuthKeyFor, internalFetch } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/**
 * Asks the SSO service for the `code` a followed Magic Link redirects with (INTERNAL_CALLS lists
 * identity → sso): the app redeems it with `sso.getProfileAndToken`, as in WorkOS.
 */
@Injectable()
export class MagicLinkCodesClient {
  private readonly key: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = internalAuthKeyFor(config, 'sso');
  }

  async issue(environmentId: string, req: { email: string; redirect_uri: string; connection_id?: string }): Promise<string> {
    let res: Response;
    try {
      res = await internalFetch(
        `${this.config.SSO_URL}/internal/sso/magic_link_codes`,
        { key: this.key, audience: 'sso', environmentId },
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req), signal: AbortSignal.timeout(5_000) },
      );
    } catch {
      throw unavailable();
    }
    if (res.status === 404) throw new DomainError(400, 'connection_not_found', 'The connection of this link no longer exists.');
    if (!res.ok) throw unavailable();
    const body = (await res.json()) as { code?: unknown };
    if (typeof body.code !== 'string') throw unavailable();
    return body.code;
  }
}

function unavailable(): DomainError {
  return new DomainError(503, 'service_unavailable', 'The SSO service is unavailable; request a new link.');
}
