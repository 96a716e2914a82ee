import { z } from 'zod';

/**
 * WorkOS's rules for one audit-log event (WORKOS_API.md §11; docs "Metadata Schema": a metadata
 * object has at most 50 keys, key names up to 40 characters, values up to 500). The other bounds
 * are ours, chosen so a row stays small and a SIEM line bounded, and are documented in
 * docs/ARCHITECTURE.md ("Audit Logs"). Pure: no Nest, no I/O.
 */
export const EVENT_LIMITS = {
  metadataKeys: 50,
  metadataKeyLength: 40,
  metadataValueLength: 500,
  /** IDs, types, names, location and user agent. */
  stringLength: 500,
  actionLength: 100,
  targets: 50,
  /** How far in the future occurred_at may be (clock skew between the caller and us). */
  futureSkewMs: 24 * 3600_000,
} as const;

const ORGANIZATION_ID = /^org_[0-9A-HJKMNP-TV-Z]{26}$/;

const text = (max: number) => z.string().min(1).max(max);

/** A metadata object: flat, primitive values, WorkOS's key and size limits. */
export const metadataSchema = z.record(z.string(), z.unknown()).superRefine((m, ctx) => {
  const keys = Object.keys(m);
  if (keys.length > EVENT_LIMITS.metadataKeys) ctx.addIssue({ code: 'custom', message: `has ${keys.length} keys; at most ${EVENT_LIMITS.metadataKeys} are allowed` });
  for (const key of keys) {
    const value = m[key];
    if (key.length > EVENT_LIMITS.metadataKeyLength) {
      ctx.addIssue({ code: 'custom', path: [key], message: `key is longer than ${EVENT_LIMITS.metadataKeyLength} characters` });
    } else if (typeof value === 'string') {
      if (value.length > EVENT_LIMITS.metadataValueLength) ctx.addIssue({ code: 'custom', path: [key], message: `value is longer than ${EVENT_LIMITS.metadataValueLength} characters` });
    } else if (!(typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'value must be a string, a number or a boolean' });
    }
  }
}) as unknown as z.ZodType<Record<string, string | number | boolean>>;

const entitySchema = z.strictObject({
  id: text(EVENT_LIMITS.stringLength),
  type: text(EVENT_LIMITS.stringLength),
  name: z.string().max(EVENT_LIMITS.stringLength).optional(),
  metadata: metadataSchema.optional(),
});

/** The body of `POST /audit_logs/events` as the SDK sends it (unknown fields are refused). */
export const createEventBodySchema = z.strictObject({
  organization_id: z.string().regex(ORGANIZATION_ID, 'must be an organization ID (org_…)'),
  event: z.strictObject({
    action: text(EVENT_LIMITS.actionLength).regex(/^\S+$/, 'must not contain whitespace'),
    version: z.number().int().min(1).optional(),
    occurred_at: z.iso.datetime({ offset: true }),
    actor: entitySchema,
    targets: z.array(entitySchema).max(EVENT_LIMITS.targets),
    context: z.strictObject({
      location: text(EVENT_LIMITS.stringLength),
      user_agent: z.string().max(EVENT_LIMITS.stringLength).optional(),
    }),
    metadata: metadataSchema.optional(),
  }),
});
export type CreateEventBody = z.infer<typeof createEventBodySchema>;
export type AuditEventInput = CreateEventBody['event'];

/**
 * occurred_at must fall between the oldest instant any retention keeps and a day from now: an
 * older event would be removed at once, and a month far ahead would need its partition made
 * for nothing. Returns the problem, or undefined.
 */
export function occurredAtProblem(occurredAt: Date, now: Date, longestRetentionDays: number): string | undefined {
  if (occurredAt.getTime() > now.getTime() + EVENT_LIMITS.futureSkewMs) return 'is more than a day in the future';
  if (occurredAt.getTime() < now.getTime() - longestRetentionDays * 86_400_000) return `is older than the longest retention period (${longestRetentionDays} days)`;
  return undefined;
}
