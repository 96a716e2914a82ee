import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { AuthChallenge, AuthFactor, Prisma } from '../generated/prisma/client';

@Injectable()
export class MfaRepository {
  constructor(private readonly prisma: PrismaService) {}

  async createFactor(factor: Prisma.AuthFactorUncheckedCreateInput, challenge?: Prisma.AuthChallengeUncheckedCreateInput): Promise<{ factor: AuthFactor; challenge?: AuthChallenge }> {
    return this.prisma.$transaction(async (tx) => {
      const f = await tx.authFactor.create({ data: factor });
      const c = challenge ? await tx.authChallenge.create({ data: challenge }) : undefined;
      return { factor: f, challenge: c };
    });
  }

  findFactor(environmentId: string, id: string): Promise<AuthFactor | null> {
    return this.prisma.authFactor.findFirst({ where: { id, environmentId } });
  }

  totpFactorsOfUser(environmentId: string, userId: string): Promise<AuthFactor[]> {
    return this.prisma.authFactor.findMany({ where: { environmentId, userId, type: 'totp' }, orderBy: { id: 'asc' } });
  }

  listForUser(environmentId: string, userId: string, page: PageRequest): Promise<AuthFactor[]> {
    const where: Prisma.AuthFactorWhereInput = { environmentId, userId };
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.authFactor.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }

  async deleteFactor(environmentId: string, id: string): Promise<boolean> {
    return (await this.prisma.authFactor.deleteMany({ where: { id, environmentId } })).count === 1;
  }

  createChallenge(c: Prisma.AuthChallengeUncheckedCreateInput): Promise<AuthChallenge> {
    return this.prisma.authChallenge.create({ data: c });
  }

  findChallenge(environmentId: string, id: string): Promise<(AuthChallenge & { factor: AuthFactor }) | null> {
    return this.prisma.$transaction(async (tx) => {
      const c = await tx.authChallenge.findFirst({ where: { id, environmentId } });
      if (!c) return null;
      const factor = await tx.authFactor.findUnique({ where: { id: c.factorId } });
      return factor ? { ...c, factor } : null;
    });
  }

  /**
   * Accepts a TOTP time step at most once per factor, atomically: the update only succeeds when
   * the step is newer than every step accepted before, so a replayed (or older) code fails even
   * under concurrent verification.
   */
  async acceptStep(factorId: string, step: number): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE auth_factors SET last_used_step = ${BigInt(step)}, updated_at = now()
      WHERE id = ${factorId} AND (last_used_step IS NULL OR last_used_step < ${BigInt(step)})`;
    return n === 1;
  }

  markVerified(challengeId: string, at: Date): Promise<AuthChallenge> {
    return this.prisma.authChallenge.update({ where: { id: challengeId }, data: { verifiedAt: at, updatedAt: at } });
  }
}
