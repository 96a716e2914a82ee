import { z } from 'zod';
import { connectApplicationSchema } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { ConnectApplication, ConnectAuthorization } from '../generated/prisma/client';
import { toApplicationWire } from '../connect/applications.dto';

/** `authorized_connect_application` (Java SDK `AuthorizedConnectApplicationListData`); the organization list adds `user_id`. */
export const authorizedApplicationSchema = z.object({
  object: z.literal('authorized_connect_application'),
  id: z.string(),
  granted_scopes: z.array(z.string()),
  oauth_resource: z.string().optional(),
  application: connectApplicationSchema,
});
export const organizationAuthorizedApplicationSchema = authorizedApplicationSchema.extend({ user_id: z.string() });
export type AuthorizedApplicationWire = z.infer<typeof authorizedApplicationSchema> & { user_id?: string };

export const listAuthorizedApplicationsQuerySchema = paginationQuerySchema;
export type ListAuthorizedApplicationsQuery = z.infer<typeof listAuthorizedApplicationsQuerySchema>;

export function toAuthorizedApplicationWire(a: ConnectAuthorization, app: ConnectApplication, withUser: boolean): AuthorizedApplicationWire {
  return {
    object: 'authorized_connect_application',
    id: a.id,
    granted_scopes: a.grantedScopes,
    ...(a.resource ? { oauth_resource: a.resource } : {}),
    application: toApplicationWire(app),
    ...(withUser ? { user_id: a.userId } : {}),
  };
}

/** What a saved grant gave: its OpenID scopes (resource '') and each resource's scopes. */
export function grantEntries(openidScope: string, resources: Record<string, string> | undefined): { resource: string; scopes: string[] }[] {
  const split = (s: string) => [...new Set(s.split(' ').filter(Boolean))];
  const entries = openidScope ? [{ resource: '', scopes: split(openidScope) }] : [];
  for (const [resource, scope] of Object.entries(resources ?? {})) entries.push({ resource, scopes: split(scope) });
  return entries;
}
