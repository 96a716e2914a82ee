import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ListEnvelope } from '@wos/contracts';
import { NotifiedCache, paginate, toListEnvelope, ValidationError, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { ACTION_PATTERN, type CreateSchemaBody, type StoredSchema } from '../audit-core/schema-rules';
import { toAuditLogActionWire, toAuditLogSchemaWire, type AuditLogActionWire, type AuditLogSchemaWire, type ListActionsQuery, type ListSchemasQuery } from './audit-schemas.dto';
import { AuditSchemasRepository, SCHEMAS_CHANNEL } from './audit-schemas.repository';
import type { AuditLogSchemaRow } from './audit-schemas.dto';

const MAX_CACHED = 10_000;
/* Backstop should a notification ever be missed; every new version notifies. */
const TTL_MS = 60_000;

/** What an event's action and version resolve to. */
export type SchemaLookup = { kind: 'none' } | { kind: 'found'; schema: StoredSchema } | { kind: 'version_not_found'; version: number };

/**
 * Versioned schemas per (environment, action). Invariant: a written version never changes, so
 * an event validated against version n stays valid for n. Schemas are configuration, not
 * audit facts: they are not published on the SIEM topic.
 *
 * Ingest reads them from a per-process cache of each action's versions (no query per event),
 * the kit's NotifiedCache: a new version NOTIFYs `<environment>|<action>` at commit, which drops
 * the action's entry on every replica; nothing is answered from memory while the listening
 * connection is down. So an event is checked against the latest version within milliseconds of
 * its commit.
 */
@Injectable()
export class AuditSchemasService implements OnModuleInit, OnModuleDestroy {
  private readonly cache: NotifiedCache<AuditLogSchemaRow[]>;

  constructor(
    private readonly repo: AuditSchemasRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.cache = new NotifiedCache({
      databaseUrl: config.DATABASE_URL,
      channel: SCHEMAS_CHANNEL,
      load: (key) => {
        const at = key.indexOf('|');
        return this.repo.versions(key.slice(0, at), key.slice(at + 1));
      },
      maxEntries: MAX_CACHED,
      ttlMs: TTL_MS,
      log: logger.child({ context: AuditSchemasService.name }),
    });
  }

  onModuleInit(): void {
    this.cache.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache.stop();
  }

  async create(environmentId: string, action: string, body: CreateSchemaBody): Promise<AuditLogSchemaWire> {
    assertAction(action);
    const row = await this.repo.create(environmentId, action, body);
    this.cache.forget(`${environmentId}|${action}`); // this replica reads its own write at once; the others on NOTIFY
    return toAuditLogSchemaWire(row);
  }

  async list(environmentId: string, action: string, query: ListSchemasQuery): Promise<ListEnvelope<AuditLogSchemaWire>> {
    assertAction(action);
    const page = await paginate(query, async (req) => (await this.repo.page(environmentId, action, req)).map((row) => ({ id: String(row.version), row })));
    return toListEnvelope(page, (p) => toAuditLogSchemaWire(p.row));
  }

  /** `GET /audit_logs/actions`: the environment's actions with their latest schemas. */
  async listActions(environmentId: string, query: ListActionsQuery): Promise<ListEnvelope<AuditLogActionWire>> {
    const page = await paginate(query, async (req) => (await this.repo.actionsPage(environmentId, req)).map((row) => ({ id: row.latest.action, row })));
    return toListEnvelope(page, (p) => toAuditLogActionWire(p.row));
  }

  /** The schema an event of `action` is checked against: the version it names, else the latest. */
  async forEvent(environmentId: string, action: string, version: number | undefined): Promise<SchemaLookup> {
    const all = await this.cache.get(`${environmentId}|${action}`);
    const schema = version === undefined ? all[all.length - 1] : all.find((s) => s.version === version);
    if (schema) return { kind: 'found', schema };
    if (version !== undefined && all.length) return { kind: 'version_not_found', version };
    return { kind: 'none' };
  }
}

function assertAction(action: string): void {
  if (!ACTION_PATTERN.test(action)) throw new ValidationError([{ field: 'action', code: 'action_invalid', message: 'action must be 1 to 100 characters without whitespace or slashes.' }]);
}
