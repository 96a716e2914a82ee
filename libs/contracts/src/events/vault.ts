import { z } from 'zod';

/*
 * Vault's events (WORKOS_API.md §22). Invariant: no event ever carries a value, a data key or a
 * wrapped key: only names, key IDs and the key context (which WorkOS also publishes).
 */
const actor = {
  actor_id: z.string(),
  actor_source: z.enum(['api', 'dashboard']),
  actor_name: z.string(),
};
const keyContext = z.record(z.string(), z.string());

export const vaultDataWrittenSchema = z.object({ ...actor, kv_name: z.string(), key_id: z.string(), key_context: keyContext });
/**
 * Ours, additive: the key context (as vault.data.created has), and the reader's address and user
 * agent, so the read can be recorded in the context organization's audit log.
 */
export const vaultDataReadSchema = z.object({
  ...actor,
  kv_name: z.string(),
  key_id: z.string(),
  key_context: keyContext.optional(),
  ip_address: z.string().nullable().optional(),
  user_agent: z.string().nullable().optional(),
});
export const vaultNamedSchema = z.object({ ...actor, kv_name: z.string() });
export const vaultActorSchema = z.object(actor);
export const vaultKekCreatedSchema = z.object({ ...actor, key_name: z.string(), key_id: z.string() });
export const vaultDekReadSchema = z.object({ ...actor, key_ids: z.array(z.string()), key_context: keyContext });
/** Ours: a shredded organization's object rows were removed after its keys (crypto-shredding). */
export const vaultDataPurgedSchema = z.object({ organization_id: z.string(), key_ids: z.array(z.string()), objects_deleted: z.number().int().nonnegative() });
export const vaultDekDecryptedSchema = z.object({ ...actor, key_id: z.string() });

/** The events vault publishes on Topic.vault. */
export const vaultEventSchemas = {
  'vault.data.created': vaultDataWrittenSchema,
  'vault.data.updated': vaultDataWrittenSchema,
  'vault.data.read': vaultDataReadSchema,
  'vault.data.deleted': vaultNamedSchema,
  'vault.metadata.read': vaultNamedSchema,
  'vault.names.listed': vaultActorSchema,
  'vault.kek.created': vaultKekCreatedSchema,
  'vault.dek.read': vaultDekReadSchema,
  'vault.dek.decrypted': vaultDekDecryptedSchema,
  /** A KEK destroyed with its organization (crypto-shredding); in WorkOS's OpenAPI catalogue. */
  'vault.kek.deleted': vaultKekCreatedSchema,
  'vault.data.purged': vaultDataPurgedSchema,
} as const;
export type VaultEventType = keyof typeof vaultEventSchemas;
