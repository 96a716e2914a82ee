import { z } from 'zod';
import type { RouteDoc } from '@wos/platform';
import { apiKeySchema, createdApiKeySchema, listEnvelopeSchema } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import { createOrganizationApiKeySchema, createUserApiKeySchema, expireApiKeySchema, listUserApiKeysQuerySchema, validateApiKeySchema } from './api-keys.dto';

/** Customers' API keys (WORKOS_API.md §21). */
export const apiKeysOpenApiRoutes: RouteDoc[] = [
  { method: 'post', path: '/organizations/:id/api_keys', summary: "Create an organization API key (the value is in this response only)", body: createOrganizationApiKeySchema, response: createdApiKeySchema, status: 201 },
  { method: 'get', path: '/organizations/:id/api_keys', summary: "List an organization's API keys", query: paginationQuerySchema, response: listEnvelopeSchema(apiKeySchema) },
  { method: 'post', path: '/user_management/users/:id/api_keys', summary: 'Create an API key for a user in one of its organizations', body: createUserApiKeySchema, response: createdApiKeySchema, status: 201 },
  { method: 'get', path: '/user_management/users/:id/api_keys', summary: "List a user's API keys", query: listUserApiKeysQuerySchema, response: listEnvelopeSchema(apiKeySchema) },
  { method: 'post', path: '/api_keys/validations', summary: 'Validate an API key value: {api_key} or {api_key: null}', body: validateApiKeySchema, response: z.object({ api_key: apiKeySchema.nullable() }) },
  { method: 'delete', path: '/api_keys/:id', summary: 'Delete (revoke) an API key', status: 204 },
  { method: 'post', path: '/api_keys/:id/expire', summary: 'Expire an API key now or at expires_at (it stays listed)', body: expireApiKeySchema, response: apiKeySchema },
];
