import { Injectable } from '@nestjs/common';
import { appendToOutbox, claimInbox, pgExecutor, pgTransaction, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import { ConnectionCache } from './connection-cache';
import { fromRow, type ConnectionRow } from './connection-row';
import type { ConnectionWithDomains } from './connections.dto';

const withDomains = { domains: { orderBy: { id: 'asc' } } } as const;

export interface ConnectionFilters {
  connectionType?: string;
  domain?: string;
  organizationId?: string;
}

/**
 * The only Prisma caller for connections. Every method but findForCallback takes the environment
 * first. Each write drops what it changed from the connection cache once committed.
 */
@Injectable()
export class ConnectionsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cache: ConnectionCache,
  ) {}

  findById(environmentId: string, id: string): Promise<ConnectionWithDomains | null> {
    return this.prisma.connection.findFirst({ where: { id, environmentId }, include: withDomains });
  }

  /**
   * For unsigned callbacks (SAML ACS, OIDC callback, metadata): the connection ID in the URL is
   * the only context, and the caller takes the environment from the returned row. `domains` is
   * empty. From the NOTIFY-kept cache (ConnectionCache): the ACS hot path.
   */
  findForCallback(id: string): Promise<ConnectionWithDomains | null> {
    return this.cache.forCallback(id);
  }

  /**
   * The organization's newest connection (what `list` with that organization, newest first, gives
   * first) with its domains, from the NOTIFY-kept cache (ConnectionCache): the Admin Portal's SSO
   * page reads it on every cold render.
   */
  newestOfOrganization(environmentId: string, organizationId: string): Promise<ConnectionWithDomains | null> {
    return this.cache.newestOfOrganization(environmentId, organizationId);
  }

  list(environmentId: string, f: ConnectionFilters, page: PageRequest): Promise<ConnectionWithDomains[]> {
    const where: Prisma.ConnectionWhereInput = { environmentId };
    if (f.connectionType) where.connectionType = f.connectionType;
    if (f.organizationId) where.organizationId = f.organizationId;
    if (f.domain) where.domains = { some: { domain: f.domain } };
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.connection.findMany({ where, orderBy: { id: page.direction }, take: page.take, include: withDomains });
  }

  /** Active connections a sign-in may use, newest first: by organization, by type, or by domain. */
  findActive(environmentId: string, by: { organizationId?: string; connectionType?: string; domain?: string }): Promise<ConnectionWithDomains[]> {
    const where: Prisma.ConnectionWhereInput = { environmentId, state: 'active' };
    if (by.organizationId) where.organizationId = by.organizationId;
    if (by.connectionType) where.connectionType = by.connectionType;
    if (by.domain) where.domains = { some: { domain: by.domain } };
    return this.prisma.connection.findMany({ where, orderBy: { id: 'desc' }, take: 5, include: withDomains });
  }

  async create(row: Prisma.ConnectionUncheckedCreateInput, domains: { id: string; domain: string }[], events: OutboxMessage[]): Promise<ConnectionWithDomains> {
    const created = await this.prisma.$transaction(async (tx) => {
      await tx.connection.create({ data: row });
      if (domains.length) {
        await tx.connectionDomain.createMany({ data: domains.map((d) => ({ ...d, environmentId: row.environmentId, connectionId: row.id })) });
      }
      const created = (await tx.connection.findUnique({ where: { id: row.id }, include: withDomains }))!;
      await appendToOutbox(tx, events.map((e) => e));
      return created;
    });
    this.cache.changed(created);
    return created;
  }

  /**
   * Changes the state under a row lock and appends the event the new row produces, in one
   * transaction. `event` returns undefined when the transition is a no-op.
   */
  async transition(
    environmentId: string,
    id: string,
    next: (current: ConnectionWithDomains) => { state: string } | undefined,
    event: (updated: ConnectionWithDomains) => OutboxMessage,
  ): Promise<ConnectionWithDomains | null> {
    const result = await this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM connections WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
      if (!locked.length) return null;
      const current = (await tx.connection.findUnique({ where: { id }, include: withDomains }))!;
      const change = next(current);
      if (!change) return current;
      const updated = await tx.connection.update({ where: { id }, data: { state: change.state, updatedAt: new Date() }, include: withDomains });
      await appendToOutbox(tx, [event(updated)]);
      return updated;
    });
    if (result) this.cache.changed(result);
    return result;
  }

  async delete(environmentId: string, id: string, event: (deleted: ConnectionWithDomains) => OutboxMessage): Promise<boolean> {
    const deleted = await this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM connections WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
      if (!locked.length) return null;
      const current = (await tx.connection.findUnique({ where: { id }, include: withDomains }))!;
      await tx.connection.delete({ where: { id } });
      await appendToOutbox(tx, [event(current)]);
      return current;
    });
    if (deleted) this.cache.changed(deleted);
    return deleted !== null;
  }

  /**
   * Deletes every connection of an organization with one connection.deleted each, once per
   * event: the inbox row, the deletions and their events commit together, so a redelivered
   * organization.deleted changes nothing. Returns the deleted connections. A plain pg
   * transaction, not a Prisma interactive one: a background consumer must not race Prisma's
   * transaction timeout, whose rollback can collide with the commit.
   */
  async deleteForOrganization(
    environmentId: string,
    organizationId: string,
    inbox: { consumer: string; eventId: string },
    event: (deleted: ConnectionWithDomains) => OutboxMessage,
  ): Promise<ConnectionWithDomains[]> {
    const doomed = await pgTransaction(this.prisma.pool, async (client) => {
      const raw = pgExecutor(client);
      if (!(await claimInbox(raw, inbox.consumer, inbox.eventId))) return [];
      const { rows } = await client.query<ConnectionRow>('SELECT * FROM connections WHERE environment_id = $1 AND organization_id = $2 ORDER BY id FOR UPDATE', [environmentId, organizationId]);
      const ids = rows.map((r) => r.id);
      const domains = (await client.query<{ id: string; environment_id: string; connection_id: string; domain: string }>('SELECT * FROM connection_domains WHERE connection_id = ANY($1) ORDER BY id', [ids])).rows;
      const doomed: ConnectionWithDomains[] = rows.map((r) => ({
        ...fromRow(r),
        domains: domains.filter((d) => d.connection_id === r.id).map((d) => ({ id: d.id, environmentId: d.environment_id, connectionId: d.connection_id, domain: d.domain })),
      }));
      await client.query('DELETE FROM connections WHERE environment_id = $1 AND id = ANY($2)', [environmentId, ids]);
      await appendToOutbox(raw, doomed.map(event));
      return doomed;
    });
    this.cache.changed(...doomed);
    return doomed;
  }
}
