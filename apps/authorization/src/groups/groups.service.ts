import { Injectable } from '@nestjs/common';
import { hasIdShape, type GroupWire } from '@wos/contracts';
import { newId, NotFoundError, paginate, toListEnvelope, ValidationError, type PaginationQuery } from '@wos/platform';
import { toAuthzMembershipWire } from '../assignments/assignments.dto';
import { MembershipsService } from '../memberships/memberships.service';
import { KnownOrganizationsClient } from '../organizations/organizations.client';
import { toGroupWire, type CreateGroupInput, type StoredGroup, type UpdateGroupInput } from './groups.dto';
import { groupEvent, groupMemberEvent } from './groups.events';
import { GroupsRepository } from './groups.repository';

/**
 * Organization groups and their members. Invariant: a group's members belong to its
 * organization, and every change writes its `group.*` event in its transaction.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly repo: GroupsRepository,
    private readonly memberships: MembershipsService,
    private readonly organizations: KnownOrganizationsClient,
  ) {}

  async create(environmentId: string, organizationId: string, input: CreateGroupInput): Promise<GroupWire> {
    await this.organizations.require(environmentId, organizationId);
    const now = new Date();
    const g: StoredGroup = { id: newId('group'), organizationId, name: input.name, description: input.description ?? null, createdAt: now, updatedAt: now };
    await this.repo.create(environmentId, g, groupEvent('created', g, environmentId));
    return toGroupWire(g);
  }

  async list(environmentId: string, organizationId: string, q: PaginationQuery) {
    return toListEnvelope(await paginate(q, (req) => this.repo.page(environmentId, organizationId, req)), toGroupWire);
  }

  async get(environmentId: string, organizationId: string, id: string): Promise<GroupWire> {
    return toGroupWire(await this.require(environmentId, organizationId, id));
  }

  async update(environmentId: string, organizationId: string, id: string, input: UpdateGroupInput): Promise<GroupWire> {
    await this.require(environmentId, organizationId, id);
    const g = await this.repo.update(environmentId, id, input, (u) => groupEvent('updated', u, environmentId));
    if (!g) throw new NotFoundError('a group', id);
    return toGroupWire(g);
  }

  async delete(environmentId: string, organizationId: string, id: string): Promise<void> {
    const g = await this.require(environmentId, organizationId, id);
    if (!(await this.repo.delete(environmentId, id, groupEvent('deleted', { ...g, updatedAt: new Date() }, environmentId)))) throw new NotFoundError('a group', id);
  }

  async addMember(environmentId: string, organizationId: string, id: string, membershipId: string): Promise<GroupWire> {
    const g = await this.require(environmentId, organizationId, id);
    const m = await this.memberships.require(environmentId, membershipId);
    if (m.organizationId !== g.organizationId) {
      throw new ValidationError([{ field: 'organization_membership_id', code: 'membership_in_another_organization', message: "The membership is not in the group's organization." }]);
    }
    await this.repo.addMember(g.id, m.id, groupMemberEvent('member_added', g, m.id, environmentId));
    return toGroupWire(g);
  }

  async removeMember(environmentId: string, organizationId: string, id: string, membershipId: string): Promise<void> {
    const g = await this.require(environmentId, organizationId, id);
    if (!(await this.repo.removeMember(g.id, membershipId, groupMemberEvent('member_removed', g, membershipId, environmentId)))) {
      throw new NotFoundError('a group member', membershipId);
    }
  }

  async listMembers(environmentId: string, organizationId: string, id: string, q: PaginationQuery) {
    const g = await this.require(environmentId, organizationId, id);
    return toListEnvelope(await paginate(q, (req) => this.repo.membersPage(environmentId, g.id, req)), toAuthzMembershipWire);
  }

  /** userManagement.listGroupsForOrganizationMembership. */
  async listForMembership(environmentId: string, membershipId: string, q: PaginationQuery) {
    const m = await this.memberships.require(environmentId, membershipId);
    return toListEnvelope(await paginate(q, (req) => this.repo.groupsOfMemberPage(environmentId, m.id, req)), toGroupWire);
  }

  /** A group by ID alone, for the /authorization/groups routes. */
  async requireById(environmentId: string, id: string): Promise<StoredGroup> {
    const g = hasIdShape(id, 'group') ? await this.repo.findById(environmentId, id) : null;
    if (!g) throw new NotFoundError('a group', id);
    return g;
  }

  private async require(environmentId: string, organizationId: string, id: string): Promise<StoredGroup> {
    const g = hasIdShape(id, 'group') ? await this.repo.find(environmentId, organizationId, id) : null;
    if (!g) throw new NotFoundError('a group', id);
    return g;
  }
}
