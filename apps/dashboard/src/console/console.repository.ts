import { Inject, Injectable } from '@nestjs/common';
import type { Installation, Member, PrismaClient, Session } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';

export type { Installation, Member, Session };
export type Role = 'owner' | 'admin' | 'read_only';
export const ROLES: readonly Role[] = ['owner', 'admin', 'read_only'];

/**
 * The only Prisma caller. The console's tables belong to no customer environment (they are the
 * console's own: its installation, its members, their sessions), so no method takes one.
 */
@Injectable()
export class ConsoleRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  installation(): Promise<Installation | null> {
    return this.prisma.installation.findUnique({ where: { id: 1 } });
  }

  saveInstallation(i: { environmentId: string; clientId: string; organizationId: string }): Promise<Installation> {
    return this.prisma.installation.upsert({ where: { id: 1 }, create: { id: 1, ...i }, update: { ...i, updatedAt: new Date() } });
  }

  members(): Promise<Member[]> {
    return this.prisma.member.findMany({ orderBy: { createdAt: 'asc' } });
  }

  memberByEmail(email: string): Promise<Member | null> {
    return this.prisma.member.findUnique({ where: { email } });
  }

  memberById(id: string): Promise<Member | null> {
    return this.prisma.member.findUnique({ where: { id } });
  }

  /** Adds the member, or gives an existing one this role (the bootstrap's owner). */
  upsertMember(m: { id: string; email: string; role: Role; invitedBy: string | null }): Promise<Member> {
    return this.prisma.member.upsert({ where: { email: m.email }, create: m, update: { role: m.role, updatedAt: new Date() } });
  }

  createMember(m: { id: string; email: string; role: Role; invitedBy: string | null }): Promise<Member> {
    return this.prisma.member.create({ data: m });
  }

  /** A role change ends the member's sessions in the same transaction, so no page keeps the old rights. */
  async setRole(id: string, role: Role): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.member.update({ where: { id }, data: { role, updatedAt: new Date() } }),
      this.prisma.session.deleteMany({ where: { memberId: id } }),
    ]);
  }

  /** Deleting a member cascades to their sessions. */
  async deleteMember(id: string): Promise<void> {
    await this.prisma.member.deleteMany({ where: { id } });
  }

  async countOwners(): Promise<number> {
    return this.prisma.member.count({ where: { role: 'owner' } });
  }

  /** Binds the AuthKit user at the first sign-in only: a member already bound to another user is not rebound. */
  async bindUser(memberId: string, userId: string): Promise<boolean> {
    const r = await this.prisma.member.updateMany({ where: { id: memberId, OR: [{ userId: null }, { userId }] }, data: { userId } });
    return r.count === 1;
  }

  createSession(s: { tokenHash: string; memberId: string; csrfToken: string; expiresAt: Date }): Promise<Session> {
    return this.prisma.session.create({ data: s });
  }

  liveSession(tokenHash: string): Promise<(Session & { member: Member }) | null> {
    return this.prisma.session.findFirst({ where: { tokenHash, expiresAt: { gt: new Date() } }, include: { member: true } });
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { tokenHash } });
  }

  async saveSignInRequest(stateHash: string, codeVerifier: string, expiresAt: Date): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.signInRequest.deleteMany({ where: { expiresAt: { lt: new Date() } } }),
      this.prisma.signInRequest.create({ data: { stateHash, codeVerifier, expiresAt } }),
    ]);
  }

  /** Spends the sign-in request once: of two callbacks with the same state, one gets the verifier. */
  async spendSignInRequest(stateHash: string): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<Array<{ code_verifier: string }>>`DELETE FROM sign_in_requests WHERE state_hash = ${stateHash} AND expires_at > now() RETURNING code_verifier`;
    return rows[0]?.code_verifier ?? null;
  }
}
