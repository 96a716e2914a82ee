import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { AgentApiKey, AgentClaimAttempt, AgentRegistration, Prisma } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;
export type AttemptWithRegistration = AgentClaimAttempt & { registration: AgentRegistration };

/** The only caller of the self-registration and claim tables. Every method takes the environment first. */
@Injectable()
export class AgentClaimsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The registration, its API key and its event, in one transaction. */
  async register(environmentId: string, r: Omit<AgentRegistration, 'environmentId'>, key: Omit<AgentApiKey, 'environmentId' | 'registrationId'>, event: (r: AgentRegistration) => OutboxMessage): Promise<AgentRegistration> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.agentRegistration.create({ data: { ...r, environmentId } });
      await tx.agentApiKey.create({ data: { ...key, environmentId, registrationId: created.id } });
      await appendToOutbox(tx, [event(created)]);
      return created;
    });
  }

  findByClaimToken(environmentId: string, claimTokenHash: string): Promise<AgentRegistration | null> {
    return this.prisma.agentRegistration.findFirst({ where: { environmentId, claimTokenHash } });
  }

  /**
   * A new attempt supersedes the registration's earlier live ones (their user codes stop
   * working), and is written with its event and its email in one transaction.
   */
  async newAttempt(environmentId: string, a: Omit<AgentClaimAttempt, 'environmentId'>, effects: (tx: Tx, a: AgentClaimAttempt) => Promise<void>): Promise<AgentClaimAttempt> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      await tx.agentClaimAttempt.updateMany({ where: { environmentId, registrationId: a.registrationId, supersededAt: null, claimedAt: null }, data: { supersededAt: now, updatedAt: now } });
      const created = await tx.agentClaimAttempt.create({ data: { ...a, environmentId } });
      await tx.agentRegistration.updateMany({ where: { environmentId, id: a.registrationId }, data: { claimUpdatedAt: now, updatedAt: now } });
      await effects(tx, created);
      return created;
    });
  }

  findAttemptByToken(environmentId: string, tokenHash: string): Promise<AttemptWithRegistration | null> {
    return this.prisma.agentClaimAttempt.findFirst({ where: { environmentId, tokenHash }, include: { registration: true } });
  }

  findAttempt(environmentId: string, id: string): Promise<AttemptWithRegistration | null> {
    return this.prisma.agentClaimAttempt.findFirst({ where: { environmentId, id }, include: { registration: true } });
  }

  /**
   * Binds the verified user (and organization) with a fresh user code. The WHERE repeats the
   * rules' preconditions, so a link racing a claim, a lock or a second user changes nothing.
   */
  async link(environmentId: string, attemptId: string, l: { userId: string; organizationId: string | null; userCodeHash: string; userCodeExpiresAt: Date }, maxFailures: number): Promise<boolean> {
    const { count } = await this.prisma.agentClaimAttempt.updateMany({
      where: { environmentId, id: attemptId, claimedAt: null, supersededAt: null, failedAttempts: { lt: maxFailures }, expiresAt: { gt: new Date() }, OR: [{ userId: null }, { userId: l.userId }] },
      data: { ...l, updatedAt: new Date() },
    });
    return count === 1;
  }

  /**
   * The registration by claim token and its current attempt, both locked FOR UPDATE for the
   * rest of the transaction: a user code is compared and spent (or counted wrong) exactly once.
   */
  async lockForClaim(tx: Tx, environmentId: string, claimTokenHash: string): Promise<{ registration: AgentRegistration; attempt: AgentClaimAttempt | null } | null> {
    const regs = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM agent_registrations WHERE environment_id = ${environmentId} AND claim_token_hash = ${claimTokenHash} FOR UPDATE`;
    if (!regs[0]) return null;
    const registration = await tx.agentRegistration.findFirstOrThrow({ where: { environmentId, id: regs[0].id } });
    const attempts = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM agent_claim_attempts WHERE environment_id = ${environmentId} AND registration_id = ${registration.id}
      ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE`;
    const attempt = attempts[0] ? await tx.agentClaimAttempt.findFirstOrThrow({ where: { environmentId, id: attempts[0].id } }) : null;
    return { registration, attempt };
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  countWrongCode(tx: Tx, environmentId: string, attemptId: string, failedAttempts: number): Promise<unknown> {
    return tx.agentClaimAttempt.updateMany({ where: { environmentId, id: attemptId }, data: { failedAttempts, updatedAt: new Date() } });
  }

  /** The claim: the attempt is spent, the registration verified and bound to the attempt's user and organization. */
  async claim(tx: Tx, environmentId: string, registrationId: string, a: AgentClaimAttempt, at: Date): Promise<AgentRegistration> {
    await tx.agentClaimAttempt.updateMany({ where: { environmentId, id: a.id }, data: { claimedAt: at, userCodeHash: null, updatedAt: at } });
    await tx.agentRegistration.updateMany({
      where: { environmentId, id: registrationId },
      data: { status: 'verified', organizationId: a.organizationId, userlandUserId: a.userId, claimedAttemptId: a.id, claimUpdatedAt: at, updatedAt: at },
    });
    return tx.agentRegistration.findFirstOrThrow({ where: { environmentId, id: registrationId } });
  }

  findApiKey(environmentId: string, keyHash: string): Promise<(AgentApiKey & { registration: AgentRegistration }) | null> {
    return this.prisma.agentApiKey.findFirst({ where: { environmentId, keyHash }, include: { registration: true } });
  }

  /** The registration's claim completion (the attempt that claimed it), for the wire. */
  findClaimedAttempt(environmentId: string, attemptId: string): Promise<AgentClaimAttempt | null> {
    return this.prisma.agentClaimAttempt.findFirst({ where: { environmentId, id: attemptId } });
  }

  /**
   * The expiry sweep (agent-expiry.sweeper.ts), across environments: it is a background job, not
   * a request, and each event carries its registration's own environment. Up to `limit`
   * unclaimed registrations past their claim's expiry and not yet announced are locked SKIP
   * LOCKED (replicas sweep disjoint rows; a claim or revocation holding one is left for the next
   * sweep), stamped `expiry_announced_at` and given their event in one transaction, so each is
   * announced exactly once. Returns how many it announced.
   */
  async announceExpired(now: Date, limit: number, event: (r: AgentRegistration) => OutboxMessage): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM agent_registrations
        WHERE status = 'unverified' AND expiry_announced_at IS NULL AND claim_expires_at <= ${now}
        ORDER BY claim_expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (!due.length) return 0;
      const ids = due.map((d) => d.id);
      await tx.agentRegistration.updateMany({ where: { id: { in: ids } }, data: { expiryAnnouncedAt: now } });
      const rows = await tx.agentRegistration.findMany({ where: { id: { in: ids } }, orderBy: { claimExpiresAt: 'asc' } });
      await appendToOutbox(tx, rows.map(event));
      return rows.length;
    });
  }

  /** Revokes a self-registered registration and its API keys, with its event; false when there was nothing live to revoke. */
  async revoke(environmentId: string, id: string, event: (r: AgentRegistration) => OutboxMessage): Promise<AgentRegistration | null> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      const { count } = await tx.agentRegistration.updateMany({ where: { environmentId, id, claimId: { not: null }, status: { not: 'revoked' } }, data: { status: 'revoked', updatedAt: now } });
      if (!count) return null;
      await tx.agentApiKey.updateMany({ where: { environmentId, registrationId: id, revokedAt: null }, data: { revokedAt: now } });
      const r = await tx.agentRegistration.findFirstOrThrow({ where: { environmentId, id } });
      await appendToOutbox(tx, [event(r)]);
      return r;
    });
  }
}
