import { z } from 'zod';
import { directoryGroupSchema, directorySchema } from '@wos/contracts';
import { roleMappingsSchema } from '../directories/directories.dto';
import { scimRequestSchema } from '../scim/scim-requests.dto';

/**
 * What the Admin Portal's Directory Sync page shows, in one answer: the organization's directory
 * as `GET /directories` lists it, and its activity, each part as its public endpoint gives it
 * (`/directories/:id/scim_requests`, `/directories/:id/role_mappings`, the first 100 of
 * `/directory_groups?directory=`). Both null when the organization has no directory here.
 */
export const portalViewSchema = z.object({
  directory: directorySchema.nullable(),
  activity: z
    .object({
      requests: z.array(scimRequestSchema),
      mappings: roleMappingsSchema.shape.role_mappings,
      groups: z.array(directoryGroupSchema),
    })
    .nullable(),
});
export type PortalViewWire = z.infer<typeof portalViewSchema>;
