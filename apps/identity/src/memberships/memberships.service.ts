import { Injectable } from '@nestjs/common';
import { appendToOutbox, ConflictError, newId, NotFoundError, paginate, toListEnvelope, BadRequestError } from '@wos/platform';
import { hasIdShape, type ListEnvelope, type OrganizationMembershipWire } from '@wos/contracts';
import type { OrganizationMembership } from '../generated/prisma/client';
import { isUniqueViolation } from '../infra/prisma-errors';
import { UsersService } from '../users/users.service';
import { MembershipsRepository } from './memberships.repository';
import { membershipEvent } from './memberships.events';
import { OrganizationsClient } from './organizations.client';
import { DEFAULT_ROLE, toMembershipWire, type CreateMembershipInput, type ListMembershipsQuery, type UpdateMembershipInput } from './memberships.dto';

/**
 * Organization memberships (WORKOS_API.md §7.8). Invariants: a user is a member of an organization
 * at most once; the organization exists in the caller's environment (asked of the organizations
 * service); every change writes its `organization_membership.*` event in the same transaction.
 */
@Injectable()
export class MembershipsService {
  constructor(
    private readonly repo: MembershipsRepository,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsClient,
  ) {
    users.setMemberLookup((env, org) => this.repo.userIdsOf(env, org));
  }

  // ---- API for the authenticate flow and invitations ----

  activeForUser(environmentId: string, userId: string): Promise<OrganizationMembership[]> {
    return this.repo.activeForUser(environmentId, userId);
  }

  /** The active membership of the user in the organization, or null. */
  async activeFor(environmentId: string, userId: string, organizationId: string): Promise<OrganizationMembership | null> {
    const m = await this.repo.findFor(environmentId, userId, organizationId);
    return m?.status === 'active' ? m : null;
  }

  // ---- REST ----

  async list(environmentId: string, q: ListMembershipsQuery): Promise<ListEnvelope<OrganizationMembershipWire>> {
    const page = await paginate(q, (req) => this.repo.list(environmentId, { organizationId: q.organization_id, userId: q.user_id, statuses: q.statuses }, req));
    return toListEnvelope(page, toMembershipWire);
  }

  async get(environmentId: string, id: string): Promise<OrganizationMembershipWire> {
    return toMembershipWire(await this.mustFind(environmentId, id));
  }

  async create(environmentId: string, input: CreateMembershipInput, status: 'active' | 'pending' = 'active'): Promise<OrganizationMembershipWire> {
    await this.users.mustFind(environmentId, input.user_id);
    const org = await this.organizations.mustGet(environmentId, input.organization_id);
    const now = new Date();
    try {
      const m = await this.repo.create(
        {
          id: newId('om'),
          environmentId,
          userId: input.user_id,
          organizationId: org.id,
          organizationName: org.name,
          status,
          roleSlugs: input.role_slugs ?? [input.role_slug ?? DEFAULT_ROLE],
          createdAt: now,
          updatedAt: now,
        },
        (row) => [membershipEvent('organization_membership.created', toMembershipWire(row), environmentId)],
      );
      return toMembershipWire(m);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('organization_membership_already_exists', `The user ${input.user_id} is already a member of the organization ${input.organization_id}.`);
      throw err;
    }
  }

  update(environmentId: string, id: string, input: UpdateMembershipInput): Promise<OrganizationMembershipWire> {
    return this.change(environmentId, id, (m) => {
      if (input.role_slugs === undefined && input.role_slug === undefined) return {};
      return { roleSlugs: input.role_slugs ?? [input.role_slug!] };
    });
  }

  deactivate(environmentId: string, id: string): Promise<OrganizationMembershipWire> {
    return this.change(environmentId, id, (m) => {
      if (m.status === 'pending') throw new BadRequestError('cannot_deactivate_pending_organization_membership', 'A pending organization membership cannot be deactivated.');
      return { status: 'inactive' };
    });
  }

  reactivate(environmentId: string, id: string): Promise<OrganizationMembershipWire> {
    return this.change(environmentId, id, (m) => {
      if (m.status === 'pending') throw new BadRequestError('cannot_reactivate_pending_organization_membership', 'A pending organization membership cannot be reactivated.');
      return { status: 'active' };
    });
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'om')) throw new NotFoundError('an organization membership', id);
    await this.repo.transaction(async (tx) => {
      const m = await this.repo.lock(tx, environmentId, id);
      if (!m) throw new NotFoundError('an organization membership', id);
      await this.repo.delete(tx, environmentId, id);
      await appendToOutbox(tx, [membershipEvent('organization_membership.deleted', toMembershipWire(m), environmentId)]);
    });
  }

  /** Applies a change under a row lock; an empty or no-op change writes nothing and emits nothing. */
  private async change(environmentId: string, id: string, patch: (m: OrganizationMembership) => { status?: string; roleSlugs?: string[] }): Promise<OrganizationMembershipWire> {
    if (!hasIdShape(id, 'om')) throw new NotFoundError('an organization membership', id);
    return this.repo.transaction(async (tx) => {
      const m = await this.repo.lock(tx, environmentId, id);
      if (!m) throw new NotFoundError('an organization membership', id);
      const data = patch(m);
      const same = (data.status === undefined || data.status === m.status) && (data.roleSlugs === undefined || data.roleSlugs.join(',') === m.roleSlugs.join(','));
      if (same) return toMembershipWire(m);
      const updated = await this.repo.update(tx, environmentId, id, data);
      const wire = toMembershipWire(updated);
      await appendToOutbox(tx, [membershipEvent('organization_membership.updated', wire, environmentId)]);
      return wire;
    });
  }

  private async mustFind(environmentId: string, id: string): Promise<OrganizationMembership> {
    const m = hasIdShape(id, 'om') ? await this.repo.findById(environmentId, id) : null;
    if (!m) throw new NotFoundError('an organization membership', id);
    return m;
  }
}
