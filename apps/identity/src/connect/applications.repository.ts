import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { ConnectApplication, ConnectClientSecret, Prisma } from '../generated/prisma/client';

export type NewApplication = Omit<ConnectApplication, 'environmentId'>;
export type ApplicationPatch = Partial<Pick<ConnectApplication, 'name' | 'description' | 'scopes'>> & { redirectUris?: Prisma.InputJsonValue };

/** The only caller of the Connect tables. Every method takes the environment first. */
@Injectable()
export class ApplicationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(environmentId: string, a: NewApplication, event: (a: ConnectApplication) => OutboxMessage): Promise<ConnectApplication> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.connectApplication.create({ data: { ...a, environmentId, redirectUris: a.redirectUris as Prisma.InputJsonValue } });
      await appendToOutbox(tx, [event(created)]);
      return created;
    });
  }

  /** By `conn_app_…` ID or by client ID (the SDK accepts either). */
  find(environmentId: string, idOrClientId: string): Promise<ConnectApplication | null> {
    return this.prisma.connectApplication.findFirst({ where: { environmentId, OR: [{ id: idOrClientId }, { clientId: idOrClientId }] } });
  }

  findByClientId(environmentId: string, clientId: string): Promise<ConnectApplication | null> {
    return this.prisma.connectApplication.findFirst({ where: { environmentId, clientId } });
  }

  page(environmentId: string, organizationId: string | undefined, req: PageRequest): Promise<ConnectApplication[]> {
    const cursor = req.cursor ? { id: { [req.cursor.op]: req.cursor.id } } : {};
    return this.prisma.connectApplication.findMany({
      where: { environmentId, ...(organizationId ? { organizationId } : {}), ...cursor },
      orderBy: { id: req.direction },
      take: req.take,
    });
  }

  async update(environmentId: string, id: string, patch: ApplicationPatch, event: (a: ConnectApplication) => OutboxMessage): Promise<ConnectApplication | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.connectApplication.updateMany({ where: { environmentId, id }, data: { ...patch, updatedAt: new Date() } });
      if (!count) return null;
      const updated = await tx.connectApplication.findFirstOrThrow({ where: { environmentId, id } });
      await appendToOutbox(tx, [event(updated)]);
      return updated;
    });
  }

  /** The application, its secrets (cascade) and its OAuth artefacts go together. */
  async delete(environmentId: string, id: string, event: OutboxMessage): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.connectApplication.deleteMany({ where: { environmentId, id } });
      if (count) await appendToOutbox(tx, [event]);
      return count > 0;
    });
  }

  listSecrets(environmentId: string, applicationId: string): Promise<ConnectClientSecret[]> {
    return this.prisma.connectClientSecret.findMany({ where: { environmentId, applicationId }, orderBy: { id: 'asc' } });
  }

  countSecrets(environmentId: string, applicationId: string): Promise<number> {
    return this.prisma.connectClientSecret.count({ where: { environmentId, applicationId } });
  }

  async createSecret(environmentId: string, s: Omit<ConnectClientSecret, 'environmentId'>, event: (s: ConnectClientSecret) => OutboxMessage): Promise<ConnectClientSecret> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.connectClientSecret.create({ data: { ...s, environmentId } });
      await appendToOutbox(tx, [event(created)]);
      return created;
    });
  }

  async deleteSecret(environmentId: string, id: string, event: (s: ConnectClientSecret) => OutboxMessage): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.connectClientSecret.findFirst({ where: { environmentId, id } });
      if (!found) return false;
      await tx.connectClientSecret.delete({ where: { id } });
      await appendToOutbox(tx, [event(found)]);
      return true;
    });
  }

  /** The client's application and whether it has a live secret, in one statement (the token endpoint's hot path). */
  async findClient(environmentId: string, clientId: string): Promise<{ app: ConnectApplication; hasSecrets: boolean } | null> {
    const app = await this.prisma.connectApplication.findFirst({ where: { environmentId, clientId }, include: { secrets: { select: { id: true }, take: 1 } } });
    if (!app) return null;
    const { secrets, ...rest } = app;
    return { app: rest, hasSecrets: secrets.length > 0 };
  }

  /**
   * True when a secret with this hash belongs to the client's application; stamps `last_used_at`
   * (at most once a minute, so steady traffic does not write on every request).
   */
  async useSecret(environmentId: string, clientId: string, secretHash: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ id: string; stale: boolean }[]>`
      SELECT s.id, (s.last_used_at IS NULL OR s.last_used_at < now() - interval '1 minute') AS stale
      FROM connect_client_secrets s JOIN connect_applications a ON a.id = s.application_id
      WHERE s.environment_id = ${environmentId} AND a.environment_id = ${environmentId} AND a.client_id = ${clientId} AND s.secret_hash = ${secretHash}`;
    if (!rows[0]) return false;
    if (rows[0].stale) await this.prisma.$executeRaw`UPDATE connect_client_secrets SET last_used_at = now() WHERE id = ${rows[0].id}`;
    return true;
  }
}
