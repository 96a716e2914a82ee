import { Injectable } from '@nestjs/common';
import { claimInbox, pgExecutor, pgTransaction } from '@wos/platform';
import type { PortalLink, PortalSession, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';

/* A portal_sessions row in PortalSession's shape (pg returns text[] as an array, jsonb parsed, timestamptz as a Date). */
const SESSION_COLUMNS = `token_hash AS "tokenHash", environment_id AS "environmentId", organization_id AS "organizationId", link_id AS "linkId", intents,
  csrf_token AS "csrfToken", return_url AS "returnUrl", success_url AS "successUrl", sso_provider_type AS "ssoProviderType",
  pending_sso_test AS "pendingSsoTest", writes, expires_at AS "expiresAt", created_at AS "createdAt"`;

/** The only Prisma caller for portal links and sessions. Every method but the token lookups takes the environment first. */
@Injectable()
export class LinksRepository {
  constructor(private readonly prisma: PrismaService) {}

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
   * A live session by its cookie's hash (expired ones are as good as absent). Every portal
   * request's read, so one named prepared statement on the pool, which costs far less than
   * Prisma's query compilation (as pipes' token lookup).
   */
  async findSession(tokenHash: string): Promise<PortalSession | null> {
    const { rows } = await this.prisma.pool.query<PortalSession>({
      name: 'portal_find_session',
      text: `SELECT ${SESSION_COLUMNS} FROM portal_sessions WHERE token_hash = $1 AND expires_at > $2`,
      values: [tokenHash, new Date()],
    });
    return rows[0] ?? null;
  }

  /** Counts one write of the session (PortalSession.writes). */
  async countWrite(environmentId: string, tokenHash: string): Promise<void> {
    await this.prisma.pool.query({ name: 'portal_count_session_write', text: 'UPDATE portal_sessions SET writes = writes + 1 WHERE environment_id = $1 AND token_hash = $2', values: [environmentId, tokenHash] });
  }

  updateSession(environmentId: string, tokenHash: string, data: Prisma.PortalSessionUpdateInput): Promise<unknown> {
    return this.prisma.portalSession.updateMany({ where: { environmentId, tokenHash }, data });
  }

  /** Revokes an IT contact's outstanding links and ends the sessions opened from them, together. */
  async revokeForContact(environmentId: string, organizationId: string, contactId: string): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const links = await tx.portalLink.findMany({ where: { environmentId, organizationId, itContactId: contactId }, select: { id: true } });
      await tx.portalLink.updateMany({ where: { environmentId, organizationId, itContactId: contactId, revokedAt: null }, data: { revokedAt: new Date() } });
      const ended = await tx.portalSession.deleteMany({ where: { environmentId, linkId: { in: links.map((l) => l.id) } } });
      return ended.count;
    });
  }

  /**
   * organization.deleted: the organization's links, sessions, test results and IT contacts go,
   * once per event (the inbox row commits with the deletions).
   */
  async deleteForOrganization(environmentId: string, organizationId: string, inbox: { consumer: string; eventId: string }): Promise<boolean> {
    return pgTransaction(this.prisma.pool, async (client) => {
      if (!(await claimInbox(pgExecutor(client), inbox.consumer, inbox.eventId))) return false;
      for (const table of ['portal_sessions', 'portal_links', 'sso_test_results', 'it_contacts']) {
        await client.query(`DELETE FROM ${table} WHERE environment_id = $1 AND organization_id = $2`, [environmentId, organizationId]);
      }
      return true;
    });
  }

  /** Housekeeping: links and sessions past their time (kept a day for the error page's sake). */
  async deleteExpired(before: Date): Promise<void> {
    await this.prisma.portalSession.deleteMany({ where: { expiresAt: { lt: before } } });
    await this.prisma.portalLink.deleteMany({ where: { expiresAt: { lt: before } } });
  }
}
