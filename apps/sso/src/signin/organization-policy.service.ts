import { Injectable } from '@nestjs/common';
import { OrganizationsClient, type OrganizationRef } from '@wos/platform';
import type { ConnectionWithDomains } from '../connections/connections.dto';

/** Domain states that count as the organization's own (WORKOS_API.md §6). */
const VERIFIED_DOMAIN_STATES = new Set(['verified', 'legacy_verified']);
/** How long an organization's domains and setting are reused between sign-ins. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 5_000;

export interface Refusal {
  reason: string;
  message: string;
}

/**
 * `allow_profiles_outside_organization` (C2): a connection that belongs to an organization
 * signs in only profiles whose email domain is one of the organization's verified domains,
 * unless the organization allows profiles from outside (off by default). Pending domains do not
 * count: anyone may add one, so it would let a customer's IdP admin claim another company's
 * addresses. Organizations are read from their service and kept for a short while.
 */
@Injectable()
export class OrganizationPolicyService {
  private readonly cache = new Map<string, { until: number; org: OrganizationRef }>();

  constructor(private readonly organizations: OrganizationsClient) {}

  async refusal(conn: ConnectionWithDomains, email: string): Promise<Refusal | undefined> {
    if (!conn.organizationId) return undefined;
    const org = await this.find(conn.environmentId, conn.organizationId);
    if (!org) return { reason: 'organization_not_found', message: `The connection's organization ${conn.organizationId} no longer exists.` };
    if (org.allowProfilesOutsideOrganization) return undefined;
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    if (org.domains.some((d) => d.domain.toLowerCase() === domain && VERIFIED_DOMAIN_STATES.has(d.state ?? ''))) return undefined;
    return {
      reason: 'profile_not_allowed_outside_organization',
      message: `The email domain ${domain} is not a verified domain of organization ${org.id}, which does not allow profiles from outside it.`,
    };
  }

  private async find(environmentId: string, organizationId: string): Promise<OrganizationRef | null> {
    const key = `${environmentId}:${organizationId}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.org;
    const org = await this.organizations.find(environmentId, organizationId);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    // A missing organization is not cached: it is refused every time, and may be created later.
    if (org) this.cache.set(key, { until: Date.now() + CACHE_TTL_MS, org });
    else this.cache.delete(key);
    return org;
  }
}
