import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { ConnectApplication, ConnectClientSecret, Prisma } from '../generated/prisma/client';

/**
 * NOTIFY channel: the payload is the ID of an application whose row or secrets changed (in the
 * changing transaction); every replica drops the application from its client cache
 * (connect-client-cache.ts).
 */
export const CONNECT_CLIENTS_CHANGED_CHANNEL = 'identity_connect_clients_changed';

/** A secret as the authorization server's client cache holds it: never the secret, only its hash. */
export interface CachedSecret {
  id: string;
  hash: string;
  /** When `last_used_at` was last written (ms since the epoch), by any replica as read, or by this one. */
  lastUsedAt: number | null;
}

export interface ClientWithSecrets {
  app: ConnectApplication;
  secrets: CachedSecret[];
}

const notifyChanged = (tx: Prisma.TransactionClient, applicationId: string) => tx.$executeRaw`SELECT pg_notify(${CONNECT_CLIENTS_CHANGED_CHANNEL}, ${applicationId})`;

export type NewApplication = Omit<ConnectApplication, 'environmentId'>;
export type ApplicationPatch = Partial<Pick<ConnectApplication, 'name' | 'description' | 'scopes'>> & { redirectUris?: Prisma.InputJsonValue };

interface ClientRow {
  secrets: { id: string; hash: string; last_used_at: string | null }[];
  id: string;
  environment_id: string;
  client_id: string;
  application_type: string;
  name: string;
  description: string | null;
  scopes: string[];
  redirect_uris: unknown;
  uses_pkce: boolean;
  is_first_party: boolean;
  was_dynamically_registered: boolean;
  organization_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const toApplication = (r: ClientRow): ConnectApplication => ({
  id: r.id,
  environmentId: r.environment_id,
  clientId: r.client_id,
  applicationType: r.application_type,
  name: r.name,
  description: r.description,
  scopes: r.scopes,
  redirectUris: r.redirect_uris as ConnectApplication['redirectUris'],
  usesPkce: r.uses_pkce,
  isFirstParty: r.is_first_party,
  wasDynamicallyRegistered: r.was_dynamically_registered,
  organizationId: r.organization_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

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
      await notifyChanged(tx, id);
      return updated;
    });
  }

  /** The application, its secrets (cascade) and its OAuth artefacts go together. */
  async delete(environmentId: string, id: string, event: OutboxMessage): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.connectApplication.deleteMany({ where: { environmentId, id } });
      if (count) await appendToOutbox(tx, [event]);
      if (count) await notifyChanged(tx, id);
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
      await notifyChanged(tx, created.applicationId);
      return created;
    });
  }

  /** The secret's application ID, or null when there was no such secret. */
  async deleteSecret(environmentId: string, id: string, event: (s: ConnectClientSecret) => OutboxMessage): Promise<string | null> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.connectClientSecret.findFirst({ where: { environmentId, id } });
      if (!found) return null;
      await tx.connectClientSecret.delete({ where: { id } });
      await appendToOutbox(tx, [event(found)]);
      await notifyChanged(tx, found.applicationId);
      return found.applicationId;
    });
  }

  /**
   * The client's application with its secrets' hashes, in one statement on the pool (the token
   * endpoint's path on a client-cache miss, where Prisma's query compilation costs more than the query).
   */
  async loadClient(environmentId: string, clientId: string): Promise<ClientWithSecrets | null> {
    const { rows } = await this.prisma.pool.query<ClientRow>({
      name: 'connect_load_client',
      text: `SELECT a.*, COALESCE((SELECT json_agg(json_build_object('id', s.id, 'hash', s.secret_hash, 'last_used_at', s.last_used_at))
                                   FROM connect_client_secrets s WHERE s.environment_id = a.environment_id AND s.application_id = a.id), '[]') AS secrets
             FROM connect_applications a WHERE a.environment_id = $1 AND a.client_id = $2`,
      values: [environmentId, clientId],
    });
    const row = rows[0];
    if (!row) return null;
    const secrets = row.secrets.map((s) => ({ id: s.id, hash: s.hash, lastUsedAt: s.last_used_at ? Date.parse(s.last_used_at) : null }));
    return { app: toApplication(row), secrets };
  }

  /** Stamps a secret's `last_used_at`, unless some replica did in the last minute. */
  async touchSecret(environmentId: string, id: string): Promise<void> {
    await this.prisma.pool.query({
      name: 'connect_touch_secret',
      text: `UPDATE connect_client_secrets SET last_used_at = now() WHERE environment_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      values: [environmentId, id],
    });
  }

  /**
   * True when a secret with this hash belongs to the client's application; stamps `last_used_at`
   * (at most once a minute, so steady traffic does not write on every request).
   */
  async useSecret(environmentId: string, clientId: string, secretHash: string): Promise<boolean> {
    const { rows } = await this.prisma.pool.query<{ id: string; stale: boolean }>({
      name: 'connect_use_secret',
      text: `SELECT s.id, (s.last_used_at IS NULL OR s.last_used_at < now() - interval '1 minute') AS stale
             FROM connect_client_secrets s JOIN connect_applications a ON a.id = s.application_id
             WHERE s.environment_id = $1 AND a.environment_id = $1 AND a.client_id = $2 AND s.secret_hash = $3`,
      values: [environmentId, clientId, secretHash],
    });
    if (!rows[0]) return false;
    if (rows[0].stale) await this.prisma.pool.query('UPDATE connect_client_secrets SET last_used_at = now() WHERE id = $1', [rows[0].id]);
    return true;
  }
}
