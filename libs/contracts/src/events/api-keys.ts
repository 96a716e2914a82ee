import { z } from 'zod';

/*
 * API keys our customers issue to their own customers (WORKOS_API.md §21), published by identity.
 * The event payload is the `api_key` object as `POST /api_keys/validations` returns it: never the
 * `value`, which exists only in the create response.
 */

const ownerSchema = z.union([
  z.strictObject({ type: z.literal('organization'), id: z.string() }),
  z.strictObject({ type: z.literal('user'), id: z.string(), organization_id: z.string() }),
]);

export const apiKeySchema = z.strictObject({
  object: z.literal('api_key'),
  id: z.string(),
  owner: ownerSchema,
  name: z.string(),
  obfuscated_value: z.string(),
  last_used_at: z.string().nullable(),
  /** When the key stops validating; null: never (the Java SDK's ApiKey has it for both kinds). */
  expires_at: z.string().nullable(),
  permissions: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ApiKeyWire = z.infer<typeof apiKeySchema>;
/** The create response: the object plus the secret `value`, shown this once. */
export const createdApiKeySchema = apiKeySchema.extend({ value: z.string() });
export type CreatedApiKeyWire = z.infer<typeof createdApiKeySchema>;

export const apiKeyEventSchemas = {
  'api_key.created': apiKeySchema,
  'api_key.revoked': apiKeySchema,
  /** An expiry set in the future (WorkOS's OpenAPI spec has this type; the node SDK passes it through). */
  'api_key.updated': apiKeySchema,
} as const;
