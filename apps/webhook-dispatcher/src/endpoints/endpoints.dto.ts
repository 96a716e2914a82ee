import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import type { WebhookEndpoint } from '../generated/prisma/client';
import { SUBSCRIBABLE_EVENT_TYPES } from './webhook-event-types';

const endpointUrlSchema = z.string().trim().min(1).max(2048);

const eventsSchema = z
  .array(z.string().refine((t) => SUBSCRIBABLE_EVENT_TYPES.has(t), { message: 'is not an event type an endpoint can subscribe to' }))
  .min(1, 'at least one event type')
  .max(200)
  .transform((list) => [...new Set(list)]);

export const createEndpointSchema = z.strictObject({
  endpoint_url: endpointUrlSchema,
  events: eventsSchema,
});
export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;

/* The SDK always sends all three keys, undefined ones dropped by JSON.stringify. */
export const updateEndpointSchema = z.strictObject({
  endpoint_url: endpointUrlSchema.optional(),
  status: z.enum(['enabled', 'disabled']).optional(),
  events: eventsSchema.optional(),
});
export type UpdateEndpointInput = z.infer<typeof updateEndpointSchema>;

/** Our extension: `POST /webhook_endpoints/:id/rotate_secret`. */
export const rotateSecretSchema = z
  .strictObject({
    /** How long the previous secret keeps signing; 0 drops it at once. Default from configuration. */
    grace_period_seconds: z.number().int().min(0).max(30 * 86_400).optional(),
  })
  .default({});
export type RotateSecretInput = z.infer<typeof rotateSecretSchema>;

export const listEndpointsQuerySchema = paginationQuerySchema;
export type ListEndpointsQuery = z.infer<typeof listEndpointsQuerySchema>;

export const webhookEndpointSchema = z.object({
  object: z.literal('webhook_endpoint'),
  id: z.string(),
  endpoint_url: z.string(),
  secret: z.string(),
  status: z.enum(['enabled', 'disabled']),
  events: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WebhookEndpointWire = z.infer<typeof webhookEndpointSchema>;

/**
 * `GET /webhook_endpoints/:id` (our extension) adds why and when an endpoint was disabled and
 * since when it has been failing; the SDK's object stays exactly WorkOS's.
 */
export const webhookEndpointDetailSchema = webhookEndpointSchema.extend({
  disabled_reason: z.enum(['manual', 'failing']).nullable(),
  disabled_at: z.string().nullable(),
  failing_since: z.string().nullable(),
  previous_secret_expires_at: z.string().nullable(),
});
export type WebhookEndpointDetailWire = z.infer<typeof webhookEndpointDetailSchema>;

export function toEndpointWire(e: WebhookEndpoint, secret: string): WebhookEndpointWire {
  return {
    object: 'webhook_endpoint',
    id: e.id,
    endpoint_url: e.endpointUrl,
    secret,
    status: e.status as WebhookEndpointWire['status'],
    events: e.events,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

export function toEndpointDetailWire(e: WebhookEndpoint, secret: string, now = new Date()): WebhookEndpointDetailWire {
  const graceLeft = e.previousSecretExpiresAt && e.previousSecretExpiresAt > now ? e.previousSecretExpiresAt.toISOString() : null;
  return {
    ...toEndpointWire(e, secret),
    disabled_reason: (e.disabledReason as WebhookEndpointDetailWire['disabled_reason']) ?? null,
    disabled_at: e.disabledAt?.toISOString() ?? null,
    failing_since: e.failingSince?.toISOString() ?? null,
    previous_secret_expires_at: graceLeft,
  };
}
