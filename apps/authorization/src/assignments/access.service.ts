import { Injectable } from '@nestjs/common';
import { NotFoundError, paginate, toListEnvelope, ValidationError, type PaginationQuery } from '@wos/platform';
import { toPermissionWire } from '../catalogue/catalogue.dto';
import { MembershipsService } from '../memberships/memberships.service';
import { toResourceWire } from '../resources/resources.dto';
import { ResourcesService, type ScopedRef } from '../resources/resources.service';
import { toAuthzMembershipWire, type CheckInput, type ListMembershipsForResourceQuery, type ListResourcesForMembershipQuery } from './assignments.dto';
import { AccessIndex } from './access-index';
import { AccessRepository } from './access.repository';
import { requireResourceRef } from './assignments.service';

/**
 * Checks and lookups. A check is answered from the access index (in memory, dropped by the
 * NOTIFY of every change; see AccessIndex) or else from the database; lookups from the database.
 * A revoked assignment or a removed permission is effective on the next check.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly repo: AccessRepository,
    private readonly index: AccessIndex,
    private readonly memberships: MembershipsService,
    private readonly resources: ResourcesService,
  ) {}

  async check(environmentId: string, membershipId: string, input: CheckInput): Promise<{ authorized: boolean }> {
    const ref = requireResourceRef(input);
    const authorized = await this.index.check(environmentId, membershipId, input.permission_slug, ref);
    if (authorized !== undefined) return { authorized };
    const out = await this.repo.check(environmentId, membershipId, input.permission_slug, ref);
    if (!out.membershipFound) throw new NotFoundError('an organization membership', membershipId);
    if (!out.resourceFound) throw new NotFoundError('a resource', 'id' in ref ? ref.id : `${ref.typeSlug}/${ref.externalId}`);
    return { authorized: out.authorized };
  }

  async effectivePermissions(environmentId: string, membershipId: string, ref: ScopedRef | { typeSlug: string; externalId: string }, q: PaginationQuery) {
    const m = await this.memberships.require(environmentId, membershipId);
    const resource = await this.resources.require(environmentId, ref, m.organizationId);
    const page = await paginate(q, (req) => (m.status === 'active' ? this.repo.effectivePermissions(environmentId, m, resource.id, req) : Promise.resolve([])));
    return toListEnvelope(page, toPermissionWire);
  }

  async resourcesForMembership(environmentId: string, membershipId: string, q: ListResourcesForMembershipQuery) {
    const m = await this.memberships.require(environmentId, membershipId);
    let parentId: string | null = null;
    if (q.parent_resource_id !== undefined || q.parent_resource_external_id !== undefined || q.parent_resource_type_slug !== undefined) {
      if (q.parent_resource_id === undefined && (!q.parent_resource_external_id || !q.parent_resource_type_slug)) {
        throw new ValidationError([{ field: 'parent_resource_external_id', code: 'parent_reference_incomplete', message: 'parent_resource_type_slug and parent_resource_external_id go together.' }]);
      }
      const ref = q.parent_resource_id !== undefined ? { id: q.parent_resource_id } : { typeSlug: q.parent_resource_type_slug!, externalId: q.parent_resource_external_id! };
      parentId = (await this.resources.require(environmentId, ref, m.organizationId)).id;
    }
    const active = m.status === 'active';
    const organizationWide = active && (await this.repo.holdsOrganizationWide(environmentId, m, q.permission_slug));
    const page = await paginate(q as PaginationQuery, (req) =>
      active ? this.repo.resourcesFor(environmentId, m, q.permission_slug, organizationWide, parentId, req) : Promise.resolve([]),
    );
    return toListEnvelope(page, toResourceWire);
  }

  async membershipsForResource(environmentId: string, ref: ScopedRef, q: ListMembershipsForResourceQuery) {
    const resource = await this.resources.require(environmentId, ref);
    const page = await paginate(q as PaginationQuery, (req) => this.repo.membershipsFor(environmentId, resource, q.permission_slug, q.assignment, req));
    return toListEnvelope(page, toAuthzMembershipWire);
  }
}
