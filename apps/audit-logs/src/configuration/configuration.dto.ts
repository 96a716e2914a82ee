import { z } from 'zod';
import type { LogStreamRow } from '../log-streams/log-streams.dto';

/** The Java SDK's `AuditLogConfigurationLogStream` (WorkOS's destination names and states). */
const logStreamSummarySchema = z.object({
  id: z.string(),
  type: z.enum(['Datadog', 'Splunk', 'GenericHttps', 'S3']),
  state: z.enum(['active', 'inactive', 'error']),
  last_synced_at: z.string().nullable(),
  created_at: z.string(),
});

/** `GET /organizations/:id/audit_log_configuration` (WorkOS: retention, trail state and the stream, if any). */
export const auditLogConfigurationWireSchema = z.object({
  organization_id: z.string(),
  retention_period_in_days: z.number().int(),
  /* Every organization's trail records here: there is no switch that disables it. */
  state: z.literal('active'),
  log_stream: logStreamSummarySchema.optional(),
});
export type AuditLogConfigurationWire = z.infer<typeof auditLogConfigurationWireSchema>;

const TYPE_NAMES = { datadog: 'Datadog', splunk: 'Splunk', https: 'GenericHttps', s3: 'S3' } as const;

/** A paused stream is `inactive`; an active one whose last attempts failed is `error`. */
export function toLogStreamSummary(r: LogStreamRow): z.infer<typeof logStreamSummarySchema> {
  return {
    id: r.id,
    type: TYPE_NAMES[r.type],
    state: r.state === 'paused' ? 'inactive' : r.failures > 0 ? 'error' : 'active',
    last_synced_at: r.lastDeliveredAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
  };
}
