import { z } from 'zod';
import { eventEnvelopeSchema, type EventEnvelope } from '@wos/contracts';

/*
 * What a consumer accepts from Kafka: the event envelope contract, plus what every consumer
 * stores in Postgres must satisfy. A message that fails here can never succeed by retrying, so
 * the consumer dead-letters it at once instead of letting it block its partition.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})T/;
const ISO_DATETIME_WITH_ZONE = z.iso.datetime({ offset: true });

/** A real instant: ISO 8601 with a zone, a calendar date that exists (no 30 February), year 1 or later. */
export function isRealTimestamp(value: string): boolean {
  if (!ISO_DATETIME_WITH_ZONE.safeParse(value).success) return false;
  const [, y, m, d] = ISO_DATE.exec(value)!.map(Number) as [number, number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && day.getUTCMonth() === m - 1 && day.getUTCDate() === d && !Number.isNaN(Date.parse(value));
}

/* Postgres text and jsonb refuse NUL and lone UTF-16 surrogates. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/*
 * Parsed JSON holds a NUL or a lone surrogate only where its text had a `\u` escape: a raw NUL
 * is not valid JSON, and text decoded from UTF-8 holds no lone surrogate. So a text without
 * one needs no walk of the parsed value (most events: JSON.stringify escapes only control
 * characters and lone surrogates).
 */
function storable(value: unknown, text: string): boolean {
  if (!text.includes('\\u')) return true;
  let ok = true;
  JSON.stringify(value, (key, v: unknown) => {
    if (UNSTORABLE.test(key) || (typeof v === 'string' && UNSTORABLE.test(v))) ok = false;
    return v;
  });
  return ok;
}

/* The shape; `toConsumableEnvelope` adds the storable check, which needs the message's text. */
const consumableEnvelopeSchema = eventEnvelopeSchema
  .extend({
    event: z.string().regex(/^[a-z][a-z0-9_.]{0,127}$/, 'must be an event name'),
    created_at: z.string().refine(isRealTimestamp, 'must be an ISO 8601 timestamp with a zone'),
    environment_id: z.string().regex(/^[A-Za-z0-9_]{1,128}$/, 'must be an environment ID'),
  });

/** A message value as JSON: `json` with its text, or `error` when it is not JSON. */
export type ParsedMessage = { json: unknown; text: string } | { error: string };

export function parseMessageJson(value: Buffer | null): ParsedMessage {
  const text = value?.toString('utf8') ?? 'null';
  try {
    return { json: JSON.parse(text), text };
  } catch {
    return { error: 'not JSON' };
  }
}

/** The event type a parsed message names, before any validation (undefined: it names none). */
export function claimedEventType(message: ParsedMessage): string | undefined {
  if (!('json' in message)) return undefined;
  const { json } = message;
  const type = json && typeof json === 'object' ? (json as { event?: unknown }).event : undefined;
  return typeof type === 'string' ? type : undefined;
}

/** The envelope in a parsed message, or the reason it is not one. */
export function toConsumableEnvelope(message: ParsedMessage): { envelope: EventEnvelope } | { error: string } {
  if (!('json' in message)) return message;
  const parsed = consumableEnvelopeSchema.safeParse(message.json);
  if (!parsed.success) {
    return { error: `not an event envelope: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}` };
  }
  if (!storable(parsed.data, message.text)) return { error: 'not an event envelope: (root) contains a NUL character or an unpaired surrogate' };
  return { envelope: parsed.data as EventEnvelope };
}

/** The envelope in a message value, or the reason it is not one. */
export function parseConsumableEnvelope(value: Buffer | null): { envelope: EventEnvelope } | { error: string } {
  return toConsumableEnvelope(parseMessageJson(value));
}
