import { z } from 'zod';
import { directorySchema, directoryTypeSchema, type DirectoryEventWire, type DirectoryWire, type DeletedDirectoryEventWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { RoleMapping } from '../shared/directory-roles';

export interface DirectoryRow {
  id: string;
  environment_id: string;
  organization_id: string;
  name: string;
  type: string;
  domain: string | null;
  external_key: string;
  state: DirectoryWire['state'];
  token_hash: string;
  token_created_at: Date;
  /** Null for a token issued before token IDs were recorded. */
  token_id: string | null;
  token_suffix: string | null;
  role_mappings: RoleMapping[];
  user_provisioning: boolean;
  /** Only with user_provisioning: the directory's groups become authorization's organization groups. */
  group_provisioning: boolean;
  created_at: Date;
  updated_at: Date;
}

/** What a directory row keeps of its current SCIM bearer token (never the value). */
export type IssuedToken = Pick<DirectoryRow, 'token_hash' | 'token_created_at' | 'token_id' | 'token_suffix'>;

export const createDirectorySchema = z.strictObject({
  organization_id: z.string().min(1).max(128),
  name: z.string().trim().min(1).max(255),
  type: directoryTypeSchema,
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/, 'must be a valid domain name such as example.com')
    .nullable()
    .optional(),
});
export type CreateDirectoryInput = z.infer<typeof createDirectorySchema>;

export const listDirectoriesQuerySchema = paginationQuerySchema.extend({
  organization_id: z.string().min(1).max(128).optional(),
  search: z.string().max(255).optional(),
  // Older SDKs send `domain`; it filters by the directory's domain.
  domain: z.string().max(253).optional(),
});
export type ListDirectoriesQuery = z.infer<typeof listDirectoriesQuerySchema>;

/** Group → role assignments (our extension), in priority order; at most one role per group. */
export const roleMappingsSchema = z.strictObject({
  role_mappings: z
    .array(z.strictObject({ directory_group_id: z.string().min(1).max(128), role: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_:.-]+$/, 'must be a role slug') }))
    .max(100)
    .refine((l) => new Set(l.map((m) => m.directory_group_id)).size === l.length, 'each group may be mapped once'),
});
export type RoleMappingsInput = z.infer<typeof roleMappingsSchema>;

export const roleMappingsResponseSchema = z.object({ object: z.literal('directory_role_mappings'), directory_id: z.string(), role_mappings: roleMappingsSchema.shape.role_mappings });

/**
 * AuthKit user provisioning from the directory (our extension; see docs/ARCHITECTURE.md), and
 * with it, optionally, the directory's groups as organization groups (`groups`, off by default;
 * it needs `enabled`, since a group's members are the memberships provisioning made).
 */
export const provisioningSchema = z
  .strictObject({ enabled: z.boolean(), groups: z.boolean().optional() })
  .refine((p) => p.enabled || !p.groups, { path: ['groups'], message: 'groups can be synced only while enabled is true' });
export type ProvisioningInput = z.infer<typeof provisioningSchema>;
export const provisioningResponseSchema = z.object({ object: z.literal('directory_provisioning'), directory_id: z.string(), enabled: z.boolean(), groups: z.boolean() });

/** What POST /directories and the token rotation answer: the only time the token is shown. */
export const directoryCredentialsSchema = directorySchema.extend({ base_url: z.string(), bearer_token: z.string() });
export type DirectoryCredentialsWire = z.infer<typeof directoryCredentialsSchema>;

export function toDirectoryWire(d: DirectoryRow): DirectoryWire {
  return {
    object: 'directory',
    id: d.id,
    domain: d.domain,
    external_key: d.external_key,
    name: d.name,
    organization_id: d.organization_id,
    state: d.state,
    type: d.type as DirectoryWire['type'],
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}

/** Event form (WORKOS_API.md §10): state active/inactive, the organization's domains instead of `domain`. */
export function toDirectoryEventWire(d: DirectoryRow, domains: { id: string; domain: string }[]): DirectoryEventWire {
  return {
    object: 'directory',
    id: d.id,
    external_key: d.external_key,
    type: d.type as DirectoryEventWire['type'],
    state: eventState(d.state),
    name: d.name,
    organization_id: d.organization_id,
    domains: domains.map((x) => ({ object: 'organization_domain', id: x.id, domain: x.domain })),
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}

export function toDeletedDirectoryEventWire(d: DirectoryRow): DeletedDirectoryEventWire {
  return {
    object: 'directory',
    id: d.id,
    type: d.type as DirectoryEventWire['type'],
    state: 'deleting',
    name: d.name,
    organization_id: d.organization_id,
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}

function eventState(s: DirectoryWire['state']): DirectoryEventWire['state'] {
  if (s === 'linked') return 'active';
  if (s === 'unlinked') return 'inactive';
  return s;
}

export { directorySchema };
