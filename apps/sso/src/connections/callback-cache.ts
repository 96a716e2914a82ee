import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { NotifiedCache, registry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { PrismaService } from '../infra/prisma.service';
import { fromRow, type ConnectionRow } from './connection-row';
import type { ConnectionWithDomains } from './connections.dto';

/* The channel the migration's trigger NOTIFYs each changed connection's ID on (20261207060000_notify_connections). */
export const CONNECTIONS_CHANNEL = 'sso_connections';
const MAX_ENTRIES = 10_000;
/* Backstop should a notification ever be missed; every write notifies. */
const TTL_MS = 60_000;

const lookups = new Counter({ name: 'sso_callback_connection_lookups_total', help: 'Connection lookups of the unsigned callbacks (SAML ACS, OIDC callback, metadata), by source (cache, database)', labelNames: ['source'], registers: [registry] });

/**
 * The connection an unsigned callback's URL names (SAML ACS, OIDC callback, SP metadata), by ID,
 * from a per-process cache kept coherent by NOTIFY (NotifiedCache). Invariants:
 * - every insert, update and delete of `connections` NOTIFYs the row's ID from a trigger,
 *   whoever writes (the API, a state change, a certificate rotation, the metadata refresh, an
 *   organization's deletion, SQL); each notification drops it, milliseconds after the commit;
 * - this process's own writes drop the ID once committed (`changed`), so a deactivation or a
 *   deletion refuses the very next callback here, and on other replicas one notification later;
 * - without a LISTEN connection every lookup reads the database.
 * The row has no domains (no callback reads them); callers must not modify it (it is shared).
 */
@Injectable()
export class ConnectionCallbackCache implements OnModuleInit, OnModuleDestroy {
  private readonly cache: NotifiedCache<ConnectionWithDomains | null>;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.cache = new NotifiedCache({
      databaseUrl: config.DATABASE_URL,
      channel: CONNECTIONS_CHANNEL,
      load: (id) => this.read(id),
      maxEntries: MAX_ENTRIES,
      ttlMs: TTL_MS,
      log: logger.child({ context: ConnectionCallbackCache.name }),
      lookups,
    });
  }

  onModuleInit(): void {
    this.cache.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache.stop();
  }

  get(id: string): Promise<ConnectionWithDomains | null> {
    return this.cache.get(id);
  }

  /** This process committed a change to these connections (its own write need not wait for the notification). */
  changed(...ids: string[]): void {
    for (const id of ids) this.cache.forget(id);
  }

  /* One named prepared statement on the pool, where Prisma's include would cost two queries. */
  private async read(id: string): Promise<ConnectionWithDomains | null> {
    const { rows } = await this.prisma.pool.query<ConnectionRow>({ name: 'connection_for_callback', text: 'SELECT * FROM connections WHERE id = $1', values: [id] });
    const r = rows[0];
    return r ? { ...fromRow(r), domains: [] } : null;
  }
}
