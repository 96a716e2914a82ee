import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import type { ByokKeyRow } from './root-keys.service';

/* An organization's ID as the organizations service issues it; the key applies to key contexts naming it. */
const organizationIdSchema = z.string().regex(/^org_[A-Za-z0-9_]{1,100}$/, 'must be an organization ID (org_…)');

/** 32 bytes, base64: an AES-256 key the customer generated (and keeps, to prove it is theirs). */
const keyMaterialSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
  .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes (an AES-256 key), base64');

/**
 * `POST /vault/v1/byok/keys` (our extension; WorkOS configures BYOK through the Admin Portal).
 * LOCAL imports key material; PKCS11 names a key the organization keeps in the configured token.
 */
export const registerByokKeySchema = z.discriminatedUnion('key_provider', [
  z.object({ organization_id: organizationIdSchema, key_provider: z.literal('LOCAL'), key_material: keyMaterialSchema }),
  z.object({ organization_id: organizationIdSchema, key_provider: z.literal('PKCS11'), key_label: z.string().min(1).max(128).regex(/^[\x20-\x7e]+$/, 'must be printable ASCII') }),
]);
export type RegisterByokKeyInput = z.infer<typeof registerByokKeySchema>;

export const listByokKeysQuerySchema = paginationQuerySchema.extend({ organization_id: organizationIdSchema.optional() });
export type ListByokKeysQuery = z.infer<typeof listByokKeysQuerySchema>;

export const byokKeySchema = z.object({
  object: z.literal('byok_key'),
  id: z.string(),
  organization_id: z.string(),
  key_provider: z.enum(['LOCAL', 'PKCS11']),
  /** PKCS11: the key's label in the token; null for LOCAL. */
  key_label: z.string().nullable(),
  /** AES key check value (3 bytes, hex): compare it with the one your own tooling shows for the key. */
  key_check_value: z.string(),
  state: z.enum(['active', 'revoked']),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
export type ByokKeyWire = z.infer<typeof byokKeySchema>;
export const byokKeyListSchema = z.object({
  object: z.literal('list'),
  data: z.array(byokKeySchema),
  list_metadata: z.object({ before: z.string().nullable(), after: z.string().nullable() }),
});

export function toByokKeyWire(k: ByokKeyRow): ByokKeyWire {
  return {
    object: 'byok_key',
    id: k.id,
    organization_id: k.organizationId,
    key_provider: k.keyProvider,
    key_label: k.keyProvider === 'PKCS11' ? k.keyRef : null,
    key_check_value: k.fingerprint,
    state: k.revokedAt ? 'revoked' : 'active',
    created_at: k.createdAt.toISOString(),
    revoked_at: k.revokedAt ? k.revokedAt.toISOString() : null,
  };
}
