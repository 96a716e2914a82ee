import { internalJson } from '../http/internal-fetch';

export interface OrganizationRef {
  id: string;
  name: string;
  domains: { id: string; domain: string; state: string }[];
  /** The organization's domain-capture opt-in (our extension field; false when absent). */
  domainCapture: boolean;
  /** Whether the organization's SSO connections accept profiles from other domains (default false). */
  allowProfilesOutsideOrganization: boolean;
}

interface OrganizationBody {
  id: string;
  name: string;
  domains?: { id: string; domain: string; state?: string }[];
  domain_capture?: boolean;
  allow_profiles_outside_organization?: boolean;
}

const ORGANIZATION_ID = /^org_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Reads organizations from their owner (DESIGN.md rule 1: no shared database) through the
 * organizations service's HTTP API, with the environment signed exactly as the gateway signs it,
 * so another environment's organization is "not found" here too.
 */
export class OrganizationsClient {
  constructor(
    private readonly baseUrl: string,
    /** The organizations service's internal-auth key (internalAuthKeyFor(config, 'organizations')). */
    private readonly key: string,
    private readonly timeoutMs = 5_000,
  ) {}

  /** The organization, or null when it does not exist in this environment. 503 when unreachable. */
  async find(environmentId: string, organizationId: string): Promise<OrganizationRef | null> {
    if (!ORGANIZATION_ID.test(organizationId)) return null;
    const body = await this.get<OrganizationBody>(environmentId, `/organizations/${encodeURIComponent(organizationId)}`);
    return body ? toRef(body) : null;
  }

  /** The organization as the API answers it (the `organization` wire object), or null. 503 when unreachable. */
  async wire(environmentId: string, organizationId: string): Promise<Record<string, unknown> | null> {
    if (!ORGANIZATION_ID.test(organizationId)) return null;
    return this.get<Record<string, unknown>>(environmentId, `/organizations/${encodeURIComponent(organizationId)}`);
  }

  /**
   * The organization that holds `domain` (in any state), or null. A domain belongs to at most one
   * organization per environment (the organizations service's unique index).
   */
  async findByDomain(environmentId: string, domain: string): Promise<OrganizationRef | null> {
    const list = await this.get<{ data: OrganizationBody[] }>(environmentId, `/organizations?${new URLSearchParams({ domains: domain.toLowerCase(), limit: '1' })}`);
    return list?.data[0] ? toRef(list.data[0]) : null;
  }

  private get<T>(environmentId: string, path: string): Promise<T | null> {
    return internalJson<T>(`${this.baseUrl}${path}`, { key: this.key, audience: 'organizations', environmentId }, { timeoutMs: this.timeoutMs });
  }

}

function toRef(body: OrganizationBody): OrganizationRef {
  return {
    id: body.id,
    name: body.name,
    domains: (body.domains ?? []).map((d) => ({ id: d.id, domain: d.domain, state: d.state ?? 'pending' })),
    domainCapture: body.domain_capture === true,
    allowProfilesOutsideOrganization: body.allow_profiles_outside_organization === true,
  };
}

