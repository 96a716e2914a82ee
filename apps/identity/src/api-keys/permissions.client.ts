import { Inject, Injectable } from '@nestjs/common';
import { DomainError, internalAuthKeyFor, internalFetch } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/**
 * Asks authorization which permission slugs its catalogue lacks (DESIGN.md rule 1: the catalogue
 * is authorization's data; INTERNAL_CALLS lists identity → authorization). Where authorization is
 * not deployed (AUTHORIZATION_URL unset) every slug is taken as given, as role slugs are.
 */
@Injectable()
export class PermissionsClient {
  private readonly url: string | undefined;
  private readonly key: string | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.url = config.AUTHORIZATION_URL;
    this.key = this.url ? internalAuthKeyFor(config, 'authorization') : undefined;
  }

  async unknownSlugs(environmentId: string, slugs: string[]): Promise<string[]> {
    if (!this.url || slugs.length === 0) return [];
    let res: Response;
    try {
      res = await internalFetch(
        `${this.url}/internal/authorization/unknown_permissions`,
        { key: this.key!, audience: 'authorization', environmentId },
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ slugs }), signal: AbortSignal.timeout(5_000) },
      );
    } catch {
      throw unavailable();
    }
    if (!res.ok) throw unavailable();
    const body = (await res.json()) as { unknown_slugs?: unknown };
    if (!Array.isArray(body.unknown_slugs)) throw unavailable();
    return body.unknown_slugs.filter((s): s is string => typeof s === 'string');
  }
}

function unavailable(): DomainError {
  return new DomainError(503, 'service_unavailable', 'The authorization service is unavailable; retry the request.');
}
