import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma, SigningKey } from '../generated/prisma/client';

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Keys still published: never superseded, or superseded but not yet past their retire time. Newest first. */
  published(environmentId: string, now: Date): Promise<SigningKey[]> {
    return this.prisma.signingKey.findMany({
      where: { environmentId, OR: [{ retireAt: null }, { retireAt: { gt: now } }] },
      orderBy: { createdAt: 'desc' },
    });
  }

  /**
   * Runs `fn` holding a per-environment advisory lock, so two processes never create or rotate
   * an environment's key at the same time.
   */
  withEnvironmentLock<T>(environmentId: string, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`signing_keys:${environmentId}`}))`;
      return fn(tx);
    });
  }

  activeInTx(tx: Prisma.TransactionClient, environmentId: string): Promise<SigningKey | null> {
    return tx.signingKey.findFirst({ where: { environmentId, supersededAt: null }, orderBy: { createdAt: 'desc' } });
  }

  async insert(tx: Prisma.TransactionClient, key: Prisma.SigningKeyUncheckedCreateInput): Promise<void> {
    await tx.signingKey.create({ data: key });
  }

  async setPublicJwk(environmentId: string, kid: string, publicJwk: object): Promise<void> {
    await this.prisma.signingKey.updateMany({ where: { environmentId, kid }, data: { publicJwk } });
  }

  async supersede(tx: Prisma.TransactionClient, environmentId: string, kid: string, at: Date, retireAt: Date): Promise<void> {
    await tx.signingKey.updateMany({ where: { environmentId, kid }, data: { supersededAt: at, retireAt } });
  }
}
