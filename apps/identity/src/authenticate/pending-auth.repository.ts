import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { PendingAuthentication, Prisma } from '../generated/prisma/client';

@Injectable()
export class PendingAuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(row: Prisma.PendingAuthenticationUncheckedCreateInput, tx?: Prisma.TransactionClient): Promise<void> {
    await (tx ?? this.prisma).pendingAuthentication.create({ data: row });
  }

  /** Marks the row consumed and returns it; null when unknown, expired, already used or another environment's. */
  async consume(environmentId: string, tokenHash: string, kinds: readonly string[], now: Date): Promise<PendingAuthentication | null> {
    const rows = await this.prisma.$queryRaw<{ token_hash: string }[]>`
      UPDATE pending_authentications SET consumed_at = ${now}
      WHERE token_hash = ${tokenHash} AND environment_id = ${environmentId} AND consumed_at IS NULL AND expires_at > ${now} AND kind = ANY(${kinds as string[]})
      RETURNING token_hash`;
    return rows.length ? this.prisma.pendingAuthentication.findUnique({ where: { tokenHash } }) : null;
  }

  /** Reads without consuming (to check a code before spending the token). */
  find(environmentId: string, tokenHash: string, now: Date): Promise<PendingAuthentication | null> {
    return this.prisma.pendingAuthentication.findFirst({ where: { tokenHash, environmentId, consumedAt: null, expiresAt: { gt: now } } });
  }
}
