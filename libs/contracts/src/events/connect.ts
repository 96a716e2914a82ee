import { z } from 'zod';

/*
 * Connect's events (issue 17). WorkOS's catalogue (WORKOS_API.md §22) names none for Connect
 * applications or their secrets, so these follow its `<object>.<change>` spelling; identity
 * publishes them on its topic. Secret events never carry the secret, only its hint.
 */

const redirectUriSchema = z.object({ uri: z.string(), default: z.boolean() });

/** `connect_application` wire object (WORKOS_API.md §21; SDK `deserializeConnectApplication`). */
export const connectApplicationSchema = z.object({
  object: z.literal('connect_application'),
  id: z.string(),
  client_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  scopes: z.array(z.string()),
  application_type: z.enum(['oauth', 'm2m']),
  redirect_uris: z.array(redirectUriSchema).optional(),
  uses_pkce: z.boolean().optional(),
  is_first_party: z.boolean().optional(),
  was_dynamically_registered: z.boolean().optional(),
  organization_id: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConnectApplicationWire = z.infer<typeof connectApplicationSchema>;

/** `connect_application_secret` without `secret` (shown once, in the create response only). */
export const connectApplicationSecretSchema = z.object({
  object: z.literal('connect_application_secret'),
  id: z.string(),
  secret_hint: z.string(),
  last_used_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConnectApplicationSecretWire = z.infer<typeof connectApplicationSecretSchema>;

/** Secret events name their application (the wire object does not). */
export const connectApplicationSecretEventSchema = connectApplicationSecretSchema.extend({ application_id: z.string() });

export const connectEventSchemas = {
  'connect_application.created': connectApplicationSchema,
  'connect_application.updated': connectApplicationSchema,
  'connect_application.deleted': connectApplicationSchema,
  'connect_application_secret.created': connectApplicationSecretEventSchema,
  'connect_application_secret.deleted': connectApplicationSecretEventSchema,
} as const;
