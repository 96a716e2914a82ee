import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { AuthChallenge, AuthFactor, Prisma } from '../generated/prisma/client';

const TOTP_FACTORS_OF_USER = `SELECT id, environment_id, user_id, type, totp_issuer, totp_user, secret, phone_number, last_used_step, created_at, updated_at
  FROM auth_factors WHERE environment_id = $1 AND user_id = $2 AND type = 'totp' ORDER BY id`;
interface FactorRow {
  id: string;
  environment_id: string;
  user_id: string | null;
  type: string;
  totp_issuer: string | null;
  totp_user: string | null;
  secret: string | null;
  phone_number: string | null;
  last_used_step: string | null;
  created_at: Date;
  updated_at: Date;
}

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

  /** On the sign-in path (every sign-in asks): a named prepared statement on the pool. */
  async totpFactorsOfUser(environmentId: string, userId: string): Promise<AuthFactor[]> {
    const { rows } = await this.prisma.pool.query<FactorRow>({ name: 'totp_factors_of_user', text: TOTP_FACTORS_OF_USER, values: [environmentId, userId] });
    return rows.map((r) => ({
      id: r.id,
      environmentId: r.environment_id,
      userId: r.user_id,
      type: r.type,
      totpIssuer: r.totp_issuer,
      totpUser: r.totp_user,
      secret: r.secret,
      phoneNumber: r.phone_number,
      lastUsedStep: r.last_used_step === null ? null : BigInt(r.last_used_step),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
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
