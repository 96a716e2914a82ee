import { z } from 'zod';

/** `organization_domain` wire object (WORKOS_API.md §6). */
export const organizationDomainSchema = z.object({
  object: z.literal('organization_domain'),
  id: z.string(),
  organization_id: z.string(),
  domain: z.string(),
  state: z.enum(['pending', 'verified', 'failed']),
  verification_strategy: z.enum(['dns', 'manual']),
  verification_token: z.string().nullable().optional(),
  verification_prefix: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type OrganizationDomainWire = z.infer<typeof organizationDomainSchema>;

/** `organization` wire object (WORKOS_API.md §5). */
export const organizationSchema = z.object({
  object: z.literal('organization'),
  id: z.string(),
  name: z.string(),
  allow_profiles_outside_organization: z.boolean(),
  /** Our extension (not in WorkOS): AuthKit domain capture opt-in; see README "Organizations". */
  domain_capture: z.boolean().optional(),
  domains: z.array(organizationDomainSchema),
  stripe_customer_id: z.string().nullable().optional(),
  external_id: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type OrganizationWire = z.infer<typeof organizationSchema>;

export const organizationEventSchemas = {
  'organization.created': organizationSchema,
  'organization.updated': organizationSchema,
  'organization.deleted': organizationSchema,
  'organization_domain.created': organizationDomainSchema,
  'organization_domain.updated': organizationDomainSchema,
  'organization_domain.deleted': organizationDomainSchema,
  'organization_domain.verified': organizationDomainSchema,
  'organization_domain.verification_failed': z.object({
    reason: z.string(),
    organization_domain: organizationDomainSchema,
  }),
} as const;
