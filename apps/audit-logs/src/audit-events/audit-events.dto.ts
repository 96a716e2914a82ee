import { createHash } from 'node:crypto';
import type { AuditLogEventWire } from '@wos/contracts';
import { DomainError, toFieldErrors, type FieldError } from '@wos/platform';
import { createEventBodySchema, type AuditEventInput, type CreateEventBody } from '../audit-core/event-rules';
import type { ExportableEvent } from '../audit-core/export-csv';

/**
 * A refused event: 400 with `code` and `errors[]`, which the SDK turns into a
 * BadRequestException exposing each `{field, code}` (WORKOS_API.md §3.2, §11).
 */
export class InvalidAuditLogError extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super(400, 'invalid_audit_log', 'The audit log event could not be processed: see errors[] for each field.', { errors });
  }
}

export function parseCreateEventBody(body: unknown): CreateEventBody {
  const parsed = createEventBodySchema.safeParse(body ?? {});
  if (!parsed.success) throw new InvalidAuditLogError(toFieldErrors(parsed.error.issues));
  return parsed.data;
}

/** What the idempotency record compares: the request as the service understood it. */
export function requestDigest(body: CreateEventBody): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

export interface AuditEventRow {
  id: string;
  environmentId: string;
  organizationId: string;
  event: AuditEventInput;
  occurredAt: Date;
  createdAt: Date;
}

/** The SIEM topic's `data` (libs/contracts auditLogEventSchema). */
export function toAuditLogEventWire(row: AuditEventRow): AuditLogEventWire {
  const e = row.event;
  return {
    object: 'audit_log_event',
    id: row.id,
    organization_id: row.organizationId,
    action: e.action,
    version: e.version ?? null,
    occurred_at: row.occurredAt.toISOString(),
    actor: e.actor,
    targets: e.targets,
    context: e.context,
    ...(e.metadata ? { metadata: e.metadata } : {}),
    created_at: row.createdAt.toISOString(),
  };
}

/** The event as an export reads it back, which is what the chain digests (eventCells). */
export function toExportableEvent(row: AuditEventRow): ExportableEvent {
  const e = row.event;
  return { id: row.id, occurredAt: row.occurredAt, action: e.action, version: e.version ?? null, actor: e.actor, targets: e.targets, context: e.context, metadata: e.metadata ?? null };
}
