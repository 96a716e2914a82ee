import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { claimInbox, NotifiedCache, pgExecutor, pgTransaction, registry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import type { PortalLink, PortalSession, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';

/* The channel the migration's trigger NOTIFYs each changed session's token_hash on (20261207040000_notify_portal_sessions). */
export const SESSION_ROWS_CHANNEL = 'portal_sessions';
/* Far more sessions than a replica serves at once (as PortalSessionCache). */
const MAX_CACHED_SESSIONS = 10_000;
/* Backstop should a notification ever be missed; every write notifies. */
const SESSION_ROWS_TTL_MS = 60_000;

const sessionLookups = new Counter({ name: 'portal_session_lookups_total', help: 'Portal session lookups by cookie, by where the row came from (cache, database)', labelNames: ['source'], registers: [registry] });

/* A portal_sessions row in PortalSession's shape (pg returns text[] as an array, jsonb parsed, timestamptz as a Date). */
const SESSION_COLUMNS = `token_hash AS "tokenHash", environment_id AS "environmentId", organization_id AS "organizationId", link_id AS "linkId", intents,
  csrf_token AS "csrfToken", return_url AS "returnUrl", success_url AS "successUrl", sso_provider_type AS "ssoProviderType",
  pending_sso_test AS "pendingSsoTest", writes, expires_at AS "expiresAt", created_at AS "createdAt"`;

/**
 * The only Prisma caller for portal links and sessions. Every method but the token lookups takes
 * the environment first. Session rows are read through a per-process cache kept coherent by
 * NOTIFY (NotifiedCache): every insert, update and delete of portal_sessions notifies the row's
 * token_hash from a trigger, whoever writes, and this process drops a session it wrote itself at
 * once (countWrite). So a cached row, and with it the session's count of writes that keys its
 * kept page reads (PortalSessionCache), is never staler than one notification delivery on any
 * replica; without a LISTEN connection every lookup reads the database.
 */
@Injectable()
export class LinksRepository implements OnModuleInit, OnModuleDestroy {
  private readonly sessions: NotifiedCache<PortalSession | null>;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.sessions = new NotifiedCache({
      databaseUrl: config.DATABASE_URL,
      channel: SESSION_ROWS_CHANNEL,
      load: (tokenHash) => this.readSession(tokenHash),
      maxEntries: MAX_CACHED_SESSIONS,
      ttlMs: SESSION_ROWS_TTL_MS,
      log: logger.child({ context: 'PortalSessionRows' }),
      lookups: sessionLookups,
    });
  }

  onModuleInit(): void {
    this.sessions.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.sessions.stop();
  }

  createLink(row: Prisma.PortalLinkUncheckedCreateInput): Promise<PortalLink> {
    return this.prisma.portalLink.create({ data: row });
  }

  /**
   * Spends a link at most once: one UPDATE that matches only an unopened, unrevoked, unexpired
   * link of this organization, so of two concurrent opens exactly one gets the row, and a link
   * presented under another organization's path is neither opened nor spent. The session is
   * written in the same transaction.
   */
  async openLink(tokenHash: string, organizationId: string, session: (link: PortalLink) => Omit<Prisma.PortalSessionUncheckedCreateInput, 'linkId'>): Promise<{ link: PortalLink; session: PortalSession } | null> {
    return this.prisma.$transaction(async (tx) => {
      const opened = await tx.$queryRaw<{ id: string }[]>`
        UPDATE portal_links SET opened_at = now()
        WHERE token_hash = ${tokenHash} AND organization_id = ${organizationId} AND opened_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING id`;
      if (!opened.length) return null;
      const link = (await tx.portalLink.findUnique({ where: { id: opened[0]!.id } }))!;
      const created = await tx.portalSession.create({ data: { ...session(link), linkId: link.id } });
      return { link, session: created };
    });
  }

  /** Why a link did not open (for the error page): null when the token names no link at all. */
  findLinkByToken(tokenHash: string): Promise<PortalLink | null> {
    return this.prisma.portalLink.findUnique({ where: { tokenHash } });
  }

  /**
   * A live session by its cookie's hash: expired ones are as good as absent (checked at every
   * lookup, so a cached row stops answering when its time is up). Every portal request's read,
   * so it comes from the session-row cache; callers must not modify the row (it is shared).
   */
  async findSession(tokenHash: string, now = Date.now()): Promise<PortalSession | null> {
    const row = await this.sessions.get(tokenHash);
    return row && row.expiresAt.getTime() > now ? row : null;
  }

  /* One named prepared statement on the pool, which costs far less than Prisma's query compilation. */
  private async readSession(tokenHash: string): Promise<PortalSession | null> {
    const { rows } = await this.prisma.pool.query<PortalSession>({
      name: 'portal_find_session',
      text: `SELECT ${SESSION_COLUMNS} FROM portal_sessions WHERE token_hash = $1`,
      values: [tokenHash],
    });
    return rows[0] ?? null;
  }

  /**
   * Counts one write of the session (PortalSession.writes), and drops the row from this process's
   * cache at once: the render that follows here reads the new count (other replicas drop it on
   * the trigger's notification).
   */
  async countWrite(environmentId: string, tokenHash: string): Promise<void> {
    try {
      await this.prisma.pool.query({ name: 'portal_count_session_write', text: 'UPDATE portal_sessions SET writes = writes + 1 WHERE environment_id = $1 AND token_hash = $2', values: [environmentId, tokenHash] });
    } finally {
      this.sessions.forget(tokenHash);
    }
  }

  /**
   * Revokes an IT contact's outstanding links and ends the sessions opened from them, together.
   * Returns once this process's session cache has dropped the ended sessions (fence).
   */
  async revokeForContact(environmentId: string, organizationId: string, contactId: string): Promise<number> {
    const ended = await this.prisma.$transaction(async (tx) => {
      const links = await tx.portalLink.findMany({ where: { environmentId, organizationId, itContactId: contactId }, select: { id: true } });
      await tx.portalLink.updateMany({ where: { environmentId, organizationId, itContactId: contactId, revokedAt: null }, data: { revokedAt: new Date() } });
      return (await tx.portalSession.deleteMany({ where: { environmentId, linkId: { in: links.map((l) => l.id) } } })).count;
    });
    if (ended) await this.sessions.fence();
    return ended;
  }

  /**
   * organization.deleted: the organization's links, sessions, test results and IT contacts go,
   * once per event (the inbox row commits with the deletions).
   */
  async deleteForOrganization(environmentId: string, organizationId: string, inbox: { consumer: string; eventId: string }): Promise<boolean> {
    const deleted = await pgTransaction(this.prisma.pool, async (client) => {
      if (!(await claimInbox(pgExecutor(client), inbox.consumer, inbox.eventId))) return false;
      for (const table of ['portal_sessions', 'portal_links', 'sso_test_results', 'it_contacts']) {
        await client.query(`DELETE FROM ${table} WHERE environment_id = $1 AND organization_id = $2`, [environmentId, organizationId]);
      }
      return true;
    });
    if (deleted) await this.sessions.fence();
    return deleted;
  }

  /** Housekeeping: links and sessions past their time (kept a day for the error page's sake). */
  async deleteExpired(before: Date): Promise<void> {
    await this.prisma.portalSession.deleteMany({ where: { expiresAt: { lt: before } } });
    await this.prisma.portalLink.deleteMany({ where: { expiresAt: { lt: before } } });
  }
}
