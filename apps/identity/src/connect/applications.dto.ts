import { z } from 'zod';
import type { ConnectApplicationSecretWire, ConnectApplicationWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { ConnectApplication, ConnectClientSecret } from '../generated/prisma/client';

/* RFC 6749 §3.3 scope-token: printable ASCII without space, `"` and `\`. */
export const scopeTokenSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'A scope is printable ASCII without spaces, quotes or backslashes.');
const scopesSchema = z.array(scopeTokenSchema).max(100);
const nameSchema = z.string().trim().min(1).max(256);
const descriptionSchema = z.string().max(2048);
const organizationIdSchema = z.string().min(1).max(64);

/**
 * Redirect URIs are matched exactly by the authorization server. Allowed: https; http only on a
 * loopback host (RFC 8252 §7.3); a private-use scheme with a dot (RFC 8252 §7.1, native apps).
 * Never a fragment (RFC 6749 §3.1.2), never javascript:/data: (no dot in their scheme).
 */
export function isAllowedRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash || value.includes('#')) return false;
  if (url.protocol === 'https:') return url.hostname !== '';
  if (url.protocol === 'http:') return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(url.protocol);
}
export const redirectUriInputSchema = z.object({
  uri: z.string().max(2048).refine(isAllowedRedirectUri, 'Redirect URIs are https (or http on a loopback host, or a private-use scheme) without a fragment.'),
  default: z.boolean().nullable().optional(),
});
const redirectUrisSchema = z
  .array(redirectUriInputSchema)
  .max(20)
  .refine((l) => l.filter((r) => r.default).length <= 1, 'At most one redirect URI is the default.')
  .refine((l) => new Set(l.map((r) => r.uri)).size === l.length, 'Redirect URIs must be distinct.');

const oauthCreateSchema = z.object({
  application_type: z.literal('oauth'),
  name: nameSchema,
  is_first_party: z.boolean(),
  description: descriptionSchema.nullable().optional(),
  scopes: scopesSchema.nullable().optional(),
  redirect_uris: redirectUrisSchema.nullable().optional(),
  uses_pkce: z.boolean().nullable().optional(),
  organization_id: organizationIdSchema.nullable().optional(),
});
const m2mCreateSchema = z.object({
  application_type: z.literal('m2m'),
  name: nameSchema,
  organization_id: organizationIdSchema,
  description: descriptionSchema.nullable().optional(),
  scopes: scopesSchema.nullable().optional(),
});
export const createApplicationSchema = z.discriminatedUnion('application_type', [oauthCreateSchema, m2mCreateSchema]);
export type CreateApplicationInput = z.infer<typeof createApplicationSchema>;

/* The SDK sends `description`, `scopes` and `redirect_uris` as null when the caller leaves them out: null keeps the value. */
export const updateApplicationSchema = z.object({
  name: nameSchema.optional(),
  description: descriptionSchema.nullable().optional(),
  scopes: scopesSchema.nullable().optional(),
  redirect_uris: redirectUrisSchema.nullable().optional(),
});
export type UpdateApplicationInput = z.infer<typeof updateApplicationSchema>;

export const listApplicationsQuerySchema = paginationQuerySchema.extend({ organization_id: organizationIdSchema.optional() });
export type ListApplicationsQuery = z.infer<typeof listApplicationsQuerySchema>;

/** The SDK posts `{}`; nothing is configurable about a new secret. */
export const createSecretSchema = z.object({}).optional();

export interface RedirectUri {
  uri: string;
  default: boolean;
}

/** Stored URIs: exactly one default when there is any (the first one unless the caller chose). */
export function normaliseRedirectUris(input: { uri: string; default?: boolean | null }[]): RedirectUri[] {
  const hasDefault = input.some((r) => r.default);
  return input.map((r, i) => ({ uri: r.uri, default: hasDefault ? Boolean(r.default) : i === 0 }));
}

export function toApplicationWire(a: ConnectApplication): ConnectApplicationWire {
  const common = {
    object: 'connect_application' as const,
    id: a.id,
    client_id: a.clientId,
    name: a.name,
    description: a.description,
    scopes: a.scopes,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
  if (a.applicationType === 'm2m') return { ...common, application_type: 'm2m', organization_id: a.organizationId };
  return {
    ...common,
    application_type: 'oauth',
    redirect_uris: a.redirectUris as unknown as RedirectUri[],
    uses_pkce: a.usesPkce,
    is_first_party: a.isFirstParty,
    was_dynamically_registered: a.wasDynamicallyRegistered,
    organization_id: a.organizationId,
  };
}

export function toSecretWire(s: ConnectClientSecret): ConnectApplicationSecretWire {
  return {
    object: 'connect_application_secret',
    id: s.id,
    secret_hint: s.secretHint,
    last_used_at: s.lastUsedAt?.toISOString() ?? null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}
