import { z } from 'zod';
import { slugSchema } from '../catalogue/catalogue.dto';

export const roleClaimsRequestSchema = z.object({
  organization_id: z.string().min(1).max(64),
  role_slugs: z.array(slugSchema).max(50),
});
export type RoleClaimsRequest = z.infer<typeof roleClaimsRequestSchema>;

export const permissionSlugsRequestSchema = z.object({ slugs: z.array(slugSchema).max(100) });
export type PermissionSlugsRequest = z.infer<typeof permissionSlugsRequestSchema>;
