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

/**
 * A signed point of an organization's audit-log hash chain (apps/audit-logs/src/audit-core/chain.ts
 * states the format): `kind` head (the chain up to `seq` hashes to `hash`) or truncation
 * (retention removed every event up to `seq`). The signing keys are at /audit_logs/chain/keys.
 */
export const auditLogCheckpointSchema = z.object({
  object: z.literal('audit_log_checkpoint'),
  id: z.string(),
  kind: z.enum(['head', 'truncation']),
  environment_id: z.string(),
  organization_id: z.string(),
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  created_at: z.string(),
  key_id: z.string(),
  signature: z.string(),
});

/** The events audit-logs publishes on Topic.auditLogs, the SIEM topic (never consumed by events or webhooks). */
export const auditLogsEventSchemas = {
  'audit_log_event.created': auditLogEventSchema,
  'audit_log_checkpoint.created': auditLogCheckpointSchema,
} as const;

/**
 * A whole message value on `audit-logs.events.v1`, as a SIEM reads it: the platform's event
 * envelope around one audit-log event or one chain checkpoint. Its JSON Schema is docs/schemas/audit-logs.events.v1.schema.json.
 */
export const auditLogSiemMessageSchema = z.discriminatedUnion('event', [
  eventEnvelopeSchema.extend({ event: z.literal('audit_log_event.created'), data: auditLogEventSchema }),
  eventEnvelopeSchema.extend({ event: z.literal('audit_log_checkpoint.created'), data: auditLogCheckpointSchema }),
]);
