import { buildOpenApi } from '@wos/platform';
import { accessTokenResponseSchema, apiKeyRequestSchema, authorizeRequestSchema, clientCredentialsRequestSchema, connectedAccountWireSchema, createOrganizationAccountSchema, createUserAccountSchema, tokenRequestSchema, updateOrganizationAccountSchema, updateUserAccountSchema } from './connections/accounts.dto';
import { orgConfigInputSchema, createIntegrationSchema, dataIntegrationWireSchema, listIntegrationsQuerySchema, updateIntegrationSchema } from './integrations/integrations.dto';

export function pipesOpenApi(): Record<string, unknown> {
  const i = dataIntegrationWireSchema;
  const a = connectedAccountWireSchema;
  return buildOpenApi('Pipes', [
    { method: 'get', path: '/data-integrations', summary: 'List data integrations', query: listIntegrationsQuerySchema },
    { method: 'post', path: '/data-integrations', summary: 'Create a data integration (built-in or custom provider)', body: createIntegrationSchema, response: i, status: 201 },
    { method: 'get', path: '/data-integrations/:slug', summary: 'Get the user-owned data integration', response: i },
    { method: 'put', path: '/data-integrations/:slug', summary: 'Update the user-owned data integration', body: updateIntegrationSchema, response: i },
    { method: 'delete', path: '/data-integrations/:slug', summary: 'Delete the user-owned data integration and its connected accounts', status: 204 },
    { method: 'get', path: '/data-integrations/:slug/organization', summary: 'Get the organization-owned data integration', response: i },
    { method: 'put', path: '/data-integrations/:slug/organization', summary: 'Update the organization-owned data integration', body: updateIntegrationSchema, response: i },
    { method: 'delete', path: '/data-integrations/:slug/organization', summary: 'Delete the organization-owned data integration', status: 204 },
    { method: 'post', path: '/data-integrations/:slug/authorize', summary: 'The provider authorization URL (state, PKCE)', body: authorizeRequestSchema },
    { method: 'post', path: '/data-integrations/:slug/token', summary: 'A valid access token, refreshed ahead of expiry', body: tokenRequestSchema, response: accessTokenResponseSchema },
    { method: 'post', path: '/data-integrations/:slug/credentials', summary: 'A vended credential (OAuth token, API key or client-credentials token)', body: tokenRequestSchema },
    { method: 'post', path: '/data-integrations/:slug/api-key', summary: 'Add an API-key connection', body: apiKeyRequestSchema, response: a, status: 201 },
    { method: 'put', path: '/data-integrations/:slug/api-key', summary: 'Upsert or rotate an API-key connection', body: apiKeyRequestSchema, response: a },
    { method: 'post', path: '/data-integrations/:slug/client-credentials', summary: 'Add a client-credentials connection', body: clientCredentialsRequestSchema, response: a, status: 201 },
    { method: 'put', path: '/data-integrations/:slug/client-credentials', summary: 'Upsert or rotate a client-credentials connection', body: clientCredentialsRequestSchema, response: a },
    { method: 'get', path: '/pipes/oauth/callback', summary: "The provider's redirect back (public; state-bound)", status: 302 },
    { method: 'get', path: '/user_management/users/:userId/connected_accounts/:slug', summary: "A user's connected account", response: a },
    { method: 'post', path: '/user_management/users/:userId/connected_accounts/:slug', summary: 'Import tokens as a user connection', body: createUserAccountSchema, response: a, status: 201 },
    { method: 'put', path: '/user_management/users/:userId/connected_accounts/:slug', summary: "Update a user's connection", body: updateUserAccountSchema, response: a },
    { method: 'delete', path: '/user_management/users/:userId/connected_accounts/:slug', summary: "Delete a user's connection", status: 204 },
    { method: 'get', path: '/user_management/users/:userId/data_providers', summary: 'Providers with the user’s connection state' },
    { method: 'get', path: '/organizations/:organizationId/connected_accounts/:slug', summary: "An organization's connected account", response: a },
    { method: 'post', path: '/organizations/:organizationId/connected_accounts/:slug', summary: 'Import tokens as an organization connection', body: createOrganizationAccountSchema, response: a, status: 201 },
    { method: 'put', path: '/organizations/:organizationId/connected_accounts/:slug', summary: "Update an organization's connection", body: updateOrganizationAccountSchema, response: a },
    { method: 'delete', path: '/organizations/:organizationId/connected_accounts/:slug', summary: "Delete an organization's connection", status: 204 },
    { method: 'get', path: '/organizations/:organizationId/data_providers', summary: 'Providers with the organization’s connection state' },
    { method: 'get', path: '/organizations/:organizationId/data_integration_configurations', summary: "The organization's settings for every provider (Java SDK pipesProvider)" },
    { method: 'put', path: '/organizations/:organizationId/data_integration_configurations/:slug', summary: "Set the organization's settings for a provider: enabled, scopes, its own OAuth app", body: orgConfigInputSchema },
  ]);
}
