import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import { slugSchema } from '../catalogue/catalogue.dto';

const resourceRefFields = {
  resource_id: z.string().min(1).max(64).optional(),
  resource_external_id: z.string().min(1).max(256).optional(),
  resource_type_slug: slugSchema.optional(),
};

export const roleOnResourceSchema = z.object({ role_slug: slugSchema, ...resourceRefFields });
export type RoleOnResourceInput = z.infer<typeof roleOnResourceSchema>;
export const checkSchema = z.object({ permission_slug: slugSchema, ...resourceRefFields });
export type CheckInput = z.infer<typeof checkSchema>;

export const listRoleAssignmentsQuerySchema = paginationQuerySchema.extend(resourceRefFields);
export type ListRoleAssignmentsQuery = z.infer<typeof listRoleAssignmentsQuerySchema>;
export const listResourceAssignmentsQuerySchema = paginationQuerySchema.extend({ role_slug: slugSchema.optional() });
export type ListResourceAssignmentsQuery = z.infer<typeof listResourceAssignmentsQuerySchema>;

export const listResourcesForMembershipQuerySchema = paginationQuerySchema.extend({
  permission_slug: slugSchema,
  parent_resource_id: z.string().min(1).max(64).optional(),
  parent_resource_type_slug: slugSchema.optional(),
  parent_resource_external_id: z.string().min(1).max(256).optional(),
});
export type ListResourcesForMembershipQuery = z.infer<typeof listResourcesForMembershipQuerySchema>;
export const listMembershipsForResourceQuerySchema = paginationQuerySchema.extend({
  permission_slug: slugSchema,
  assignment: z.enum(['direct', 'indirect']).optional(),
});
export type ListMembershipsForResourceQuery = z.infer<typeof listMembershipsForResourceQuerySchema>;
export const effectivePermissionsQuerySchema = paginationQuerySchema;

export interface StoredAssignment {
  id: string;
  source: 'direct' | 'group';
  groupRoleAssignmentId: string | null;
  membershipId: string;
  roleSlug: string;
  resourceId: string;
  resourceExternalId: string;
  resourceTypeSlug: string;
  createdAt: Date;
  updatedAt: Date;
}

export function toRoleAssignmentWire(a: StoredAssignment) {
  return {
    object: 'role_assignment' as const,
    id: a.id,
    organization_membership_id: a.membershipId,
    role: { slug: a.roleSlug },
    resource: { id: a.resourceId, external_id: a.resourceExternalId, resource_type_slug: a.resourceTypeSlug },
    source: { type: a.source, group_role_assignment_id: a.groupRoleAssignmentId },
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

/** The slim membership the authorization lists return (no role, no organization name). */
export function toAuthzMembershipWire(m: { id: string; userId: string; organizationId: string; status: string; createdAt: Date; updatedAt: Date }) {
  return {
    object: 'organization_membership' as const,
    id: m.id,
    user_id: m.userId,
    organization_id: m.organizationId,
    status: m.status,
    directory_managed: false,
    custom_attributes: {},
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}
