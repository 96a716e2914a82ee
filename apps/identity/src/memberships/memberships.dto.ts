import { z } from 'zod';
import { organizationMembershipSchema, userSchema, type OrganizationMembershipWire, type UserWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { OrganizationMembership } from '../generated/prisma/client';
import { toUserWire } from '../users/users.dto';
import type { MembershipWithUser } from './memberships.repository';

/** The role every membership gets when none is named (WORKOS_API.md §16). */
export const DEFAULT_ROLE = 'member';

/**
 * How a membership was granted (stored, not on the wire). `sso` memberships came from the
 * organization's own connection and are entered only through it (sessions/organization-entry.ts).
 * `directory` memberships belong to the organization's directory: its SCIM changes set their
 * status and roles, and nothing else of theirs (directory-provisioning/).
 */
export type MembershipSource = 'api' | 'invitation' | 'sso' | 'domain_capture' | 'directory';

const slug = z.string().min(1).max(128).regex(/^[a-z0-9][a-z0-9_:.-]*$/, 'must be a role slug');
const roleFields = {
  role_slug: slug.optional(),
  role_slugs: z.array(slug).min(1).max(20).optional(),
};
const oneRoleForm = (v: { role_slug?: string; role_slugs?: string[] }, ctx: z.RefinementCtx) => {
  if (v.role_slug !== undefined && v.role_slugs !== undefined) ctx.addIssue({ code: 'custom', path: ['role_slugs'], message: 'role_slug and role_slugs are mutually exclusive' });
};

export const createMembershipSchema = z
  .strictObject({ organization_id: z.string().min(1).max(128), user_id: z.string().min(1).max(128), ...roleFields })
  .superRefine(oneRoleForm);
export type CreateMembershipInput = z.infer<typeof createMembershipSchema>;

export const updateMembershipSchema = z.strictObject(roleFields).superRefine(oneRoleForm);
export type UpdateMembershipInput = z.infer<typeof updateMembershipSchema>;

const statuses = z.enum(['active', 'inactive', 'pending']);
export const listMembershipsQuerySchema = paginationQuerySchema
  .extend({
    organization_id: z.string().min(1).max(128).optional(),
    user_id: z.string().min(1).max(128).optional(),
    statuses: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? undefined : [v].flat().flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)))
      .pipe(z.array(statuses).optional()),
  })
  .refine((q) => q.organization_id !== undefined || q.user_id !== undefined, { message: 'organization_id or user_id is required', path: ['organization_id'] });
export type ListMembershipsQuery = z.infer<typeof listMembershipsQuerySchema>;

export function rolesOf(slugs: string[]): string[] {
  return slugs.length ? slugs : [DEFAULT_ROLE];
}

/** The REST form carries the member's `user` (WorkOS's current API; the Java SDK requires it). Events do not. */
export const organizationMembershipResponseSchema = organizationMembershipSchema.extend({ user: userSchema });
export type OrganizationMembershipResponse = OrganizationMembershipWire & { user: UserWire };

export function toMembershipResponse(m: MembershipWithUser): OrganizationMembershipResponse {
  return { ...toMembershipWire(m), user: toUserWire(m.user) };
}

/** The event form (`organization_membership.*` data): no nested user, as WorkOS sends it. */
export function toMembershipWire(m: OrganizationMembership): OrganizationMembershipWire {
  const roles = rolesOf(m.roleSlugs);
  return {
    object: 'organization_membership',
    id: m.id,
    user_id: m.userId,
    organization_id: m.organizationId,
    organization_name: m.organizationName,
    status: m.status as OrganizationMembershipWire['status'],
    role: { slug: roles[0]! },
    roles: roles.map((s) => ({ slug: s })),
    directory_managed: false,
    custom_attributes: {},
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

export { organizationMembershipSchema };
