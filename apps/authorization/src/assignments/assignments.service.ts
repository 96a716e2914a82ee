import { Injectable } from '@nestjs/common';
import { newId, NotFoundError, paginate, toListEnvelope, ValidationError, type PaginationQuery } from '@wos/platform';
import { toResourceRef, type ResourceRefFields, type ResourceRef } from '../authz-core/resource-ref';
import { roleFitsResource } from '../authz-core/resource-types';
import type { StoredRole } from '../catalogue/catalogue.dto';
import { RolesService } from '../catalogue/roles.service';
import { MembershipsService } from '../memberships/memberships.service';
import type { StoredResource } from '../resources/resources.dto';
import { ResourcesService, type ScopedRef } from '../resources/resources.service';
import { toRoleAssignmentWire, type ListResourceAssignmentsQuery, type ListRoleAssignmentsQuery, type RoleOnResourceInput } from './assignments.dto';
import { AssignmentsRepository } from './assignments.repository';

/** A resource reference from request fields, or a 422 naming the broken rule. */
export function requireResourceRef(f: ResourceRefFields): ResourceRef {
  const ref = toResourceRef(f);
  if ('error' in ref) throw new ValidationError([{ field: 'resource_id', code: ref.error, message: 'Name the resource by resource_id, or by resource_external_id with resource_type_slug.' }]);
  return ref;
}

/** 422 unless the role may be assigned on the resource (authz-core/resource-types). */
export function requireRoleFitsResource(role: StoredRole, resource: StoredResource): void {
  if (roleFitsResource(role.resourceTypeSlug, resource.resourceTypeSlug)) return;
  throw new ValidationError([
    {
      field: 'role_slug',
      code: 'role_resource_type_mismatch',
      message: `The role ${role.slug} is for ${role.resourceTypeSlug} resources; ${resource.id} is a ${resource.resourceTypeSlug}.`,
    },
  ]);
}

/**
 * Role assignments of a membership on a resource. Invariant: the membership, the role (in the
 * organization's view of the catalogue) and the resource all belong to one organization, and the
 * role's resource type fits the resource.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly repo: AssignmentsRepository,
    private readonly memberships: MembershipsService,
    private readonly roles: RolesService,
    private readonly resources: ResourcesService,
  ) {}

  async assign(environmentId: string, membershipId: string, input: RoleOnResourceInput) {
    const { role, resource, membership } = await this.resolve(environmentId, membershipId, input);
    // Checked on create only: an assignment made before the rule can still be removed by its role and resource.
    requireRoleFitsResource(role, resource);
    const a = await this.repo.create(environmentId, { id: newId('role_assignment'), membershipId: membership.id, roleId: role.id, resourceId: resource.id });
    return toRoleAssignmentWire(a);
  }

  async remove(environmentId: string, membershipId: string, input: RoleOnResourceInput): Promise<void> {
    const { role, resource, membership } = await this.resolve(environmentId, membershipId, input);
    if (!(await this.repo.deleteMatching(environmentId, membership.id, role.id, resource.id))) {
      throw new NotFoundError('a role assignment', `${input.role_slug} on ${resource.id}`);
    }
  }

  async removeById(environmentId: string, membershipId: string, id: string): Promise<void> {
    const membership = await this.memberships.require(environmentId, membershipId);
    if (!(await this.repo.deleteById(environmentId, membership.id, id))) throw new NotFoundError('a role assignment', id);
  }

  async listForMembership(environmentId: string, membershipId: string, q: ListRoleAssignmentsQuery) {
    const membership = await this.memberships.require(environmentId, membershipId);
    const hasRef = q.resource_id !== undefined || q.resource_external_id !== undefined || q.resource_type_slug !== undefined;
    const resource = hasRef ? await this.resources.require(environmentId, requireResourceRef(q), membership.organizationId) : undefined;
    const filter = { membershipId: membership.id, resourceId: resource?.id };
    return toListEnvelope(await paginate(q as PaginationQuery, (req) => this.repo.page(environmentId, filter, req)), toRoleAssignmentWire);
  }

  async listForResource(environmentId: string, ref: ScopedRef, q: ListResourceAssignmentsQuery) {
    const resource = await this.resources.require(environmentId, ref);
    const filter = { resourceId: resource.id, roleSlug: q.role_slug };
    return toListEnvelope(await paginate(q as PaginationQuery, (req) => this.repo.page(environmentId, filter, req)), toRoleAssignmentWire);
  }

  private async resolve(environmentId: string, membershipId: string, input: RoleOnResourceInput) {
    const membership = await this.memberships.require(environmentId, membershipId);
    const resource: StoredResource = await this.resources.require(environmentId, requireResourceRef(input), membership.organizationId);
    const role = await this.roles.find(environmentId, membership.organizationId, input.role_slug);
    if (!role) throw new NotFoundError('a role', input.role_slug);
    return { membership, resource, role };
  }
}
