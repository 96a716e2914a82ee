import { Inject, Injectable } from '@nestjs/common';
import { DomainError, internalAuthKeyFor, internalFetch } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** Authorization's answer for a membership's role slugs in an organization. */
export interface RoleClaims {
  role: string | null;
  roles: string[];
  permissions: string[];
  unknown_role_slugs: string[];
}

/**
 * Authorization's internal role-claims endpoint (DESIGN.md rule 1: the catalogue is its data).
 * `enabled` is false where authorization is not deployed (AUTHORIZATION_URL unset).
 */
@Injectable()
export class RoleClaimsClient {
  private readonly url: string | undefined;
  private readonly key: string | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.url = config.AUTHORIZATION_URL;
    this.key = this.url ? internalAuthKeyFor(config, 'authorization') : undefined;
  }

  get enabled(): boolean {
    return this.url !== undefined;
  }

  async fetch(environmentId: string, organizationId: string, roleSlugs: string[]): Promise<RoleClaims> {
    const body = JSON.stringify({ organization_id: organizationId, role_slugs: roleSlugs });
    let res: Response;
    try {
      res = await internalFetch(
        `${this.url}/internal/authorization/role_claims`,
        { key: this.key!, audience: 'authorization', environmentId },
        { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5_000) },
      );
    } catch {
      throw unavailable();
    }
    if (!res.ok) throw unavailable();
    return (await res.json()) as RoleClaims;
  }
}

function unavailable(): DomainError {
  return new DomainError(503, 'service_unavailable', 'The authorization service is unavailable; retry the request.');
}
