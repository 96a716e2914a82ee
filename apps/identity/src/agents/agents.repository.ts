import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { AgentBlueprint, AgentInstance, AgentRegistration, AgentSession, Prisma } from '../generated/prisma/client';

const page = (req: PageRequest) => ({ ...(req.cursor ? { id: { [req.cursor.op]: req.cursor.id } } : {}) });

/** The only caller of the agent tables. Every method takes the environment first. */
@Injectable()
export class AgentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async createBlueprint(environmentId: string, b: Omit<AgentBlueprint, 'environmentId'>, event: (b: AgentBlueprint) => OutboxMessage): Promise<AgentBlueprint> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.agentBlueprint.create({ data: { ...b, environmentId } });
      await appendToOutbox(tx, [event(created)]);
      return created;
    });
  }

  findBlueprint(environmentId: string, id: string): Promise<AgentBlueprint | null> {
    return this.prisma.agentBlueprint.findFirst({ where: { environmentId, id } });
  }

  blueprintsPage(environmentId: string, req: PageRequest): Promise<AgentBlueprint[]> {
    return this.prisma.agentBlueprint.findMany({ where: { environmentId, ...page(req) }, orderBy: { id: req.direction }, take: req.take });
  }

  async updateBlueprint(environmentId: string, id: string, data: Prisma.AgentBlueprintUpdateManyMutationInput, event: (b: AgentBlueprint) => OutboxMessage): Promise<AgentBlueprint | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.agentBlueprint.updateMany({ where: { environmentId, id }, data: { ...data, updatedAt: new Date() } });
      if (!count) return null;
      const updated = await tx.agentBlueprint.findFirstOrThrow({ where: { environmentId, id } });
      await appendToOutbox(tx, [event(updated)]);
      return updated;
    });
  }

  /** The blueprint goes with its instances and sessions (cascade); their registrations are revoked with their events. */
  async deleteBlueprint(environmentId: string, b: AgentBlueprint, events: (revoked: AgentRegistration[]) => OutboxMessage[]): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const instances = await tx.agentInstance.findMany({ where: { environmentId, blueprintId: b.id }, select: { registrationId: true } });
      const { count } = await tx.agentBlueprint.deleteMany({ where: { environmentId, id: b.id } });
      if (!count) return false;
      const revoked = await this.revokeRegistrations(tx, environmentId, instances.map((i) => i.registrationId));
      await appendToOutbox(tx, events(revoked));
      return true;
    });
  }

  findInstance(environmentId: string, id: string): Promise<AgentInstance | null> {
    return this.prisma.agentInstance.findFirst({ where: { environmentId, id } });
  }

  findInstanceByRegistration(environmentId: string, registrationId: string): Promise<AgentInstance | null> {
    return this.prisma.agentInstance.findFirst({ where: { environmentId, registrationId } });
  }

  instancesPage(environmentId: string, filter: { organizationId?: string; blueprintId?: string }, req: PageRequest): Promise<AgentInstance[]> {
    return this.prisma.agentInstance.findMany({
      where: { environmentId, ...(filter.organizationId ? { organizationId: filter.organizationId } : {}), ...(filter.blueprintId ? { blueprintId: filter.blueprintId } : {}), ...page(req) },
      orderBy: { id: req.direction },
      take: req.take,
    });
  }

  async deleteInstance(environmentId: string, i: AgentInstance, events: (revoked: AgentRegistration[]) => OutboxMessage[]): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.agentInstance.deleteMany({ where: { environmentId, id: i.id } });
      if (!count) return false;
      await appendToOutbox(tx, events(await this.revokeRegistrations(tx, environmentId, [i.registrationId])));
      return true;
    });
  }

  /**
   * The instance for this principal, or a new one with its registration (and event), then a new
   * session, in one transaction. A racing mint of the same instance finds the winner's row.
   */
  async mint(
    environmentId: string,
    key: { blueprintId: string; organizationId: string; type: string; principal: string },
    fresh: { instance: Omit<AgentInstance, 'environmentId'>; registration: Omit<AgentRegistration, 'environmentId'> },
    session: (instanceId: string) => Omit<AgentSession, 'environmentId'>,
    event: (r: AgentRegistration) => OutboxMessage,
  ): Promise<{ instance: AgentInstance; session: AgentSession; isNew: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      const where = { environmentId_blueprintId_organizationId_type_principal: { environmentId, ...key } };
      let instance = await tx.agentInstance.findUnique({ where });
      let isNew = false;
      if (!instance) {
        const inserted = await tx.$executeRaw`
          INSERT INTO agent_instances (id, environment_id, blueprint_id, organization_id, organization_membership_id, type, principal, registration_id, created_at, updated_at)
          VALUES (${fresh.instance.id}, ${environmentId}, ${key.blueprintId}, ${key.organizationId}, ${fresh.instance.organizationMembershipId}, ${key.type}, ${key.principal}, ${fresh.registration.id}, now(), now())
          ON CONFLICT (environment_id, blueprint_id, organization_id, type, principal) DO NOTHING`;
        if (inserted) {
          const registration = await tx.agentRegistration.create({ data: { ...fresh.registration, environmentId } });
          await appendToOutbox(tx, [event(registration)]);
          isNew = true;
        }
        instance = await tx.agentInstance.findUniqueOrThrow({ where });
      }
      const created = await tx.agentSession.create({ data: { ...session(instance.id), environmentId } });
      return { instance, session: created, isNew };
    });
  }

  findSession(environmentId: string, id: string): Promise<(AgentSession & { instance: AgentInstance }) | null> {
    return this.prisma.agentSession.findFirst({ where: { environmentId, id }, include: { instance: true } });
  }

  /** Rotates a live refresh token: the old hash stops working in the same statement that issues the new one. */
  async rotateRefresh(environmentId: string, blueprintId: string, oldHash: string, newHash: string, ttlSeconds: number): Promise<(AgentSession & { instance: AgentInstance }) | null> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE agent_sessions s SET refresh_token_hash = ${newHash}, refresh_expires_at = LEAST(now() + make_interval(secs => ${ttlSeconds}), s.expires_at), updated_at = now()
      FROM agent_instances i
      WHERE s.environment_id = ${environmentId} AND s.refresh_token_hash = ${oldHash} AND s.instance_id = i.id AND i.blueprint_id = ${blueprintId}
        AND s.revoked_at IS NULL AND s.expires_at > now() AND s.refresh_expires_at > now()
      RETURNING s.id`;
    return rows[0] ? this.findSession(environmentId, rows[0].id) : null;
  }

  sessionsPage(environmentId: string, filter: { blueprintId?: string; instanceId?: string }, req: PageRequest): Promise<AgentSession[]> {
    return this.prisma.agentSession.findMany({
      where: { environmentId, ...(filter.instanceId ? { instanceId: filter.instanceId } : {}), ...(filter.blueprintId ? { instance: { blueprintId: filter.blueprintId } } : {}), ...page(req) },
      orderBy: { id: req.direction },
      take: req.take,
    });
  }

  async revokeSession(environmentId: string, id: string): Promise<AgentSession | null> {
    await this.prisma.agentSession.updateMany({ where: { environmentId, id, revokedAt: null }, data: { revokedAt: new Date(), updatedAt: new Date() } });
    return this.prisma.agentSession.findFirst({ where: { environmentId, id } });
  }

  findRegistration(environmentId: string, id: string): Promise<AgentRegistration | null> {
    return this.prisma.agentRegistration.findFirst({ where: { environmentId, id } });
  }

  private async revokeRegistrations(tx: Prisma.TransactionClient, environmentId: string, ids: string[]): Promise<AgentRegistration[]> {
    if (!ids.length) return [];
    await tx.agentRegistration.updateMany({ where: { environmentId, id: { in: ids }, status: 'active' }, data: { status: 'revoked', updatedAt: new Date() } });
    return tx.agentRegistration.findMany({ where: { environmentId, id: { in: ids } } });
  }
}
