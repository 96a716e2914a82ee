import { DomainError } from '../errors/errors';
import { internalFetch } from '../http/internal-fetch';

export interface OrganizationRef {
  id: string;
  name: string;
  domains: { id: string; domain: string }[];
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
    let res: Response;
    try {
      res = await internalFetch(`${this.baseUrl}/organizations/${encodeURIComponent(organizationId)}`, { key: this.key, audience: 'organizations', environmentId }, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw unavailable();
    }
    if (res.status === 404) return null;
    if (!res.ok) throw unavailable();
    const body = (await res.json()) as { id: string; name: string; domains?: { id: string; domain: string }[] };
    return { id: body.id, name: body.name, domains: (body.domains ?? []).map((d) => ({ id: d.id, domain: d.domain })) };
  }
}

const unavailable = () => new DomainError(503, 'service_unavailable', 'The organizations service is unavailable; retry the request.');
