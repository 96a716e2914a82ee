import { z } from 'zod';
import { eventEnvelopeSchema } from './envelope';

/* Metadata values are what the SDK's types allow: strings, numbers and booleans. */
const auditLogMetadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

const auditLogEntitySchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string().optional(),
  metadata: auditLogMetadataSchema.optional(),
});

/**
 * One accepted audit-log event as SIEMs read it on `audit-logs.events.v1` (the `data` of an
 * `audit_log_event.created` envelope). The fields are WorkOS's create-event body, plus the
 * event's ID, its organization and when it was accepted. Documented in docs/siem-topic.md with a
 * JSON Schema (docs/schemas/audit-logs.events.v1.schema.json, checked against this by a test).
 */
export const auditLogEventSchema = z.object({
  object: z.literal('audit_log_event'),
  id: z.string(),
  organization_id: z.string(),
  action: z.string(),
  version: z.number().int().nullable(),
  occurred_at: z.string(),
  actor: auditLogEntitySchema,
  targets: z.array(auditLogEntitySchema),
  context: z.object({ location: z.string(), user_agent: z.string().optional() }),
  metadata: auditLogMetadataSchema.optional(),
  created_at: z.string(),
});
export type AuditLogEventWire = z.infer<typeof auditLogEventSchema>;

/** The events audit-logs publishes on Topic.auditLogs, the SIEM topic (never consumed by events or webhooks). */
export const auditLogsEventSchemas = {
  'audit_log_event.created': auditLogEventSchema,
} as const;

/**
 * A whole message value on `audit-logs.events.v1`, as a SIEM reads it: the platform's event
 * envelope around one audit-log event. Its JSON Schema is docs/schemas/audit-logs.events.v1.schema.json.
 */
export const auditLogSiemMessageSchema = eventEnvelopeSchema.extend({
  event: z.literal('audit_log_event.created'),
  data: auditLogEventSchema,
});
