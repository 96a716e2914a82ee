import { z } from 'zod';
import type { RouteDoc } from '@wos/platform';

/* The bodies the official `workos` CLI (0.14) sends to the config endpoints. */
export const addRedirectUriSchema = z.strictObject({ uri: z.string().describe('An absolute http(s) URL, compared exactly with redirect_uri.') });
export const addCorsOriginSchema = z.strictObject({ origin: z.string().describe('A browser origin such as https://app.example.com.') });
export const setHomepageUrlSchema = z.strictObject({ url: z.string().describe('The app homepage, an absolute http(s) URL.') });

const created = z.object({ object: z.string(), id: z.string(), environment_id: z.string(), created_at: z.string() });
export const redirectUriSchema = created.extend({ object: z.literal('redirect_uri'), uri: z.string(), default: z.boolean(), updated_at: z.string() });
export const corsOriginSchema = created.extend({ object: z.literal('cors_origin'), origin: z.string() });
export const homepageUrlSchema = z.object({ object: z.literal('app_homepage_url'), url: z.string().nullable() });
const list = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item), list_metadata: z.object({ before: z.null(), after: z.null() }) });

/** A whole, unpaginated list in WorkOS's envelope. */
export function listOf<T>(data: T[]) {
  return { object: 'list' as const, data, list_metadata: { before: null, after: null } };
}

/** The gateway's own public routes, for the aggregated OpenAPI document. */
export const settingsRoutes: RouteDoc[] = [
  { method: 'post', path: '/user_management/redirect_uris', summary: 'Add a redirect URI (422 when it exists)', body: addRedirectUriSchema, response: redirectUriSchema, status: 201 },
  { method: 'get', path: '/user_management/redirect_uris', summary: 'List redirect URIs', response: list(redirectUriSchema) },
  { method: 'delete', path: '/user_management/redirect_uris/:id', summary: 'Delete a redirect URI by its ID (404 when the environment has none with it)', status: 204 },
  { method: 'post', path: '/user_management/cors_origins', summary: 'Add a CORS origin for public-client routes (422 when it exists)', body: addCorsOriginSchema, response: corsOriginSchema, status: 201 },
  { method: 'get', path: '/user_management/cors_origins', summary: 'List CORS origins', response: list(corsOriginSchema) },
  { method: 'put', path: '/user_management/app_homepage_url', summary: 'Set the app homepage URL', body: setHomepageUrlSchema, response: homepageUrlSchema },
  { method: 'get', path: '/user_management/app_homepage_url', summary: 'Get the app homepage URL', response: homepageUrlSchema },
];
