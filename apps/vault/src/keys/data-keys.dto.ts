import { z } from 'zod';
import { MAX_CONTEXT_ENTRIES, MAX_CONTEXT_PART } from '../vault-core/key-context';

/** A key context: 1-16 entries of non-empty strings (keys and values up to 256 characters). */
export const keyContextSchema = z
  .record(z.string().min(1).max(MAX_CONTEXT_PART), z.string().min(1).max(MAX_CONTEXT_PART))
  .refine((c) => Object.keys(c).length >= 1 && Object.keys(c).length <= MAX_CONTEXT_ENTRIES, {
    message: `must have 1 to ${MAX_CONTEXT_ENTRIES} entries`,
  });

/* A base64 `encrypted_keys` blob; its content is checked when it is opened. */
const encryptedKeysSchema = z.string().min(1).max(4096);

export const createDataKeySchema = z.object({ context: keyContextSchema });
export type CreateDataKeyInput = z.infer<typeof createDataKeySchema>;

export const decryptDataKeySchema = z.object({ keys: encryptedKeysSchema });
export type DecryptDataKeyInput = z.infer<typeof decryptDataKeySchema>;

export const rekeySchema = z.object({ context: keyContextSchema, encrypted_keys: encryptedKeysSchema });
export type RekeyInput = z.infer<typeof rekeySchema>;

/** `POST /vault/v1/keys/data-key` and `/rekey` (WORKOS_API.md §14.2). `data_key` is the plaintext key, base64. */
export const dataKeyPairSchema = z.object({
  context: z.record(z.string(), z.string()),
  data_key: z.string(),
  encrypted_keys: z.string(),
  id: z.string(),
});
export type DataKeyPairWire = z.infer<typeof dataKeyPairSchema>;

export const decryptedDataKeySchema = z.object({ data_key: z.string(), id: z.string() });
export type DecryptedDataKeyWire = z.infer<typeof decryptedDataKeySchema>;

export const rotateKekSchema = z.object({ context: keyContextSchema });
export type RotateKekInput = z.infer<typeof rotateKekSchema>;
export const rotatedKekSchema = z.object({ key_id: z.string(), version: z.number(), context: z.record(z.string(), z.string()) });
