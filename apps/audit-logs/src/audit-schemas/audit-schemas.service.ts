import { Injectable } from '@nestjs/common';
import type { ListEnvelope } from '@wos/contracts';
import { paginate, toListEnvelope, ValidationError } from '@wos/platform';
import { ACTION_PATTERN, type CreateSchemaBody, type StoredSchema } from '../audit-core/schema-rules';
import { toAuditLogSchemaWire, type AuditLogSchemaWire, type ListSchemasQuery } from './audit-schemas.dto';
import { AuditSchemasRepository } from './audit-schemas.repository';

/** What an event's action and version resolve to. */
export type SchemaLookup = { kind: 'none' } | { kind: 'found'; schema: StoredSchema } | { kind: 'version_not_found'; version: number };

/**
 * Versioned schemas per (environment, action). Invariant: a written version never changes, so
 * an event validated against version n stays valid for n. Schemas are configuration, not
 * audit facts: they are not published on the SIEM topic.
 */
@Injectable()
export class AuditSchemasService {
  constructor(private readonly repo: AuditSchemasRepository) {}

  async create(environmentId: string, action: string, body: CreateSchemaBody): Promise<AuditLogSchemaWire> {
    assertAction(action);
    return toAuditLogSchemaWire(await this.repo.create(environmentId, action, body));
  }

  async list(environmentId: string, action: string, query: ListSchemasQuery): Promise<ListEnvelope<AuditLogSchemaWire>> {
    assertAction(action);
    const page = await paginate(query, async (req) => (await this.repo.page(environmentId, action, req)).map((row) => ({ id: String(row.version), row })));
    return toListEnvelope(page, (p) => toAuditLogSchemaWire(p.row));
  }

  /** The schema an event of `action` is checked against: the version it names, else the latest. */
  async forEvent(environmentId: string, action: string, version: number | undefined): Promise<SchemaLookup> {
    const { schema, any } = await this.repo.lookup(environmentId, action, version);
    if (schema) return { kind: 'found', schema };
    if (version !== undefined && any) return { kind: 'version_not_found', version };
    return { kind: 'none' };
  }
}

function assertAction(action: string): void {
  if (!ACTION_PATTERN.test(action)) throw new ValidationError([{ field: 'action', code: 'action_invalid', message: 'action must be 1 to 100 characters without whitespace or slashes.' }]);
}
