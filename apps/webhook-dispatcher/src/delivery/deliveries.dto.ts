import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import type { DeliveryAttempt } from '../generated/prisma/client';

export const listAttemptsQuerySchema = paginationQuerySchema;
export type ListAttemptsQuery = z.infer<typeof listAttemptsQuerySchema>;

export const redeliverSchema = z.strictObject({ event_id: z.string().regex(/^event_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an event ID') });
export type RedeliverInput = z.infer<typeof redeliverSchema>;

const MAX_REPLAY_RANGE_MS = 31 * 86_400_000;
export const replaySchema = z
  .strictObject({ range_start: z.iso.datetime({ offset: true }), range_end: z.iso.datetime({ offset: true }) })
  .refine((r) => Date.parse(r.range_start) < Date.parse(r.range_end), { message: 'range_start must be before range_end', path: ['range_start'] })
  .refine((r) => Date.parse(r.range_end) - Date.parse(r.range_start) <= MAX_REPLAY_RANGE_MS, { message: 'the range can span at most 31 days', path: ['range_end'] });
export type ReplayInput = z.infer<typeof replaySchema>;

/** One HTTP attempt, WorkOS style (our extension; there is no SDK method for it). */
export const deliveryAttemptSchema = z.object({
  object: z.literal('webhook_delivery_attempt'),
  id: z.string(),
  webhook_endpoint_id: z.string(),
  event_id: z.string(),
  event: z.string(),
  attempt: z.number().int(),
  trigger: z.enum(['event', 'redelivery', 'replay']),
  state: z.enum(['succeeded', 'failed']),
  response_status_code: z.number().int().nullable(),
  latency_ms: z.number().int(),
  error: z.string().nullable(),
  created_at: z.string(),
});
export type DeliveryAttemptWire = z.infer<typeof deliveryAttemptSchema>;

export const redeliverySchema = z.object({
  object: z.literal('webhook_redelivery'),
  webhook_endpoint_id: z.string(),
  trigger: z.enum(['redelivery', 'replay']),
  event_ids: z.array(z.string()),
});

export function toAttemptWire(a: DeliveryAttempt): DeliveryAttemptWire {
  return {
    object: 'webhook_delivery_attempt',
    id: a.id,
    webhook_endpoint_id: a.endpointId,
    event_id: a.eventId,
    event: a.eventType,
    attempt: a.attempt,
    trigger: a.trigger as DeliveryAttemptWire['trigger'],
    state: a.status as DeliveryAttemptWire['state'],
    response_status_code: a.statusCode,
    latency_ms: a.latencyMs,
    error: a.error,
    created_at: a.createdAt.toISOString(),
  };
}
