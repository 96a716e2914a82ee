import { z } from 'zod';
import { eventEnvelopeSchema, type EventEnvelope } from '@wos/contracts';

/*
 * What a consumer accepts from Kafka: the event envelope contract, plus what every consumer
 * stores in Postgres must satisfy. A message that fails here can never succeed by retrying, so
 * the consumer dead-letters it at once instead of letting it block its partition.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})T/;

/** A real instant: ISO 8601 with a zone, a calendar date that exists (no 30 February), year 1 or later. */
export function isRealTimestamp(value: string): boolean {
  if (!z.iso.datetime({ offset: true }).safeParse(value).success) return false;
  const [, y, m, d] = ISO_DATE.exec(value)!.map(Number) as [number, number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && day.getUTCMonth() === m - 1 && day.getUTCDate() === d && !Number.isNaN(Date.parse(value));
}

/* Postgres text and jsonb refuse NUL and lone UTF-16 surrogates. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function storable(value: unknown): boolean {
  let ok = true;
  JSON.stringify(value, (key, v: unknown) => {
    if (UNSTORABLE.test(key) || (typeof v === 'string' && UNSTORABLE.test(v))) ok = false;
    return v;
  });
  return ok;
}

export const consumableEnvelopeSchema = eventEnvelopeSchema
  .extend({
    event: z.string().regex(/^[a-z][a-z0-9_.]{0,127}$/, 'must be an event name'),
    created_at: z.string().refine(isRealTimestamp, 'must be an ISO 8601 timestamp with a zone'),
    environment_id: z.string().regex(/^[A-Za-z0-9_]{1,128}$/, 'must be an environment ID'),
  })
  .refine(storable, 'contains a NUL character or an unpaired surrogate');

/** The envelope in a message value, or the reason it is not one. */
export function parseConsumableEnvelope(value: Buffer | null): { envelope: EventEnvelope } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? 'null');
  } catch {
    return { error: 'not JSON' };
  }
  const parsed = consumableEnvelopeSchema.safeParse(json);
  if (parsed.success) return { envelope: parsed.data as EventEnvelope };
  return { error: `not an event envelope: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}` };
}
