import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { NotifiedCache, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { Prisma, type SsoTestResult } from '../../generated/prisma/client';
import { PrismaService } from '../../infra/prisma.service';

/* The channel the migration's trigger NOTIFYs each changed result's latestKey on (20261207050000_notify_sso_test_results). */
export const SSO_TESTS_CHANNEL = 'portal_sso_tests';
/* Connections whose newest test is kept; a report is a few KB. */
const MAX_CACHED_CONNECTIONS = 2_000;
/* Backstop should a notification ever be missed; every write notifies. */
const SSO_TESTS_TTL_MS = 60_000;

/** The cache key of a connection's newest test; the trigger builds the same string. */
export const latestKey = (environmentId: string, organizationId: string, connectionId: string) => `${environmentId} ${organizationId} ${connectionId}`;

export interface PendingSsoTest {
  state: string;
  verifier: string;
  connectionId: string;
  startedAt: string;
}

/**
 * SSO self-test state and results. Every method takes the environment first. A connection's
 * newest test comes from a per-process cache kept coherent by NOTIFY (NotifiedCache): every
 * insert, update and delete of sso_test_results notifies its latestKey from a trigger, whoever
 * writes, and this process drops the key of a result it records at once. So the SSO page never
 * shows a test older than one notification delivery, on any replica.
 */
@Injectable()
export class SsoTestsRepository implements OnModuleInit, OnModuleDestroy {
  private readonly newest: NotifiedCache<SsoTestResult | null>;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.newest = new NotifiedCache({
      databaseUrl: config.DATABASE_URL,
      channel: SSO_TESTS_CHANNEL,
      load: (key) => {
        const [environmentId, organizationId, connectionId] = key.split(' ') as [string, string, string];
        return this.readLatest(environmentId, organizationId, connectionId);
      },
      maxEntries: MAX_CACHED_CONNECTIONS,
      ttlMs: SSO_TESTS_TTL_MS,
      log: logger.child({ context: 'PortalSsoTests' }),
    });
  }

  onModuleInit(): void {
    this.newest.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.newest.stop();
  }

  async setPending(environmentId: string, sessionHash: string, pending: PendingSsoTest | null): Promise<void> {
    await this.prisma.portalSession.updateMany({ where: { environmentId, tokenHash: sessionHash }, data: { pendingSsoTest: pending ? (pending as unknown as Prisma.InputJsonValue) : Prisma.DbNull } });
  }

  async record(row: Prisma.SsoTestResultUncheckedCreateInput): Promise<SsoTestResult> {
    try {
      return await this.prisma.ssoTestResult.create({ data: row });
    } finally {
      this.newest.forget(latestKey(row.environmentId, row.organizationId, row.connectionId));
    }
  }

  /** The connection's newest test (every render of the SSO page shows it); callers must not modify it (it is shared). */
  latest(environmentId: string, organizationId: string, connectionId: string): Promise<SsoTestResult | null> {
    return this.newest.get(latestKey(environmentId, organizationId, connectionId));
  }

  /* A named prepared statement on the pool (not Prisma). */
  private async readLatest(environmentId: string, organizationId: string, connectionId: string): Promise<SsoTestResult | null> {
    const { rows } = await this.prisma.pool.query<{ id: string; environment_id: string; organization_id: string; connection_id: string; outcome: string; report: Prisma.JsonValue; created_at: Date }>({
      name: 'portal_latest_sso_test',
      text: `SELECT id, environment_id, organization_id, connection_id, outcome, report, created_at FROM sso_test_results
             WHERE environment_id = $1 AND organization_id = $2 AND connection_id = $3 ORDER BY created_at DESC LIMIT 1`,
      values: [environmentId, organizationId, connectionId],
    });
    const r = rows[0];
    return r ? { id: r.id, environmentId: r.environment_id, organizationId: r.organization_id, connectionId: r.connection_id, outcome: r.outcome, report: r.report, createdAt: r.created_at } : null;
  }

  /** The NameID the previous passing test of this email saw on this connection. */
  async previousIdpId(environmentId: string, organizationId: string, connectionId: string, email: string): Promise<string | null> {
    const rows = await this.prisma.ssoTestResult.findMany({ where: { environmentId, organizationId, connectionId, outcome: 'passed' }, orderBy: { createdAt: 'desc' }, take: 20 });
    const hit = rows.map((r) => r.report as { profile?: { email?: string; idp_id?: string } }).find((r) => r.profile?.email === email);
    return hit?.profile?.idp_id ?? null;
  }
}
