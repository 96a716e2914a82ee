import { z } from 'zod';

/* Directory Sync wire objects and dsync.* event payloads (WORKOS_API.md §10 and §22). */

export const directoryTypeSchema = z.enum([
  'azure scim v2.0',
  'bamboohr',
  'breathe hr',
  'cezanne hr',
  'cyberark scim v2.0',
  'fourth hr',
  'gsuite directory',
  'generic scim v2.0',
  'hibob',
  'jump cloud scim v2.0',
  'okta scim v2.0',
  'onelogin scim v2.0',
  'people hr',
  'personio',
  'pingfederate scim v2.0',
  'rippling scim v2.0',
  'sftp',
  'sftp workday',
  'workday',
]);
export type DirectoryType = z.infer<typeof directoryTypeSchema>;

/** REST form: the SDK maps linked→active and unlinked→inactive itself. */
export const directorySchema = z.object({
  object: z.literal('directory'),
  id: z.string(),
  domain: z.string().nullable(),
  external_key: z.string(),
  name: z.string(),
  organization_id: z.string(),
  state: z.enum(['linked', 'unlinked', 'validating', 'invalid_credentials', 'deleting']),
  type: directoryTypeSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type DirectoryWire = z.infer<typeof directorySchema>;

/** Event form of a directory (dsync.activated): state already active/inactive, `domains[]` instead of `domain`. */
export const directoryEventSchema = z.object({
  object: z.literal('directory'),
  id: z.string(),
  external_key: z.string(),
  type: directoryTypeSchema,
  state: z.enum(['active', 'inactive', 'validating', 'invalid_credentials', 'deleting']),
  name: z.string(),
  organization_id: z.string(),
  domains: z.array(z.object({ object: z.literal('organization_domain'), id: z.string(), domain: z.string() })),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DirectoryEventWire = z.infer<typeof directoryEventSchema>;

/** dsync.deleted: the event form without `domains` and `external_key`. */
export const deletedDirectoryEventSchema = directoryEventSchema.omit({ domains: true, external_key: true });
export type DeletedDirectoryEventWire = z.infer<typeof deletedDirectoryEventSchema>;

export const directoryGroupSchema = z.object({
  object: z.literal('directory_group'),
  id: z.string(),
  idp_id: z.string(),
  directory_id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  raw_attributes: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DirectoryGroupWire = z.infer<typeof directoryGroupSchema>;

export const directoryUserSchema = z.object({
  object: z.literal('directory_user'),
  id: z.string(),
  directory_id: z.string(),
  organization_id: z.string(),
  idp_id: z.string(),
  email: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  state: z.enum(['active', 'inactive', 'suspended']),
  custom_attributes: z.record(z.string(), z.unknown()),
  raw_attributes: z.record(z.string(), z.unknown()),
  role: z.object({ slug: z.string() }).optional(),
  roles: z.array(z.object({ slug: z.string() })).optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DirectoryUserWire = z.infer<typeof directoryUserSchema>;

/** REST form of a directory user: with the groups it belongs to. */
export const directoryUserWithGroupsSchema = directoryUserSchema.extend({ groups: z.array(directoryGroupSchema) });
export type DirectoryUserWithGroupsWire = z.infer<typeof directoryUserWithGroupsSchema>;

const previousAttributes = z.record(z.string(), z.unknown());

/**
 * dsync.token.created / dsync.token.revoked (our management API; the token value never leaves the
 * create or rotate response): which directory's SCIM bearer token changed, and when.
 */
export const directoryTokenEventSchema = z.object({
  object: z.literal('directory_token'),
  /** The token's own ID and its last 4 characters (the SDKs require both). Absent only for a token issued before they were recorded. */
  id: z.string().optional(),
  token_suffix: z.string().optional(),
  directory_id: z.string(),
  organization_id: z.string(),
  created_at: z.string(),
});
export type DirectoryTokenEventWire = z.infer<typeof directoryTokenEventSchema>;

export const directoryMembershipEventSchema = z.object({
  directory_id: z.string(),
  user: directoryUserSchema,
  group: directoryGroupSchema,
});

export const directorySyncEventSchemas = {
  'dsync.activated': directoryEventSchema,
  'dsync.deleted': deletedDirectoryEventSchema,
  'dsync.token.created': directoryTokenEventSchema,
  'dsync.token.revoked': directoryTokenEventSchema,
  'dsync.user.created': directoryUserSchema,
  'dsync.user.updated': directoryUserSchema.extend({ previous_attributes: previousAttributes }),
  'dsync.user.deleted': directoryUserSchema,
  'dsync.group.created': directoryGroupSchema,
  'dsync.group.updated': directoryGroupSchema.extend({ previous_attributes: previousAttributes }),
  'dsync.group.deleted': directoryGroupSchema,
  'dsync.group.user_added': directoryMembershipEventSchema,
  'dsync.group.user_removed': directoryMembershipEventSchema,
} as const;
