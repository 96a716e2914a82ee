import { z } from 'zod';

/* Authorization's events (WORKOS_API.md §16, §22): the catalogue's role and permission changes. */

/** `permission` wire object. */
export const permissionSchema = z.object({
  object: z.literal('permission'),
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  resource_type_slug: z.string(),
  system: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PermissionWire = z.infer<typeof permissionSchema>;

/** `role.*` payload: an environment role as WorkOS publishes it (no id, name or description). */
export const roleEventSchema = z.object({
  object: z.literal('role'),
  slug: z.string(),
  resource_type_slug: z.string(),
  permissions: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type RoleEventData = z.infer<typeof roleEventSchema>;

/** `organization_role.*` payload. */
export const organizationRoleEventSchema = z.object({
  object: z.literal('organization_role'),
  organization_id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  resource_type_slug: z.string(),
  permissions: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type OrganizationRoleEventData = z.infer<typeof organizationRoleEventSchema>;

/** `group` wire object (WORKOS_API.md §17). */
export const groupSchema = z.object({
  object: z.literal('group'),
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type GroupWire = z.infer<typeof groupSchema>;

/** `group.member_added` / `group.member_removed` payload. */
export const groupMemberEventSchema = z.object({ group_id: z.string(), organization_membership_id: z.string() });

/** The events authorization publishes on Topic.authorization. */
export const authorizationEventSchemas = {
  'role.created': roleEventSchema,
  'role.updated': roleEventSchema,
  'role.deleted': roleEventSchema,
  'organization_role.created': organizationRoleEventSchema,
  'organization_role.updated': organizationRoleEventSchema,
  'organization_role.deleted': organizationRoleEventSchema,
  'permission.created': permissionSchema,
  'permission.updated': permissionSchema,
  'permission.deleted': permissionSchema,
  'group.created': groupSchema,
  'group.updated': groupSchema,
  'group.deleted': groupSchema,
  'group.member_added': groupMemberEventSchema,
  'group.member_removed': groupMemberEventSchema,
} as const;
