import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, internalJson, serviceUnavailable } from '@wos/platform';
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
    const body = await internalJson<{ unknown_slugs?: unknown }>(`${this.url}/internal/authorization/unknown_permissions`, { key: this.key!, audience: 'authorization', environmentId }, { method: 'POST', body: { slugs } });
    if (!Array.isArray(body?.unknown_slugs)) throw serviceUnavailable('authorization');
    return body.unknown_slugs.filter((s): s is string => typeof s === 'string');
  }
}
