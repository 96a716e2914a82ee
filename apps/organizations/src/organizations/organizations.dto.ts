import { z } from 'zod';
import { organizationDomainSchema, organizationSchema, type OrganizationDomainWire, type OrganizationWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { Organization, OrganizationDomain } from '../generated/prisma/client';

/** A lowercase DNS hostname with at least one dot (no scheme, port, path or wildcard). */
export const domainNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/, 'must be a valid domain name such as example.com');

const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(600).nullable())
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata keys');

type DomainData = { domain: string; state: 'verified' | 'pending' };

const domainDataSchema = z
  .array(z.strictObject({ domain: domainNameSchema, state: z.enum(['verified', 'pending']) }))
  .max(100)
  .refine((list) => new Set(list.map((d) => d.domain)).size === list.length, 'domains must be unique');

/** The older spelling of domain_data (v7 SDKs and earlier): bare names, each a pending domain. */
const legacyDomainsSchema = z
  .array(domainNameSchema)
  .max(100)
  .refine((list) => new Set(list).size === list.length, 'domains must be unique');

const organizationFields = z.strictObject({
  name: z.string().trim().min(1).max(255),
  domain_data: domainDataSchema.optional(),
  domains: legacyDomainsSchema.optional(),
  external_id: z.string().min(1).max(128).nullable().optional(),
  metadata: metadataSchema.optional(),
  stripe_customer_id: z.string().min(1).max(255).nullable().optional(),
  allow_profiles_outside_organization: z.boolean().optional(),
  /** Our extension (default false): AuthKit OAuth sign-ins with a verified email at a verified domain join. */
  domain_capture: z.boolean().optional(),
});

/** Both spellings at once are refused rather than merged: which one the caller meant is unknowable. */
function oneDomainSpelling(body: { domains?: string[]; domain_data?: DomainData[] }, ctx: z.RefinementCtx): void {
  if (body.domains !== undefined && body.domain_data !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['domains'], message: 'domains is the older spelling of domain_data; send one of them, not both.' });
  }
}

/** Past validation only domain_data exists: `domains: ["a.com"]` is `domain_data: [{domain: "a.com", state: "pending"}]`. */
function asDomainData<T extends { domains?: string[]; domain_data?: DomainData[] }>({ domains, ...rest }: T): Omit<T, 'domains'> {
  return domains === undefined ? rest : { ...rest, domain_data: domains.map((domain) => ({ domain, state: 'pending' as const })) };
}

export const createOrganizationSchema = organizationFields.superRefine(oneDomainSpelling).transform(asDomainData);
export type CreateOrganizationInput = z.infer<typeof createOrganizationSchema>;

/** PUT is a partial update: omitted fields keep their value; `null` clears a nullable one. */
export const updateOrganizationSchema = organizationFields.partial().superRefine(oneDomainSpelling).transform(asDomainData);
export type UpdateOrganizationInput = z.infer<typeof updateOrganizationSchema>;

/** `domains` arrives comma-joined from the SDK, or as repeated keys from other clients. */
export const ORGANIZATION_SEARCH_MAX = 100;
export const listOrganizationsQuerySchema = paginationQuerySchema.extend({
  domains: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? undefined : [v].flat().flatMap((s) => s.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean))),
  /** Our extension (docs/compatibility.md): organizations whose name starts with this text, case-insensitive. */
  search: z.string().trim().toLowerCase().min(1).max(ORGANIZATION_SEARCH_MAX).optional(),
});
export type ListOrganizationsQuery = z.infer<typeof listOrganizationsQuerySchema>;

export type OrganizationWithDomains = Organization & { domains: OrganizationDomain[] };

export function toDomainWire(d: OrganizationDomain): OrganizationDomainWire {
  return {
    object: 'organization_domain',
    id: d.id,
    organization_id: d.organizationId,
    domain: d.domain,
    state: d.state as OrganizationDomainWire['state'],
    verification_strategy: d.verificationStrategy as OrganizationDomainWire['verification_strategy'],
    verification_token: d.verificationToken,
    verification_prefix: d.verificationPrefix,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

export function toOrganizationWire(o: OrganizationWithDomains): OrganizationWire {
  return {
    object: 'organization',
    id: o.id,
    name: o.name,
    allow_profiles_outside_organization: o.allowProfilesOutsideOrganization,
    domain_capture: o.domainCapture,
    domains: o.domains.map(toDomainWire),
    stripe_customer_id: o.stripeCustomerId,
    external_id: o.externalId,
    metadata: (o.metadata ?? {}) as Record<string, string>,
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
  };
}

export { organizationSchema, organizationDomainSchema };
