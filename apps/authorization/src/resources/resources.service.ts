import { Injectable } from '@nestjs/common';
import { hasIdShape } from '@wos/contracts';
import { ConflictError, newId, NotFoundError, paginate, toListEnvelope, ValidationError, type PaginationQuery } from '@wos/platform';
import type { ResourceRef } from '../authz-core/resource-ref';
import { MAX_RESOURCE_DEPTH, toResourceWire, type CreateResourceInput, type ListResourcesQuery, type ResourceWire, type StoredResource, type UpdateResourceInput } from './resources.dto';
import { KnownOrganizationsClient } from '../organizations/organizations.client';
import { ResourcesRepository } from './resources.repository';

/** An external reference always lives in one organization: (organization, type, external ID). */
export type ScopedRef = { id: string } | { organizationId: string; typeSlug: string; externalId: string };

/**
 * Authorization resources: one tree per organization. WorkOS publishes no events for resources
 * or role assignments, so neither do we (the catalogue's events are the public contract).
 */
@Injectable()
export class ResourcesService {
  constructor(
    private readonly repo: ResourcesRepository,
    private readonly organizations: KnownOrganizationsClient,
  ) {}

  async create(environmentId: string, input: CreateResourceInput): Promise<ResourceWire> {
    await this.organizations.require(environmentId, input.organization_id);
    const parentId = await this.parentId(environmentId, input);
    const now = new Date();
    const r: StoredResource = {
      id: newId('authz_resource'),
      organizationId: input.organization_id,
      resourceTypeSlug: input.resource_type_slug,
      externalId: input.external_id,
      name: input.name,
      description: input.description ?? null,
      parentId,
      createdAt: now,
      updatedAt: now,
    };
    const out = await this.repo.create(environmentId, r);
    if (out === 'duplicate') throw new ConflictError('resource_external_id_conflict', `A ${r.resourceTypeSlug} resource with the external ID ${r.externalId} already exists in this organization.`);
    if (out === 'parent_missing') throw new NotFoundError('a parent resource', parentId ?? '');
    if (out === 'too_deep') throw new ValidationError([{ field: 'parent_resource_id', code: 'resource_tree_too_deep', message: `Resource trees are at most ${MAX_RESOURCE_DEPTH} levels deep.` }]);
    return toResourceWire(out);
  }

  async get(environmentId: string, ref: ScopedRef): Promise<ResourceWire> {
    return toResourceWire(await this.require(environmentId, ref));
  }

  async update(environmentId: string, ref: ScopedRef, input: UpdateResourceInput): Promise<ResourceWire> {
    const r = await this.require(environmentId, ref);
    const updated = await this.repo.update(environmentId, r.id, input);
    if (!updated) throw new NotFoundError('a resource', r.id);
    return toResourceWire(updated);
  }

  async delete(environmentId: string, ref: ScopedRef, cascade: boolean): Promise<void> {
    const r = await this.require(environmentId, ref);
    const out = await this.repo.delete(environmentId, r.id, cascade);
    if (out === 'missing') throw new NotFoundError('a resource', r.id);
    if (out === 'has_dependents') {
      throw new ConflictError('resource_has_dependents', 'The resource has child resources or role assignments; delete with cascade_delete=true to remove them too.');
    }
  }

  async list(environmentId: string, q: ListResourcesQuery) {
    let parentId = q.parent_resource_id;
    if (!parentId && (q.parent_external_id || q.parent_resource_type_slug)) {
      if (!q.organization_id || !q.parent_external_id || !q.parent_resource_type_slug) {
        throw new ValidationError([{ field: 'parent_external_id', code: 'parent_reference_incomplete', message: 'organization_id, parent_resource_type_slug and parent_external_id go together.' }]);
      }
      parentId = (await this.require(environmentId, { organizationId: q.organization_id, typeSlug: q.parent_resource_type_slug, externalId: q.parent_external_id })).id;
    }
    const filter = { organizationId: q.organization_id, typeSlug: q.resource_type_slug, parentId };
    return toListEnvelope(await paginate(q as PaginationQuery, (req) => this.repo.page(environmentId, filter, req)), toResourceWire);
  }

  /** The resource, or 404. An `organizationId` limits the lookup to that organization. */
  async require(environmentId: string, ref: ScopedRef | ResourceRef, organizationId?: string): Promise<StoredResource> {
    let found: StoredResource | null = null;
    if ('id' in ref) {
      if (hasIdShape(ref.id, 'authz_resource')) found = await this.repo.find(environmentId, ref, organizationId);
    } else {
      const org = 'organizationId' in ref ? ref.organizationId : organizationId;
      if (org !== undefined) found = await this.repo.find(environmentId, { typeSlug: ref.typeSlug, externalId: ref.externalId }, org);
    }
    if (!found) throw new NotFoundError('a resource', 'id' in ref ? ref.id : `${ref.typeSlug}/${ref.externalId}`);
    return found;
  }

  private async parentId(environmentId: string, input: CreateResourceInput): Promise<string | null> {
    const byExternal = input.parent_resource_external_id !== undefined || input.parent_resource_type_slug !== undefined;
    if (input.parent_resource_id !== undefined && byExternal) {
      throw new ValidationError([{ field: 'parent_resource_id', code: 'parent_id_or_external_id_not_both', message: 'Name the parent by ID or by external ID, not both.' }]);
    }
    if (input.parent_resource_id !== undefined) return input.parent_resource_id;
    if (!byExternal) return null;
    if (!input.parent_resource_external_id || !input.parent_resource_type_slug) {
      throw new ValidationError([{ field: 'parent_resource_external_id', code: 'parent_reference_incomplete', message: 'parent_resource_external_id and parent_resource_type_slug go together.' }]);
    }
    const parent = await this.require(environmentId, { organizationId: input.organization_id, typeSlug: input.parent_resource_type_slug, externalId: input.parent_resource_external_id });
    return parent.id;
  }
}
