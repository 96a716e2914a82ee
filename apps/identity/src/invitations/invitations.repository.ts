import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Invitation, Prisma } from '../generated/prisma/client';

/** The only Prisma caller for invitations. Every method takes the environment first. */
@Injectable()
export class InvitationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  findById(environmentId: string, id: string): Promise<Invitation | null> {
    return this.prisma.invitation.findFirst({ where: { environmentId, id } });
  }

  findByTokenHash(environmentId: string, tokenHash: string): Promise<Invitation | null> {
    return this.prisma.invitation.findFirst({ where: { environmentId, tokenHash } });
  }

  /** Pending, unexpired organization invitations addressed to this email (stored lowercased). */
  pendingForEmail(environmentId: string, email: string, now: Date): Promise<Invitation[]> {
    return this.prisma.invitation.findMany({
      where: { environmentId, email: email.toLowerCase(), state: 'pending', expiresAt: { gt: now }, organizationId: { not: null } },
      orderBy: { id: 'asc' },
      take: 20,
    });
  }

  /** Whether any pending, unexpired invitation (to an organization or to the environment) is addressed to this email. */
  async anyPendingForEmail(environmentId: string, email: string, now: Date): Promise<boolean> {
    return (await this.prisma.invitation.count({ where: { environmentId, email: email.toLowerCase(), state: 'pending', expiresAt: { gt: now } }, take: 1 })) > 0;
  }

  /** Reads and locks the row, so two state changes of one invitation apply one after another. */
  async lock(tx: Prisma.TransactionClient, environmentId: string, id: string): Promise<Invitation | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM invitations WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
    return rows.length ? tx.invitation.findUnique({ where: { id } }) : null;
  }

  list(environmentId: string, filter: { organizationId?: string; email?: string }, page: PageRequest): Promise<Invitation[]> {
    const where: Prisma.InvitationWhereInput = { environmentId };
    if (filter.organizationId) where.organizationId = filter.organizationId;
    if (filter.email) where.email = filter.email;
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.invitation.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }

  create(tx: Prisma.TransactionClient, data: Prisma.InvitationUncheckedCreateInput): Promise<Invitation> {
    return tx.invitation.create({ data });
  }

  update(tx: Prisma.TransactionClient, environmentId: string, id: string, data: Prisma.InvitationUncheckedUpdateInput): Promise<Invitation> {
    return tx.invitation.update({ where: { id, environmentId }, data: { ...data, updatedAt: new Date() } });
  }
}
