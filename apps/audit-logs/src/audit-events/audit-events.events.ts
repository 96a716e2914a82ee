import { Topic, type AuditLogEventWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* Keyed by the organization, so one organization's audit events stay in order on one partition of the SIEM topic. */
export function auditLogEventCreated(wire: AuditLogEventWire, environmentId: string): OutboxMessage {
  return { topic: Topic.auditLogs, key: wire.organization_id, event: buildEvent('audit_log_event.created', wire, environmentId) };
}
