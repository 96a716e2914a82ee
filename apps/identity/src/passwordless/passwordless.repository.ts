import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { PasswordlessSession, Prisma } from '../generated/prisma/client';

/** The only Prisma caller for passwordless sessions. Every method takes the environment first, except the link lookup. */
@Injectable()
export class PasswordlessRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  create(data: Prisma.PasswordlessSessionUncheckedCreateInput): Promise<PasswordlessSession> {
    return this.prisma.passwordlessSession.create({ data });
  }

  find(environmentId: string, id: string): Promise<PasswordlessSession | null> {
    return this.prisma.passwordlessSession.findFirst({ where: { environmentId, id } });
  }

  /**
   * The link is followed by a browser that carries no environment: the session's row gives it.
   * Spends the session in one statement, only if it is unused and unexpired, so a link is
   * followed successfully at most once even when two requests race.
   */
  async spendByTokenHash(tokenHash: string, now: Date): Promise<PasswordlessSession | null> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE passwordless_sessions SET used_at = ${now}
       WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now}
       RETURNING id`;
    return rows.length ? this.prisma.passwordlessSession.findUnique({ where: { id: rows[0]!.id } }) : null;
  }
}
