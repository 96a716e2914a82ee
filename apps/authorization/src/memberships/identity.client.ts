import { Inject, Injectable } from '@nestjs/common';
import { organizationMembershipSchema, type OrganizationMembershipWire } from '@wos/contracts';
import { DomainError, internalAuthKeyFor, internalFetch } from '@wos/platform';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config';

const pageSchema = z.object({ data: z.array(organizationMembershipSchema), after: z.string().nullable() });

/**
 * Identity's memberships, page by page in ID order (DESIGN.md rule 1: read through its internal
 * API, never its database), with the environment signed as the gateway signs it.
 */
@Injectable()
export class IdentityMembershipsClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** 503 when identity cannot answer. */
  async page(environmentId: string, after: string | null, limit: number): Promise<{ data: OrganizationMembershipWire[]; after: string | null }> {
    const query = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}) });
    let res: Response;
    try {
      res = await internalFetch(`${this.config.IDENTITY_URL}/internal/identity/organization_memberships?${query}`, { key: internalAuthKeyFor(this.config, 'identity'), audience: 'identity', environmentId }, {
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw unavailable();
    }
    if (!res.ok) throw unavailable();
    const parsed = pageSchema.safeParse(await res.json());
    if (!parsed.success) throw unavailable();
    return parsed.data;
  }
}

const unavailable = () => new DomainError(503, 'service_unavailable', 'The identity service is unavailable; retry the request.');
