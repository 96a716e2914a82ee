import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { NotifiedCache, registry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { PrismaService } from '../infra/prisma.service';
import { fromRow, type ConnectionRow } from './connection-row';
import type { ConnectionWithDomains } from './connections.dto';

/*
 * The channel the triggers NOTIFY on: each changed connection's ID, and its organization's key
 * (20261207060000_notify_connections, 20261207070000_notify_connection_organizations).
 */
export const CONNECTIONS_CHANNEL = 'sso_connections';
const MAX_ENTRIES = 10_000;
/* Backstop should a notification ever be missed; every write notifies. */
const TTL_MS = 60_000;

const lookups = new Counter({
  name: 'sso_connection_lookups_total',
  help: 'Connection lookups of the unsigned callbacks (SAML ACS, OIDC callback, metadata) and of the Admin Portal SSO page, by source (cache, database)',
  labelNames: ['source'],
  registers: [registry],
});

/** The organization key: a space never occurs in a connection ID, so the two key kinds never meet. */
const organizationKey = (environmentId: string, organizationId: string) => `${environmentId} ${organizationId}`;

/** What a write changed: the connection, and the organization whose newest connection it may be. */
export type ChangedConnection = Pick<ConnectionWithDomains, 'id' | 'environmentId' | 'organizationId'>;

/**
 * Two hot reads from one per-process cache kept coherent by NOTIFY (NotifiedCache, one LISTEN
 * connection):
 * - by connection ID, the connection an unsigned callback's URL names (SAML ACS, OIDC callback,
 *   SP metadata), without its domains;
 * - by environment and organization, the organization's newest connection with its domains (the
 *   Admin Portal's SSO page), or null.
 * Invariants:
 * - every insert, update and delete of `connections` NOTIFYs the row's ID and its organization's
 *   key, and every change to `connection_domains` its connection's organization key, from
 *   triggers, whoever writes (the API, a state change, a certificate rotation, the metadata
 *   refresh, an organization's deletion, SQL); each notification drops the key, milliseconds
 *   after the commit;
 * - this process's own writes drop both keys once committed (`changed`), so a deactivation or a
 *   deletion refuses the very next callback here, and on other replicas one notification later;
 * - without a LISTEN connection every lookup reads the database.
 * Callers must not modify a returned row (it is shared).
 */
@Injectable()
export class ConnectionCache implements OnModuleInit, OnModuleDestroy {
  private readonly cache: NotifiedCache<ConnectionWithDomains | null>;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.cache = new NotifiedCache({
      databaseUrl: config.DATABASE_URL,
      channel: CONNECTIONS_CHANNEL,
      load: (key) => {
        const space = key.indexOf(' ');
        return space < 0 ? this.readById(key) : this.readNewestOfOrganization(key.slice(0, space), key.slice(space + 1));
      },
      maxEntries: MAX_ENTRIES,
      ttlMs: TTL_MS,
      log: logger.child({ context: ConnectionCache.name }),
      lookups,
    });
  }

  onModuleInit(): void {
    this.cache.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache.stop();
  }

  /** The connection by ID, with `domains` empty (no callback reads them). */
  forCallback(id: string): Promise<ConnectionWithDomains | null> {
    return this.cache.get(id);
  }

  /** The organization's newest connection (what `list` with that organization, newest first, gives first) with its domains. */
  newestOfOrganization(environmentId: string, organizationId: string): Promise<ConnectionWithDomains | null> {
    return this.cache.get(organizationKey(environmentId, organizationId));
  }

  /** This process committed a change to these connections (its own write need not wait for the notification). */
  changed(...connections: ChangedConnection[]): void {
    for (const c of connections) {
      this.cache.forget(c.id);
      if (c.organizationId) this.cache.forget(organizationKey(c.environmentId, c.organizationId));
    }
  }

  /* One named prepared statement on the pool each, where Prisma's include would cost two queries. */
  private async readById(id: string): Promise<ConnectionWithDomains | null> {
    const { rows } = await this.prisma.pool.query<ConnectionRow>({ name: 'connection_for_callback', text: 'SELECT * FROM connections WHERE id = $1', values: [id] });
    const r = rows[0];
    return r ? { ...fromRow(r), domains: [] } : null;
  }

  private async readNewestOfOrganization(environmentId: string, organizationId: string): Promise<ConnectionWithDomains | null> {
    const { rows } = await this.prisma.pool.query<ConnectionRow & { domains: { id: string; domain: string }[] }>({
      name: 'connection_newest_of_organization',
      text: `SELECT c.*, coalesce((SELECT json_agg(json_build_object('id', d.id, 'domain', d.domain) ORDER BY d.id) FROM connection_domains d WHERE d.connection_id = c.id), '[]'::json) AS domains
             FROM connections c WHERE c.environment_id = $1 AND c.organization_id = $2 ORDER BY c.id DESC LIMIT 1`,
      values: [environmentId, organizationId],
    });
    const r = rows[0];
    return r ? { ...fromRow(r), domains: r.domains.map((d) => ({ id: d.id, environmentId: r.environment_id, connectionId: r.id, domain: d.domain })) } : null;
  }
}
