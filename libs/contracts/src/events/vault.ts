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
/** WorkOS's providers, and ours: LOCAL (imported key material) and PKCS11 (a key in an HSM token). */
const byokKeyProvider = z.enum(['AWS_KMS', 'GCP_KMS', 'AZURE_KEY_VAULT', 'LOCAL', 'PKCS11']);
/** An organization's own key was checked (wrap round trip, non-extractable) at registration; `byok_key_id` is ours. */
export const vaultByokVerificationSchema = z.object({ organization_id: z.string(), key_provider: byokKeyProvider, verified: z.boolean(), byok_key_id: z.string().nullable().optional() });
/** An organization's own key was revoked: what it wraps is unreadable from then on. `byok_key_id` is ours. */
export const vaultByokDeletedSchema = z.object({ organization_id: z.string(), key_provider: byokKeyProvider, byok_key_id: z.string().optional() });
/** Ours: the data keys stored under a KEK's older versions were re-wrapped under `version` (after a rotation). */
export const vaultKekRekeyedSchema = z.object({
  key_id: z.string(),
  version: z.number().int().positive(),
  data_keys_rewrapped: z.number().int().nonnegative(),
  data_keys_unreadable: z.number().int().nonnegative(),
});

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
  'vault.byok_key.verification_completed': vaultByokVerificationSchema,
  /** In WorkOS's OpenAPI catalogue. */
  'vault.byok_key.deleted': vaultByokDeletedSchema,
  'vault.kek.rekeyed': vaultKekRekeyedSchema,
} as const;
export type VaultEventType = keyof typeof vaultEventSchemas;
