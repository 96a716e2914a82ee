import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import type { DataIntegration } from '../generated/prisma/client';
import type { CustomProviderWire } from '../pipes-core/providers';

/* Request and response shapes of /data-integrations (WORKOS_API.md §19; SDK 11 pipes serializers). */

export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 lowercase letters, digits, "-" or "_"');
const scopeSchema = z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
export const scopesSchema = z.array(scopeSchema).max(100);
const urlSchema = z.string().min(1).max(2_048);
export const configValuesSchema = z
  .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), z.string().max(1_024))
  .refine((r) => Object.keys(r).length <= 20, 'at most 20 entries');
export const ownershipSchema = z.enum(['user', 'organization']);
const authMethodSchema = z.enum(['oauth', 'api_key', 'client_credentials']);
const idSchema = z.string().min(1).max(64);

export const credentialsInputSchema = z
  .object({ type: z.enum(['custom', 'organization']), client_id: z.string().min(1).max(512).optional(), client_secret: z.string().min(1).max(2_048).optional() })
  .strict()
  .refine((c) => c.type !== 'custom' || (c.client_id && c.client_secret), { message: 'client_id and client_secret are required when type is custom', path: ['client_id'] });

export const apiKeyInstallationSchema = z.object({ secret: z.string().min(1).max(8_192), user_id: idSchema, organization_id: idSchema.optional() }).strict();

const customProviderFields = {
  name: z.string().trim().min(1).max(128),
  authorization_url: urlSchema.optional(),
  token_url: urlSchema.optional(),
  refresh_token_url: urlSchema.nullable().optional(),
  pkce_enabled: z.boolean().optional(),
  request_scope_separator: z.string().min(1).max(4).optional(),
  scopes_required: z.boolean().optional(),
  client_secret_required: z.boolean().optional(),
  additional_authorization_parameters: configValuesSchema.optional(),
  token_body_content_type: z.enum(['application/x-www-form-urlencoded', 'application/json']).optional(),
  authenticate_via: z.enum(['request_body', 'basic_auth_header']).optional(),
};
export const customProviderInputSchema = z.object(customProviderFields).strict();
export const customProviderUpdateSchema = z.object({ ...customProviderFields, name: customProviderFields.name.optional() }).strict();
export type CustomProviderInput = z.infer<typeof customProviderUpdateSchema>;

export const createIntegrationSchema = z
  .object({
    provider: slugSchema,
    ownership: ownershipSchema.optional(),
    description: z.string().max(1_024).nullable().optional(),
    enabled: z.boolean().optional(),
    scopes: scopesSchema.nullable().optional(),
    auth_methods: z.array(authMethodSchema).min(1).max(3).optional(),
    config: configValuesSchema.optional(),
    credentials: credentialsInputSchema.optional(),
    api_key: apiKeyInstallationSchema.optional(),
    custom_provider: customProviderInputSchema.optional(),
  })
  .strict();
export type CreateIntegrationInput = z.infer<typeof createIntegrationSchema>;

export const updateIntegrationSchema = z
  .object({
    description: z.string().max(1_024).nullable().optional(),
    enabled: z.boolean().optional(),
    scopes: scopesSchema.nullable().optional(),
    credentials: credentialsInputSchema.optional(),
    api_key: apiKeyInstallationSchema.optional(),
    custom_provider: customProviderUpdateSchema.optional(),
  })
  .strict()
  .refine((u) => !(u.credentials && u.api_key), { message: 'credentials and api_key are mutually exclusive', path: ['api_key'] });
export type UpdateIntegrationInput = z.infer<typeof updateIntegrationSchema>;

export const listIntegrationsQuerySchema = paginationQuerySchema.extend({ ownership: ownershipSchema.optional() });
export type ListIntegrationsQuery = z.infer<typeof listIntegrationsQuerySchema>;

export const installationWireSchema = z.object({
  id: z.string(),
  connection_role: z.enum(['compatibility', 'standard']),
  account_identifier: z.string().nullable(),
  account_display_name: z.string().nullable(),
  user_id: z.string().nullable(),
  organization_id: z.string().nullable(),
  api_key_last_4: z.string().nullable(),
});

export const dataIntegrationWireSchema = z.object({
  object: z.literal('data_integration'),
  id: z.string(),
  slug: z.string(),
  integration_type: z.string(),
  ownership: ownershipSchema,
  description: z.string().nullable(),
  enabled: z.boolean(),
  state: z.enum(['valid', 'invalid', 'requested']),
  scopes: z.array(z.string()).nullable(),
  redirect_uri: z.string(),
  auth_methods: z.array(authMethodSchema),
  credentials: z.object({ type: z.enum(['custom', 'organization']), client_id: z.string().nullable(), redacted_client_secret: z.string().nullable() }).nullable(),
  installation: installationWireSchema.nullable().optional(),
  config: z.record(z.string(), z.string()),
  custom_provider: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DataIntegrationWire = z.infer<typeof dataIntegrationWireSchema>;

/** `valid` when the integration can connect accounts: OAuth needs credentials, the per-tenant methods do not. */
export function integrationState(i: DataIntegration): 'valid' | 'invalid' {
  if (!i.authMethods.includes('oauth')) return 'valid';
  return i.credentialsType === 'organization' || (i.clientId && i.clientSecretSealed) ? 'valid' : 'invalid';
}

export function toDataIntegrationWire(i: DataIntegration, redirectUri: string): DataIntegrationWire {
  return {
    object: 'data_integration',
    id: i.id,
    slug: i.slug,
    integration_type: i.provider,
    ownership: i.ownership as 'user' | 'organization',
    description: i.description,
    enabled: i.enabled,
    state: integrationState(i),
    scopes: i.scopesSet ? i.scopes : null,
    redirect_uri: i.authMethods.includes('oauth') ? redirectUri : '',
    auth_methods: i.authMethods as ('oauth' | 'api_key' | 'client_credentials')[],
    credentials: i.credentialsType
      ? { type: i.credentialsType as 'custom' | 'organization', client_id: i.clientId, redacted_client_secret: i.clientSecretLast4 }
      : null,
    config: (i.config ?? {}) as Record<string, string>,
    custom_provider: (i.customProvider as CustomProviderWire | null) ?? null,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
  } as DataIntegrationWire;
}

/** PUT /organizations/:id/data_integration_configurations/:slug (the Java SDK's pipesProvider). */
export const orgConfigInputSchema = z
  .object({
    enabled: z.boolean().nullable().optional(),
    scopes: scopesSchema.nullable().optional(),
    client_id: z.string().min(1).max(512).nullable().optional(),
    client_secret: z.string().min(1).max(2_048).nullable().optional(),
    config: configValuesSchema.nullable().optional(),
  })
  .strict()
  .refine((b) => !!b.client_id === !!b.client_secret, { message: 'client_id and client_secret go together', path: ['client_id'] });
export type OrgConfigInput = z.infer<typeof orgConfigInputSchema>;
