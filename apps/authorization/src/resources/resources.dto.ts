import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import { slugSchema } from '../catalogue/catalogue.dto';

/** Trees deeper than this are refused: every check walks at most this many ancestors. */
export const MAX_RESOURCE_DEPTH = 16;

const externalId = z.string().min(1).max(256);
const orgId = z.string().min(1).max(64);
const resourceId = z.string().min(1).max(64);

export const createResourceSchema = z.object({
  organization_id: orgId,
  resource_type_slug: slugSchema,
  external_id: externalId,
  name: z.string().trim().min(1).max(256),
  description: z.string().max(2048).nullable().optional(),
  parent_resource_id: resourceId.optional(),
  parent_resource_external_id: externalId.optional(),
  parent_resource_type_slug: slugSchema.optional(),
});
export type CreateResourceInput = z.infer<typeof createResourceSchema>;

export const updateResourceSchema = z.object({ name: z.string().trim().min(1).max(256).optional(), description: z.string().max(2048).nullable().optional() });
export type UpdateResourceInput = z.infer<typeof updateResourceSchema>;

export const deleteResourceQuerySchema = z.object({ cascade_delete: z.enum(['true', 'false']).optional() });

export const listResourcesQuerySchema = paginationQuerySchema.extend({
  organization_id: orgId.optional(),
  resource_type_slug: slugSchema.optional(),
  parent_resource_id: resourceId.optional(),
  parent_resource_type_slug: slugSchema.optional(),
  parent_external_id: externalId.optional(),
});
export type ListResourcesQuery = z.infer<typeof listResourcesQuerySchema>;

export interface StoredResource {
  id: string;
  organizationId: string;
  resourceTypeSlug: string;
  externalId: string;
  name: string;
  description: string | null;
  parentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ResourceWire {
  object: 'authorization_resource';
  id: string;
  external_id: string;
  name: string;
  description: string | null;
  resource_type_slug: string;
  organization_id: string;
  parent_resource_id: string | null;
  created_at: string;
  updated_at: string;
}

export function toResourceWire(r: StoredResource): ResourceWire {
  return {
    object: 'authorization_resource',
    id: r.id,
    external_id: r.externalId,
    name: r.name,
    description: r.description,
    resource_type_slug: r.resourceTypeSlug,
    organization_id: r.organizationId,
    parent_resource_id: r.parentId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
