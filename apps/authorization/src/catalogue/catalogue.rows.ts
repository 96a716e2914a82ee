import type { StoredPermission, StoredRole } from './catalogue.dto';

/* Row shapes of the catalogue's hand-written SQL and their mapping to stored objects. */

export interface PermissionRow {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  resource_type_slug: string;
  system: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface RoleRow {
  id: string;
  organization_id: string | null;
  slug: string;
  name: string;
  description: string | null;
  resource_type_slug: string;
  is_default: boolean;
  priority: number;
  permissions: string[];
  created_at: Date;
  updated_at: Date;
}

/** A role with its permission slugs (sorted), one row per role. */
export const SELECT_ROLE = `SELECT r.id, r.organization_id, r.slug, r.name, r.description, r.resource_type_slug, r.is_default, r.priority, r.created_at, r.updated_at,
  COALESCE(array_agg(p.slug ORDER BY p.slug) FILTER (WHERE p.slug IS NOT NULL), '{}') AS permissions
  FROM authz_roles r
  LEFT JOIN authz_role_permissions rp ON rp.role_id = r.id
  LEFT JOIN authz_permissions p ON p.id = rp.permission_id`;

export function toStoredPermission(r: PermissionRow): StoredPermission {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    resourceTypeSlug: r.resource_type_slug,
    system: r.system,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toStoredRole(r: RoleRow): StoredRole {
  return {
    id: r.id,
    organizationId: r.organization_id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    resourceTypeSlug: r.resource_type_slug,
    isDefault: r.is_default,
    priority: r.priority,
    permissions: r.permissions,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
