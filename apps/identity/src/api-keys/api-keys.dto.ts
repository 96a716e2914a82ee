import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ApiKeyWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { ApiKey } from '../generated/prisma/client';

/**
 * A key's value: `sk_ak_` and 32 random bytes (256 bits) in base64url. The prefix tells it apart
 * from the platform's own `sk_test_`/`sk_live_` keys (and lets secret scanners match it); the
 * entropy is why a fast keyed hash is enough to store it (no dictionary to try).
 */
export const API_KEY_PREFIX = 'sk_ak_';
const VALUE_SHAPE = /^sk_ak_[A-Za-z0-9_-]{43}$/;

export function newApiKeyValue(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export const isApiKeyShaped = (value: string) => VALUE_SHAPE.test(value);

/** WorkOS's obfuscated form: the prefix and the last four characters (`sk_…9789`). */
export function obfuscate(value: string): string {
  return `sk_…${value.slice(-4)}`;
}

const name = z.string().trim().min(1).max(256);
/** Permission slugs as authorization spells them; whether each exists is asked of authorization. */
const permissions = z.array(z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'must be a permission slug')).max(100);
const id = z.string().min(1).max(64);

const expiresAt = z.iso.datetime({ offset: true });

/** `expires_at`: the Java SDK sends it for organization keys too. */
export const createOrganizationApiKeySchema = z.strictObject({ name, permissions: permissions.optional(), expires_at: expiresAt.optional() });
export type CreateOrganizationApiKeyInput = z.infer<typeof createOrganizationApiKeySchema>;

export const createUserApiKeySchema = z.strictObject({
  name,
  organization_id: id,
  permissions: permissions.optional(),
  expires_at: expiresAt.optional(),
});
export type CreateUserApiKeyInput = z.infer<typeof createUserApiKeySchema>;

export const listUserApiKeysQuerySchema = paginationQuerySchema.extend({ organization_id: id.optional() });
export type ListUserApiKeysQuery = z.infer<typeof listUserApiKeysQuerySchema>;

/** Values longer than any key are refused as input; a well-formed string that is no key is a 200 with null. */
export const validateApiKeySchema = z.strictObject({ value: z.string().min(1).max(256) });
export type ValidateApiKeyInput = z.infer<typeof validateApiKeySchema>;

/** `POST /api_keys/:id/expire`: now, or at `expires_at` (the Java SDK's optional argument). */
export const expireApiKeySchema = z.strictObject({ expires_at: expiresAt.optional() });
export type ExpireApiKeyInput = z.infer<typeof expireApiKeySchema>;

/** The wire `api_key` (both kinds carry `expires_at`, null for never). */
export function toApiKeyWire(k: ApiKey): ApiKeyWire {
  const owner: ApiKeyWire['owner'] = k.ownerType === 'user' ? { type: 'user', id: k.userId!, organization_id: k.organizationId } : { type: 'organization', id: k.organizationId };
  return {
    object: 'api_key',
    id: k.id,
    owner,
    name: k.name,
    obfuscated_value: k.obfuscatedValue,
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    expires_at: k.expiresAt?.toISOString() ?? null,
    permissions: k.permissions,
    created_at: k.createdAt.toISOString(),
    updated_at: k.updatedAt.toISOString(),
  };
}

/** True while the key may be used: not past its `expires_at` (deleted keys have no row). */
export const isLive = (k: Pick<ApiKey, 'expiresAt'>, now = Date.now()) => k.expiresAt === null || k.expiresAt.getTime() > now;
