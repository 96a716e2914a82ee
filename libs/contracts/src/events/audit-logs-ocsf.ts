import { z } from 'zod';

/**
 * One audit-log event as OCSF 1.3.0 (the Open Cybersecurity Schema Framework), the message value
 * on `audit-logs.ocsf.v1` (message key: the organization ID). The event is rendered into one of
 * three classes by its action (apps/audit-logs/src/audit-core/ocsf.ts; the table is in
 * docs/ARCHITECTURE.md): Authentication (3002), Account Change (3001) or API Activity (6003).
 * What OCSF has no attribute for is kept under `unmapped`. JSON Schema:
 * docs/schemas/audit-logs.ocsf.v1.schema.json, checked against this by a test.
 */
const ocsfEntity = z.object({ uid: z.string(), type: z.string(), name: z.string().optional() });

export const auditLogOcsfSchema = z.object({
  class_uid: z.union([z.literal(3001), z.literal(3002), z.literal(6003)]),
  class_name: z.enum(['Account Change', 'Authentication', 'API Activity']),
  category_uid: z.union([z.literal(3), z.literal(6)]),
  category_name: z.enum(['Identity & Access Management', 'Application Activity']),
  activity_id: z.number().int(),
  activity_name: z.string(),
  /** class_uid × 100 + activity_id. */
  type_uid: z.number().int(),
  type_name: z.string(),
  /** occurred_at, milliseconds since the epoch. */
  time: z.number().int(),
  severity_id: z.literal(1),
  severity: z.literal('Informational'),
  status_id: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  status: z.enum(['Unknown', 'Success', 'Failure']),
  message: z.string(),
  metadata: z.object({
    version: z.literal('1.3.0'),
    /** The audit-log event's ID. */
    uid: z.string(),
    /** The organization. */
    tenant_uid: z.string(),
    product: z.object({ name: z.literal('wos-platform Audit Logs'), vendor_name: z.literal('wos-platform') }),
    /** When the service accepted the event, milliseconds since the epoch. */
    logged_time: z.number().int(),
    log_name: z.literal('audit-logs.ocsf.v1'),
  }),
  actor: z.object({ user: ocsfEntity }),
  /** Set for Authentication and Account Change: the user target if any, else the actor. */
  user: ocsfEntity.optional(),
  /** The event's targets. */
  resources: z.array(ocsfEntity),
  /** Set for API Activity: the action as the operation. */
  api: z.object({ operation: z.string() }).optional(),
  /** context.location when it is an IP address. */
  src_endpoint: z.object({ ip: z.string() }).optional(),
  http_request: z.object({ user_agent: z.string() }).optional(),
  unmapped: z.object({
    action: z.string(),
    version: z.number().int().nullable(),
    location: z.string(),
    environment_id: z.string(),
    actor_metadata: z.record(z.string(), z.unknown()).optional(),
    target_metadata: z.array(z.record(z.string(), z.unknown()).nullable()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type AuditLogOcsf = z.infer<typeof auditLogOcsfSchema>;
