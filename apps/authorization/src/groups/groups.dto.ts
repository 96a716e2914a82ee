import { z } from 'zod';
import type { GroupWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import { roleOnResourceSchema } from '../assignments/assignments.dto';

export const createGroupSchema = z.object({ name: z.string().trim().min(1).max(256), description: z.string().max(2048).nullable().optional() });
export type CreateGroupInput = z.infer<typeof createGroupSchema>;
/* The SDK sends `description: null` when the caller leaves it out of an update; null keeps it. */
export const updateGroupSchema = z.object({ name: z.string().trim().min(1).max(256).optional(), description: z.string().max(2048).nullable().optional() });
export type UpdateGroupInput = z.infer<typeof updateGroupSchema>;
export const addMemberSchema = z.object({ organization_membership_id: z.string().min(1).max(64) });
export const listGroupsQuerySchema = paginationQuerySchema;
export const replaceGroupAssignmentsSchema = z.object({ role_assignments: z.array(roleOnResourceSchema).max(500) });
export type ReplaceGroupAssignmentsInput = z.infer<typeof replaceGroupAssignmentsSchema>;

export interface StoredGroup {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toGroupWire(g: StoredGroup): GroupWire {
  return {
    object: 'group',
    id: g.id,
    organization_id: g.organizationId,
    name: g.name,
    description: g.description,
    created_at: g.createdAt.toISOString(),
    updated_at: g.updatedAt.toISOString(),
  };
}

export interface StoredGroupAssignment {
  id: string;
  groupId: string;
  roleSlug: string;
  resourceId: string;
  resourceExternalId: string;
  resourceTypeSlug: string;
  createdAt: Date;
  updatedAt: Date;
}

export function toGroupAssignmentWire(a: StoredGroupAssignment) {
  return {
    object: 'group_role_assignment' as const,
    id: a.id,
    group_id: a.groupId,
    role: { slug: a.roleSlug },
    resource: { id: a.resourceId, external_id: a.resourceExternalId, resource_type_slug: a.resourceTypeSlug },
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}
