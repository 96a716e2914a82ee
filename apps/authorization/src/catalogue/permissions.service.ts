import { Injectable } from '@nestjs/common';
import type { PermissionWire } from '@wos/contracts';
import { ConflictError, newId, NotFoundError, paginate, toListEnvelope, type PaginationQuery } from '@wos/platform';
import { DEFAULT_RESOURCE_TYPE, toPermissionWire, type CreatePermissionInput, type UpdateNamedInput } from './catalogue.dto';
import { permissionEvent, roleEvent } from './catalogue.events';
import { PermissionsRepository } from './permissions.repository';

/** Permissions by slug. Invariant: every change writes its `permission.*` event in its transaction. */
@Injectable()
export class PermissionsService {
  constructor(private readonly repo: PermissionsRepository) {}

  async create(environmentId: string, input: CreatePermissionInput): Promise<PermissionWire> {
    const now = new Date();
    const p = {
      id: newId('perm'),
      slug: input.slug,
      name: input.name,
      description: input.description ?? null,
      resourceTypeSlug: input.resource_type_slug ?? DEFAULT_RESOURCE_TYPE,
      system: false,
      createdAt: now,
      updatedAt: now,
    };
    if ((await this.repo.create(environmentId, p, permissionEvent('created', p, environmentId))) === 'duplicate') {
      throw new ConflictError('permission_slug_conflict', `A permission with the slug ${input.slug} already exists.`);
    }
    return toPermissionWire(p);
  }

  async list(environmentId: string, query: PaginationQuery) {
    return toListEnvelope(await paginate(query, (req) => this.repo.page(environmentId, req)), toPermissionWire);
  }

  /** The slugs the environment's catalogue does not hold (identity's API-key permissions check). */
  async unknownSlugs(environmentId: string, slugs: string[]): Promise<string[]> {
    const known = new Set(await this.repo.existingSlugs(environmentId, slugs));
    return [...new Set(slugs)].filter((s) => !known.has(s));
  }

  async get(environmentId: string, slug: string): Promise<PermissionWire> {
    const p = await this.repo.find(environmentId, slug);
    if (!p) throw new NotFoundError('a permission', slug);
    return toPermissionWire(p);
  }

  async update(environmentId: string, slug: string, input: UpdateNamedInput): Promise<PermissionWire> {
    const p = await this.repo.update(environmentId, slug, input, (u) => permissionEvent('updated', u, environmentId));
    if (!p) throw new NotFoundError('a permission', slug);
    return toPermissionWire(p);
  }

  /** The roles that held the permission lose it, each with its role event. */
  async delete(environmentId: string, slug: string): Promise<void> {
    const p = await this.repo.delete(environmentId, slug, (deleted, roles) => [
      permissionEvent('deleted', deleted, environmentId),
      ...roles.map((r) => roleEvent('updated', r, environmentId)),
    ]);
    if (!p) throw new NotFoundError('a permission', slug);
  }
}
