import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { OrganizationMembershipWire } from '@wos/contracts';
import { hasIdShape } from '@wos/contracts';
import { NotFoundError } from '@wos/platform';
import { MembershipsRepository, type ProjectedMembership } from './memberships.repository';

const CONSUMER = 'authorization.organization-memberships';

const toProjection = (m: OrganizationMembershipWire): ProjectedMembership => ({
  id: m.id,
  organizationId: m.organization_id,
  userId: m.user_id,
  roleSlugs: m.roles?.length ? m.roles.map((r) => r.slug) : [m.role.slug],
  status: m.status,
  createdAt: new Date(m.created_at),
  updatedAt: new Date(m.updated_at),
});

/**
 * Identity owns organization memberships; authorization keeps a projection of them (id, org,
 * user, role slugs, status) from identity's events and answers checks from it.
 */
@Injectable()
export class MembershipsService {
  constructor(private readonly repo: MembershipsRepository) {}

  async project(environmentId: string, m: OrganizationMembershipWire, eventId: string): Promise<void> {
    await this.repo.upsert(environmentId, toProjection(m), { consumer: CONSUMER, eventId });
  }

  /** A page of identity's memberships (the backfill), with the caller's cursor write in its transaction. */
  backfill(environmentId: string, page: OrganizationMembershipWire[], cursor: (client: PoolClient, written: number) => Promise<void>): Promise<number> {
    return this.repo.backfill(environmentId, page.map(toProjection), cursor);
  }

  async forget(environmentId: string, id: string, eventId: string): Promise<void> {
    await this.repo.delete(environmentId, id, { consumer: CONSUMER, eventId });
  }

  /** The membership as authorization knows it; 404 until identity's event has been projected. */
  async require(environmentId: string, id: string): Promise<ProjectedMembership> {
    const m = hasIdShape(id, 'om') ? await this.repo.find(environmentId, id) : null;
    if (!m) throw new NotFoundError('an organization membership', id);
    return m;
  }
}
