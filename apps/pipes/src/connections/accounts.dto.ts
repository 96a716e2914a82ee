import { z } from 'zod';
import type { PipesConnectedAccountEventWire } from '@wos/contracts';
import type { ConnectedAccount, DataIntegration } from '../generated/prisma/client';
import { configValuesSchema, scopesSchema } from '../integrations/integrations.dto';
import type { ProviderDefinition } from '../pipes-core/providers';

/* Request and response shapes of connected accounts, tokens and data providers (WORKOS_API.md §19). */

const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an ID');
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const ownerSchema = z.enum(['user', 'organization']);
const returnToSchema = z.string().max(2_048).url();

/** Who a connection-level request addresses (body of token, credentials, api-key, authorize…). */
const selectorFields = {
  user_id: idSchema,
  organization_id: idSchema.nullable().optional(),
  connected_account_id: idSchema.optional(),
  connection_owner: ownerSchema.optional(),
  supports_multiple_connections: z.boolean().optional(),
};
const requireOrgForOrgOwner = <T extends { connection_owner?: string; organization_id?: string | null }>(s: z.ZodType<T>) =>
  s.refine((b) => b.connection_owner !== 'organization' || !!b.organization_id, { message: 'organization_id is required when connection_owner is organization', path: ['organization_id'] });

export const tokenRequestSchema = requireOrgForOrgOwner(z.object(selectorFields).strict());
export type TokenRequest = z.infer<typeof tokenRequestSchema>;

export const authorizeRequestSchema = requireOrgForOrgOwner(
  z.object({ user_id: idSchema, organization_id: idSchema.optional(), connection_owner: ownerSchema.optional(), return_to: returnToSchema.optional(), config: configValuesSchema.optional() }).strict(),
);
export type AuthorizeRequest = z.infer<typeof authorizeRequestSchema>;

export const apiKeyRequestSchema = requireOrgForOrgOwner(
  z.object({ ...selectorFields, connection_intent: z.enum(['add', 'reauthorize']).optional(), secret: z.string().min(1).max(8_192) }).strict(),
);
export type ApiKeyRequest = z.infer<typeof apiKeyRequestSchema>;

export const clientCredentialsRequestSchema = requireOrgForOrgOwner(
  z
    .object({ ...selectorFields, connection_intent: z.enum(['add', 'reauthorize']).optional(), client_id: z.string().min(1).max(512), client_secret: z.string().min(1).max(2_048), config: configValuesSchema.optional() })
    .strict(),
);
export type ClientCredentialsRequest = z.infer<typeof clientCredentialsRequestSchema>;

/** Imported tokens (create/update connected account). `expires_at` is ISO 8601. */
const tokenImportFields = {
  access_token: z.string().min(1).max(16_384).optional(),
  refresh_token: z.string().min(1).max(16_384).optional(),
  expires_at: z.string().datetime({ offset: true }).optional(),
  scopes: scopesSchema.optional(),
  state: z.enum(['connected', 'needs_reauthorization']).optional(),
};
export const createUserAccountSchema = z.object({ ...tokenImportFields, connection_intent: z.literal('add').optional() }).strict();
export const updateUserAccountSchema = z.object(tokenImportFields).strict();
export const createOrganizationAccountSchema = z.object({ ...tokenImportFields, user_id: idSchema, connection_intent: z.literal('add').optional() }).strict();
export const updateOrganizationAccountSchema = z.object({ ...tokenImportFields, user_id: idSchema }).strict();
export type TokenImport = z.infer<typeof updateUserAccountSchema> & { connection_intent?: 'add' };

export const accountQuerySchema = z
  .object({
    organization_id: idSchema.optional(),
    supports_multiple_connections: bool.optional(),
    connected_account_id: idSchema.optional(),
    connection_intent: z.enum(['reauthorize']).optional(),
  })
  .strict();
export type AccountQuery = z.infer<typeof accountQuerySchema>;

export const connectedAccountWireSchema = z.object({
  object: z.literal('connected_account'),
  id: z.string(),
  connection_role: z.literal('compatibility'),
  account_identifier: z.null(),
  account_display_name: z.null(),
  user_id: z.string().nullable(),
  organization_id: z.string().nullable(),
  scopes: z.array(z.string()),
  auth_method: z.enum(['oauth', 'api_key', 'client_credentials']),
  api_key_last_4: z.string().nullable(),
  client_id: z.string().nullable(),
  client_secret_last_4: z.string().nullable(),
  config: z.record(z.string(), z.string()),
  state: z.enum(['connected', 'needs_reauthorization', 'disconnected']),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConnectedAccountWire = z.infer<typeof connectedAccountWireSchema>;

export const accessTokenResponseSchema = z.union([
  z.object({
    active: z.literal(true),
    access_token: z.object({ object: z.literal('access_token'), access_token: z.string(), expires_at: z.string().nullable(), scopes: z.array(z.string()), missing_scopes: z.array(z.string()) }),
  }),
  z.object({ active: z.literal(false), error: z.enum(['not_installed', 'needs_reauthorization']) }),
]);

export function toConnectedAccountWire(a: ConnectedAccount): ConnectedAccountWire {
  return {
    object: 'connected_account',
    id: a.id,
    connection_role: 'compatibility',
    account_identifier: null,
    account_display_name: null,
    user_id: a.userId,
    organization_id: a.organizationId,
    scopes: a.scopes,
    auth_method: a.authMethod as ConnectedAccountWire['auth_method'],
    api_key_last_4: a.apiKeyLast4,
    client_id: a.clientId,
    client_secret_last_4: a.clientSecretLast4,
    config: (a.config ?? {}) as Record<string, string>,
    state: a.state as ConnectedAccountWire['state'],
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

export function toAccountEventData(a: ConnectedAccount): PipesConnectedAccountEventWire {
  return {
    object: 'connected_account',
    id: a.id,
    data_integration_id: a.dataIntegrationId,
    provider_slug: a.providerSlug,
    user_id: a.userId,
    organization_id: a.organizationId,
    scopes: a.scopes,
    state: a.state as PipesConnectedAccountEventWire['state'],
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

/** A `data_provider` list item: the integration with the owner's compatibility connection. */
export function toDataProviderWire(i: DataIntegration, provider: ProviderDefinition, account: ConnectedAccount | null) {
  const connected = account ? { ...toConnectedAccountWire(account), userland_user_id: account.userId } : null;
  const method = i.authMethods[0] ?? 'oauth';
  return {
    object: 'data_provider' as const,
    id: i.id,
    name: provider.name,
    description: i.description,
    slug: i.slug,
    integration_type: i.provider,
    credentials_type: method === 'oauth' ? 'oauth2' : method,
    scopes: i.scopesSet ? i.scopes : null,
    auth_methods: i.authMethods,
    connection_owner: i.ownership,
    ownership: i.ownership === 'organization' ? 'organization' : 'userland_user',
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    connected_account: connected,
    connected_accounts: connected ? [connected] : [],
  };
}
