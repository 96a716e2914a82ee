import { Inject, Injectable } from '@nestjs/common';
import { INVALID_IDEMPOTENCY_KEY_MESSAGE, MAX_IDEMPOTENCY_KEY_LENGTH } from '@wos/contracts';
import { BadRequestError, newId } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { occurredAtProblem } from '../audit-core/event-rules';
import { checkEventAgainstSchema } from '../audit-core/schema-rules';
import { AuditSchemasService } from '../audit-schemas/audit-schemas.service';
import { PartitionsService } from '../partitions/partitions.service';
import { eventDigest } from '../audit-core/chain';
import { eventCells } from '../audit-core/export-csv';
import { InvalidAuditLogError, parseCreateEventBody, requestDigest, toAuditLogEventWire, toExportableEvent, type AuditEventRow } from './audit-events.dto';
import { auditLogEventCreated, auditLogEventOcsf } from './audit-events.events';
import { AuditEventsRepository } from './audit-events.repository';

/* Postgres found no partition for the row: another replica's retention dropped a month this one still had cached. */
const NO_PARTITION = '23514';

/**
 * Ingest. Invariants: an event is stored only when it passes WorkOS's rules and, when its
 * action has schemas, the version it names (default: the latest); the stored event and its
 * SIEM messages (and the OCSF rendering unless AUDIT_LOGS_OCSF_TOPIC is off) commit together; one Idempotency-Key stores at most one event per environment
 * in 24 hours.
 */
@Injectable()
export class AuditEventsService {
  private readonly longestRetentionDays: number;
  private readonly ocsf: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repo: AuditEventsRepository,
    private readonly schemas: AuditSchemasService,
    private readonly partitions: PartitionsService,
  ) {
    this.longestRetentionDays = Math.max(...config.AUDIT_LOGS_RETENTION_DAYS_ALLOWED);
    this.ocsf = config.AUDIT_LOGS_OCSF_TOPIC;
  }

  /** Stores the event, or finds its Idempotency-Key's event already stored ('replayed'). */
  async create(environmentId: string, rawBody: unknown, idempotencyKey: string | undefined): Promise<'created' | 'replayed'> {
    if (idempotencyKey !== undefined && idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw new BadRequestError('invalid_idempotency_key', INVALID_IDEMPOTENCY_KEY_MESSAGE);
    const body = parseCreateEventBody(rawBody);
    const now = new Date();
    const occurredAt = new Date(body.event.occurred_at);
    const timeProblem = occurredAtProblem(occurredAt, now, this.longestRetentionDays);
    if (timeProblem) throw new InvalidAuditLogError([{ field: 'event.occurred_at', code: 'occurred_at_out_of_range', message: `event.occurred_at ${timeProblem}.` }]);

    const lookup = await this.schemas.forEvent(environmentId, body.event.action, body.event.version);
    if (lookup.kind === 'version_not_found') {
      throw new InvalidAuditLogError([{ field: 'event.version', code: 'schema_version_not_found', message: `Action ${body.event.action} has no schema version ${lookup.version}.` }]);
    }
    if (lookup.kind === 'found') {
      const violations = checkEventAgainstSchema(body.event, lookup.schema);
      if (violations.length) throw new InvalidAuditLogError(violations);
    }

    const row: AuditEventRow = { id: newId('audit_log_event'), environmentId, organizationId: body.organization_id, event: body.event, occurredAt, createdAt: now };
    // The version the event was checked against is the one it records.
    if (lookup.kind === 'found') row.event = { ...body.event, version: lookup.schema.version };
    const wire = toAuditLogEventWire(row);
    const messages = [auditLogEventCreated(wire, environmentId), ...(this.ocsf ? [auditLogEventOcsf(wire, environmentId)] : [])];
    const digest = eventDigest(eventCells(toExportableEvent(row)));
    const claim = idempotencyKey ? { key: idempotencyKey, requestSha256: requestDigest(body) } : undefined;

    let outcome;
    try {
      await this.partitions.ensureFor(occurredAt);
      outcome = await this.repo.insert(environmentId, row, digest, messages, claim);
    } catch (err) {
      if ((err as { code?: string }).code !== NO_PARTITION) throw err;
      this.partitions.forget(occurredAt);
      await this.partitions.ensureFor(occurredAt);
      outcome = await this.repo.insert(environmentId, row, digest, messages, claim);
    }
    if (outcome === 'key_reused') {
      throw new BadRequestError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request. Use a new key for a different request.');
    }
    return outcome;
  }
}
