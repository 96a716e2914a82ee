import { Inject, Injectable } from '@nestjs/common';
import { organizationMembershipSchema, type OrganizationMembershipWire } from '@wos/contracts';
import { internalAuthKeyFor, internalJson, serviceUnavailable } from '@wos/platform';
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
    const page = await internalJson(`${this.config.IDENTITY_URL}/internal/identity/organization_memberships?${query}`, { key: internalAuthKeyFor(this.config, 'identity'), audience: 'identity', environmentId }, { timeoutMs: 10_000 });
    const parsed = pageSchema.safeParse(page);
    if (!parsed.success) throw serviceUnavailable('identity');
    return parsed.data;
  }
}
