import { z } from 'zod';
import type { PermissionWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import { ORGANIZATION_RESOURCE_TYPE } from '../authz-core/resource-types';
import { isValidSlug, MAX_SLUG_LENGTH } from '../authz-core/slugs';

export const slugSchema = z.string().max(MAX_SLUG_LENGTH).refine(isValidSlug, { message: 'slug_invalid' });
const name = z.string().trim().min(1).max(256);
const description = z.string().max(2048).nullable().optional();
/** Resource types are implicit: a slug names one (the SDK exposes no resource-type CRUD). */
export const DEFAULT_RESOURCE_TYPE = ORGANIZATION_RESOURCE_TYPE;

export const createPermissionSchema = z.object({ slug: slugSchema, name, description, resource_type_slug: slugSchema.optional() });
export type CreatePermissionInput = z.infer<typeof createPermissionSchema>;
export const updateNamedSchema = z.object({ name: name.optional(), description });
export type UpdateNamedInput = z.infer<typeof updateNamedSchema>;
export const listPermissionsQuerySchema = paginationQuerySchema;

export const createEnvironmentRoleSchema = z.object({ slug: slugSchema, name, description, resource_type_slug: slugSchema.optional() });
export const createOrganizationRoleSchema = z.object({ slug: slugSchema.optional(), name, description, resource_type_slug: slugSchema.optional() });
export type CreateRoleInput = z.infer<typeof createOrganizationRoleSchema>;
export const setPermissionsSchema = z.object({ permissions: z.array(slugSchema).max(1000) });
export const addPermissionSchema = z.object({ slug: slugSchema });
/** Our management route (the SDK has none): every role of the scope, highest priority first. */
export const reorderRolesSchema = z.object({ role_slugs: z.array(slugSchema).min(1).max(1000) });
export type ReorderRolesInput = z.infer<typeof reorderRolesSchema>;
/** Our management route: the environment's default role. */
export const defaultRoleSchema = z.object({ role_slug: slugSchema });

export interface StoredPermission {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  resourceTypeSlug: string;
  system: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredRole {
  id: string;
  organizationId: string | null;
  slug: string;
  name: string;
  description: string | null;
  resourceTypeSlug: string;
  isDefault: boolean;
  /** Order within its scope (authz-core/role-order). */
  priority: number;
  permissions: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface RoleWire {
  object: 'role';
  id: string;
  name: string;
  slug: string;
  description: string | null;
  permissions: string[];
  resource_type_slug: string;
  type: 'EnvironmentRole' | 'OrganizationRole';
  created_at: string;
  updated_at: string;
}

export function toPermissionWire(p: StoredPermission): PermissionWire {
  return {
    object: 'permission',
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    resource_type_slug: p.resourceTypeSlug,
    system: p.system,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

export function toRoleWire(r: StoredRole): RoleWire {
  return {
    object: 'role',
    id: r.id,
    name: r.name,
    slug: r.slug,
    description: r.description,
    permissions: r.permissions,
    resource_type_slug: r.resourceTypeSlug,
    type: r.organizationId ? 'OrganizationRole' : 'EnvironmentRole',
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
