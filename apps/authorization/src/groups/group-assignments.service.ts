import { Injectable } from '@nestjs/common';
import { newId, NotFoundError, paginate, toListEnvelope, type PaginationQuery } from '@wos/platform';
import { requireResourceRef, requireRoleFitsResource } from '../assignments/assignments.service';
import type { RoleOnResourceInput } from '../assignments/assignments.dto';
import { RolesService } from '../catalogue/roles.service';
import { ResourcesService } from '../resources/resources.service';
import { toGroupAssignmentWire, type StoredGroup } from './groups.dto';
import { GroupAssignmentsRepository, type NewGroupAssignment } from './group-assignments.repository';
import { GroupsService } from './groups.service';

/** A group's role assignments: every member holds them (see the authz_membership_grants view). */
@Injectable()
export class GroupAssignmentsService {
  constructor(
    private readonly repo: GroupAssignmentsRepository,
    private readonly groups: GroupsService,
    private readonly roles: RolesService,
    private readonly resources: ResourcesService,
  ) {}

  async create(environmentId: string, groupId: string, input: RoleOnResourceInput) {
    const g = await this.groups.requireById(environmentId, groupId);
    return toGroupAssignmentWire(await this.repo.create(environmentId, g.id, await this.resolve(environmentId, g, input)));
  }

  async replace(environmentId: string, groupId: string, inputs: RoleOnResourceInput[]) {
    const g = await this.groups.requireById(environmentId, groupId);
    const resolved: NewGroupAssignment[] = [];
    for (const input of inputs) resolved.push(await this.resolve(environmentId, g, input));
    const rows = await this.repo.replace(environmentId, g.id, resolved);
    return { object: 'list' as const, data: rows.map(toGroupAssignmentWire), list_metadata: { before: null, after: null } };
  }

  async get(environmentId: string, groupId: string, id: string) {
    const g = await this.groups.requireById(environmentId, groupId);
    const a = await this.repo.find(environmentId, g.id, id);
    if (!a) throw new NotFoundError('a group role assignment', id);
    return toGroupAssignmentWire(a);
  }

  async list(environmentId: string, groupId: string, q: PaginationQuery) {
    const g = await this.groups.requireById(environmentId, groupId);
    return toListEnvelope(await paginate(q, (req) => this.repo.page(environmentId, g.id, req)), toGroupAssignmentWire);
  }

  async removeById(environmentId: string, groupId: string, id: string): Promise<void> {
    const g = await this.groups.requireById(environmentId, groupId);
    if (!(await this.repo.deleteById(environmentId, g.id, id))) throw new NotFoundError('a group role assignment', id);
  }

  async remove(environmentId: string, groupId: string, input: RoleOnResourceInput): Promise<void> {
    const g = await this.groups.requireById(environmentId, groupId);
    const a = await this.resolve(environmentId, g, input, false);
    if (!(await this.repo.deleteMatching(environmentId, g.id, a.roleId, a.resourceId))) throw new NotFoundError('a group role assignment', `${input.role_slug} on ${a.resourceId}`);
  }

  /** The role (in the group's organization's view) and the resource (in its organization). */
  private async resolve(environmentId: string, g: StoredGroup, input: RoleOnResourceInput, forCreate = true): Promise<NewGroupAssignment> {
    const resource = await this.resources.require(environmentId, requireResourceRef(input), g.organizationId);
    const role = await this.roles.find(environmentId, g.organizationId, input.role_slug);
    if (!role) throw new NotFoundError('a role', input.role_slug);
    if (forCreate) requireRoleFitsResource(role, resource);
    return { id: newId('gra'), roleId: role.id, resourceId: resource.id };
  }
}
