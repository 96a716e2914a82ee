import { z } from 'zod';

/*
 * Pipes' events (WORKOS_API.md §22, SDK 11.0 `pipes.connected_account.*`). The connected-account
 * payload is the event form, not the REST `connected_account`: it names the integration and the
 * provider slug, and never carries a token, key or secret.
 */
export const pipesConnectedAccountEventSchema = z.object({
  object: z.literal('connected_account'),
  id: z.string(),
  data_integration_id: z.string(),
  provider_slug: z.string(),
  user_id: z.string().nullable(),
  organization_id: z.string().nullable(),
  scopes: z.array(z.string()),
  state: z.enum(['connected', 'needs_reauthorization', 'disconnected']),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PipesConnectedAccountEventWire = z.infer<typeof pipesConnectedAccountEventSchema>;

export const pipesConnectionFailedSchema = z.object({
  object: z.literal('connection_failed'),
  data_integration_id: z.string(),
  provider_slug: z.string(),
  user_id: z.string().nullable(),
  organization_id: z.string().nullable(),
  error_code: z.string(),
  error_reason: z.string().nullable(),
  provider_error: z.string().nullable(),
  provider_error_description: z.string().nullable(),
  created_at: z.string(),
});
export type PipesConnectionFailedWire = z.infer<typeof pipesConnectionFailedSchema>;

/** The events pipes publishes on Topic.pipes. */
export const pipesEventSchemas = {
  'pipes.connected_account.connected': pipesConnectedAccountEventSchema,
  'pipes.connected_account.disconnected': pipesConnectedAccountEventSchema,
  'pipes.connected_account.reauthorization_needed': pipesConnectedAccountEventSchema,
  'pipes.connected_account.connection_failed': pipesConnectionFailedSchema,
} as const;
