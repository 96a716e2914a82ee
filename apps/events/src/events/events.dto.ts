import { z } from 'zod';
import { eventEnvelopeSchema, listEnvelopeSchema, type ListEnvelope, type PublicEvent } from '@wos/contracts';
import { paginationQuerySchema, ValidationError, type RouteDoc } from '@wos/platform';

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** ISO 8601 instant (`2026-11-01T10:00:00Z`, with an offset, or a bare date meaning its UTC midnight). */
const isoInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((s) => new Date(s));

/*
 * Other spellings of `events`: `events[]=a` (older docs), and `event_types` / `event_types[]`
 * (a common mistake, issue 23). Each arrives as its own key and is folded into `events`.
 */
const EVENTS_SYNONYMS = ['events[]', 'event_types', 'event_types[]'];

function mergeEventKeys(query: unknown): unknown {
  if (!query || typeof query !== 'object' || !EVENTS_SYNONYMS.some((k) => k in query)) return query;
  const rest: Record<string, unknown> = { ...(query as Record<string, unknown>) };
  const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const merged = [...list(rest.events)];
  for (const key of EVENTS_SYNONYMS) {
    merged.push(...list(rest[key]));
    delete rest[key];
  }
  return { ...rest, events: merged };
}

/* `after=2025-01-01T00:00:00Z`: a time where an event ID belongs (issue 23). */
const LOOKS_LIKE_TIME = /^\d{4}-\d{2}-\d{2}([T ]|$)/;
const AFTER_IS_A_TIME =
  'after must be an event ID (event_…) from a previous page, not a time. To list events from a point in time, use range_start (ISO 8601) instead.';

/**
 * Refuses a time given as `after` with a message that names `range_start`, in the top-level
 * message as well as the field error: it is thrown rather than reported as an issue, because
 * the 422's `message` is what a caller reads first.
 */
function refuseTimeAsCursor(query: unknown): unknown {
  const after = (query as Record<string, unknown> | null)?.after;
  if (typeof after === 'string' && LOOKS_LIKE_TIME.test(after)) {
    throw new ValidationError([{ field: 'after', code: 'after_is_a_time', message: AFTER_IS_A_TIME }], AFTER_IS_A_TIME);
  }
  return query;
}

/** `events=a,b`, repeated `events=a&events=b`, or both: one de-duplicated list of types. */
function splitEventTypes(value: unknown): unknown {
  if (value === undefined) return undefined;
  const parts: unknown[] = Array.isArray(value) ? value : [value];
  if (!parts.every((p): p is string => typeof p === 'string')) return value;
  return [...new Set(parts.flatMap((p) => p.split(',')).map((s) => s.trim()).filter(Boolean))];
}

export const listEventsQueryShape = z.object({
  events: z
    .preprocess(splitEventTypes, z.array(z.string().regex(EVENT_TYPE, 'must be event types such as organization.created')).min(1).max(100))
    .describe('Event types to return; required. Comma-joined (events=a,b), repeated (events=a&events=b), events[]=a, or event_types / event_types[] (synonyms).'),
  organization_id: z.string().min(1).optional().describe('Only events about this organization.'),
  range_start: isoInstant.optional().describe('ISO 8601; events created at or after this instant. Not combinable with after.'),
  range_end: isoInstant.optional().describe('ISO 8601; events created before this instant.'),
  after: z.string().min(1).optional().describe('An event ID from this environment; returns the events that follow it in `order`.'),
  before: z.string().min(1).optional().describe('An event ID from this environment; returns the events that precede it in `order`.'),
  limit: paginationQuerySchema.shape.limit,
  order: z.enum(['asc', 'desc']).default('asc').describe('asc (default) lists oldest first.'),
});

export const listEventsQuerySchema = z.preprocess((q) => mergeEventKeys(refuseTimeAsCursor(q)), listEventsQueryShape).superRefine((q, ctx) => {
  if (q.range_start && q.after) ctx.addIssue({ code: 'custom', path: ['range_start'], message: 'cannot be combined with after.' });
  if (q.after && q.before) ctx.addIssue({ code: 'custom', path: ['before'], message: 'cannot be combined with after.' });
  if (q.range_start && q.range_end && q.range_start >= q.range_end) {
    ctx.addIssue({ code: 'custom', path: ['range_end'], message: 'must be later than range_start.' });
  }
});
export type ListEventsQuery = z.infer<typeof listEventsQuerySchema>;

export const publicEventSchema = eventEnvelopeSchema.omit({ environment_id: true });
export const listEventsResponseSchema = listEnvelopeSchema(publicEventSchema);

/** The stored payload in WorkOS's field order (JSONB does not keep key order). */
export function toEventWire(payload: PublicEvent): PublicEvent {
  const { object, id, event, data, created_at, context } = payload;
  return { object, id, event, data, created_at, ...(context ? { context } : {}) };
}

/**
 * `after` is the ID of the last event returned, even on the last page, and null only when the
 * page is empty: a poller keeps asking with `after` and picks up events stored since. `before`
 * is always null.
 */
export function toEventList(events: PublicEvent[]): ListEnvelope<PublicEvent> {
  const data = events.map(toEventWire);
  return { object: 'list', data, list_metadata: { before: null, after: data.at(-1)?.id ?? null } };
}

export const eventsRoutes: RouteDoc[] = [
  { method: 'get', path: '/events', summary: 'List events', query: listEventsQueryShape, response: listEventsResponseSchema },
];
