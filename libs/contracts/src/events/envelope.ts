import { z } from 'zod';

/**
 * The Kafka message value of every domain event: the WorkOS event object (WORKOS_API.md §12, §22)
 * plus the internal `environment_id`, which is stripped before the event leaves the platform.
 * Invariant: `id` is `event_<ULID>`, generated once when the event is written to the outbox, so
 * every consumer can deduplicate on it.
 */
export const eventEnvelopeSchema = z.object({
  object: z.literal('event'),
  id: z.string().regex(/^event_[0-9A-HJKMNP-TV-Z]{26}$/),
  event: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  context: z.record(z.string(), z.unknown()).optional(),
  environment_id: z.string().min(1),
});
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** The public form: what `/events` and webhooks show (no internal fields). */
export type PublicEvent = Omit<EventEnvelope, 'environment_id'>;

export function toPublicEvent(e: EventEnvelope): PublicEvent {
  const { environment_id: _internal, ...rest } = e;
  return rest;
}
