import { DomainError } from '../errors/errors';
import { internalFetch } from '../http/internal-fetch';

/** Authorization's answer for role slugs in an organization. */
export interface RoleClaims {
  role: string | null;
  roles: string[];
  permissions: string[];
  unknown_role_slugs: string[];
}

/**
 * Authorization's internal role-claims endpoint (DESIGN.md rule 1: the role catalogue is its
 * data), with the environment signed as the gateway signs it. For identity (token claims,
 * membership roles) and directory-sync (group → role mappings).
 */
export class AuthorizationClient {
  constructor(
    private readonly baseUrl: string,
    /** The authorization service's internal-auth key (internalAuthKeyFor(config, 'authorization')). */
    private readonly key: string,
    private readonly timeoutMs = 5_000,
  ) {}

  /** 503 when authorization cannot answer. */
  async roleClaims(environmentId: string, organizationId: string, roleSlugs: string[]): Promise<RoleClaims> {
    const body = JSON.stringify({ organization_id: organizationId, role_slugs: roleSlugs });
    let res: Response;
    try {
      res = await internalFetch(
        `${this.baseUrl}/internal/authorization/role_claims`,
        { key: this.key, audience: 'authorization', environmentId },
        { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(this.timeoutMs) },
      );
    } catch {
      throw unavailable();
    }
    if (!res.ok) throw unavailable();
    return (await res.json()) as RoleClaims;
  }
}

const unavailable = () => new DomainError(503, 'service_unavailable', 'The authorization service is unavailable; retry the request.');
