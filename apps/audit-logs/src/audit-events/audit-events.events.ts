import { Topic, type AuditLogEventWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage, type OutboxRawMessage } from '@wos/platform';
import { toOcsf } from '../audit-core/ocsf';

/* Keyed by the organization, so one organization's audit events stay in order on one partition of the SIEM topic. */
export function auditLogEventCreated(wire: AuditLogEventWire, environmentId: string): OutboxMessage {
  return { topic: Topic.auditLogs, key: wire.organization_id, event: buildEvent('audit_log_event.created', wire, environmentId) };
}

/* The OCSF rendering of the same event, on its own topic, keyed the same way; its outbox ID is derived from the event's. */
export function auditLogEventOcsf(wire: AuditLogEventWire, environmentId: string): OutboxRawMessage {
  return { topic: Topic.auditLogsOcsf, key: wire.organization_id, id: `ocsf_${wire.id}`, value: toOcsf(wire, environmentId) };
}
