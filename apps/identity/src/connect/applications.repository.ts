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

  /** The secret with this hash if it belongs to the application; stamps `last_used_at` (at most once a minute). */
  async useSecret(environmentId: string, applicationId: string, secretHash: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM connect_client_secrets
      WHERE environment_id = ${environmentId} AND application_id = ${applicationId} AND secret_hash = ${secretHash}`;
    if (!rows[0]) return false;
    await this.prisma.$executeRaw`
      UPDATE connect_client_secrets SET last_used_at = now()
      WHERE id = ${rows[0].id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`;
    return true;
  }
}
