import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest } from '@wos/platform';
import type { Prisma, RadarAttempt } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';
import type { ListAttemptsQuery } from './attempts.dto';

/** The only Prisma caller for attempts and account history. Every method takes the environment first. */
@Injectable()
export class AttemptsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The attempt and its events commit together (DESIGN.md rule 2). */
  async create(attempt: RadarAttempt, events: OutboxMessage[]): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.radarAttempt.create({ data: { ...attempt, findings: attempt.findings as Prisma.InputJsonValue } });
      await appendToOutbox(tx, events);
    });
  }

  findById(environmentId: string, id: string): Promise<RadarAttempt | null> {
    return this.prisma.radarAttempt.findFirst({ where: { environmentId, id } });
  }

  /**
   * Records an outcome. A succeeded attempt also becomes its account's last successful sign-in
   * (stale-account control); the update, the account row and the event commit together.
   */
  async recordOutcome(
    environmentId: string,
    id: string,
    outcome: { attemptStatus?: string; challengeStatus?: string },
    event: (updated: RadarAttempt) => OutboxMessage,
  ): Promise<RadarAttempt | null> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.radarAttempt.findFirst({ where: { environmentId, id } });
      if (!found) return null;
      const updated = await tx.radarAttempt.update({ where: { id: found.id }, data: { ...outcome, updatedAt: new Date() } });
      if (outcome.attemptStatus === 'success' && updated.action === 'sign-in') {
        const last = { lastSuccessAt: updated.updatedAt, lastSuccessIp: updated.ipAddress };
        await tx.radarAccount.upsert({
          where: { environmentId_email: { environmentId, email: updated.email } },
          create: { environmentId, email: updated.email, ...last },
          update: last,
        });
      }
      await appendToOutbox(tx, [event(updated)]);
      return updated;
    });
  }

  async lastSuccessAt(environmentId: string, email: string): Promise<Date | undefined> {
    const account = await this.prisma.radarAccount.findUnique({ where: { environmentId_email: { environmentId, email } } });
    return account?.lastSuccessAt;
  }

  list(environmentId: string, filter: Omit<ListAttemptsQuery, 'limit' | 'before' | 'after' | 'order'>, page: PageRequest): Promise<RadarAttempt[]> {
    const where: Prisma.RadarAttemptWhereInput = { environmentId };
    if (filter.verdict) where.verdict = filter.verdict;
    if (filter.control) where.control = filter.control;
    if (filter.email) where.email = filter.email.trim().toLowerCase();
    if (filter.ip_address) where.ipAddress = filter.ip_address;
    if (filter.action) where.action = filter.action;
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.radarAttempt.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }
}
