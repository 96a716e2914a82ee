import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ListEnvelope } from '@wos/contracts';
import { paginate, PgNotificationListener, toListEnvelope, ValidationError, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { ACTION_PATTERN, type CreateSchemaBody, type StoredSchema } from '../audit-core/schema-rules';
import { toAuditLogActionWire, toAuditLogSchemaWire, type AuditLogActionWire, type AuditLogSchemaWire, type ListActionsQuery, type ListSchemasQuery } from './audit-schemas.dto';
import { AuditSchemasRepository, SCHEMAS_CHANNEL } from './audit-schemas.repository';
import type { AuditLogSchemaRow } from './audit-schemas.dto';

const MAX_CACHED = 10_000;

/** What an event's action and version resolve to. */
export type SchemaLookup = { kind: 'none' } | { kind: 'found'; schema: StoredSchema } | { kind: 'version_not_found'; version: number };

/**
 * Versioned schemas per (environment, action). Invariant: a written version never changes, so
 * an event validated against version n stays valid for n. Schemas are configuration, not
 * audit facts: they are not published on the SIEM topic.
 *
 * Ingest reads them from a per-process cache of each action's versions (no query per event).
 * A new version NOTIFYs every replica at commit, which drops the action's entry; a load that
 * raced with a notification is not stored (a generation per action); the whole cache is dropped
 * whenever the listening connection was re-established. So an event is checked against the
 * latest version within milliseconds of its commit.
 */
@Injectable()
export class AuditSchemasService implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, AuditLogSchemaRow[]>();
  private readonly generation = new Map<string, number>();
  private epoch = 0;
  private readonly listener: PgNotificationListener;

  constructor(
    private readonly repo: AuditSchemasRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.listener = new PgNotificationListener(config.DATABASE_URL, SCHEMAS_CHANNEL, {
      onNotify: (key) => this.forget(key),
      onConnected: () => {
        this.cache.clear();
        this.epoch++;
      },
    }, logger.child({ context: AuditSchemasService.name }));
  }

  onModuleInit(): void {
    this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.stop();
  }

  private forget(key: string): void {
    this.cache.delete(key);
    this.generation.set(key, (this.generation.get(key) ?? 0) + 1);
    if (this.generation.size > MAX_CACHED) {
      // Bounded memory: start over (a new epoch also voids every load in flight).
      this.generation.clear();
      this.cache.clear();
      this.epoch++;
    }
  }

  private async versions(environmentId: string, action: string): Promise<AuditLogSchemaRow[]> {
    const key = `${environmentId}|${action}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const before = `${this.epoch}:${this.generation.get(key) ?? 0}`;
    const loaded = await this.repo.versions(environmentId, action);
    if (before === `${this.epoch}:${this.generation.get(key) ?? 0}`) {
      this.cache.set(key, loaded);
      if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    }
    return loaded;
  }

  async create(environmentId: string, action: string, body: CreateSchemaBody): Promise<AuditLogSchemaWire> {
    assertAction(action);
    const row = await this.repo.create(environmentId, action, body);
    this.forget(`${environmentId}|${action}`); // this replica reads its own write at once; the others on NOTIFY
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
    const all = await this.versions(environmentId, action);
    const schema = version === undefined ? all[all.length - 1] : all.find((s) => s.version === version);
    if (schema) return { kind: 'found', schema };
    if (version !== undefined && all.length) return { kind: 'version_not_found', version };
    return { kind: 'none' };
  }
}

function assertAction(action: string): void {
  if (!ACTION_PATTERN.test(action)) throw new ValidationError([{ field: 'action', code: 'action_invalid', message: 'action must be 1 to 100 characters without whitespace or slashes.' }]);
}
