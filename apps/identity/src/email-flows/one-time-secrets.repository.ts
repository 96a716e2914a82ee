import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { OneTimeSecret, Prisma } from '../generated/prisma/client';

export type SecretKind = 'email_verification' | 'magic_auth' | 'password_reset' | 'radar_challenge' | 'email_change';
type Db = Prisma.TransactionClient | PrismaService;

/** The only Prisma caller for one_time_secrets. Every method takes the environment first. */
@Injectable()
export class OneTimeSecretsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  findById(environmentId: string, kind: SecretKind, id: string): Promise<OneTimeSecret | null> {
    return this.prisma.oneTimeSecret.findFirst({ where: { environmentId, kind, id } });
  }

  /** The newest secret of this kind for the user (only the newest code is ever valid). */
  latestForUser(environmentId: string, kind: SecretKind, userId: string, db: Db = this.prisma): Promise<OneTimeSecret | null> {
    return db.oneTimeSecret.findFirst({ where: { environmentId, kind, userId }, orderBy: { id: 'desc' } });
  }

  findByHash(environmentId: string, kind: SecretKind, secretHash: string): Promise<OneTimeSecret | null> {
    return this.prisma.oneTimeSecret.findFirst({ where: { environmentId, kind, secretHash } });
  }

  async insert(tx: Prisma.TransactionClient, row: Prisma.OneTimeSecretUncheckedCreateInput): Promise<OneTimeSecret> {
    return tx.oneTimeSecret.create({ data: row });
  }

  /**
   * Spends the secret. Invariant: the conditional update is the single-use guarantee, so two
   * concurrent requests with the same code cannot both succeed.
   */
  async consume(tx: Prisma.TransactionClient, environmentId: string, id: string, now: Date): Promise<boolean> {
    const { count } = await tx.oneTimeSecret.updateMany({
      where: { id, environmentId, consumedAt: null, expiresAt: { gt: now } },
      data: { consumedAt: now, updatedAt: now },
    });
    return count === 1;
  }

  /** Counts a wrong guess; committed on its own so a failing request still records it. */
  async recordFailure(environmentId: string, id: string): Promise<void> {
    await this.prisma.oneTimeSecret.updateMany({ where: { id, environmentId }, data: { failedAttempts: { increment: 1 } } });
  }

  /** Older unspent secrets of this kind stop working when a new one is issued. */
  async supersede(tx: Prisma.TransactionClient, environmentId: string, kind: SecretKind, userId: string, now: Date): Promise<void> {
    await tx.oneTimeSecret.updateMany({
      where: { environmentId, kind, userId, consumedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now, updatedAt: now },
    });
  }
}
