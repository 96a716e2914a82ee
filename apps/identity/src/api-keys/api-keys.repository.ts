import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { ApiKey, Prisma } from '../generated/prisma/client';

/** NOTIFY channel: the payload is a revoked key's `value_hash`; every replica drops it from its cache. */
export const API_KEYS_REVOKED_CHANNEL = 'identity_api_keys_revoked';

type Tx = Prisma.TransactionClient;

/** The only Prisma caller for API keys. Every method takes the environment first. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The key and its `api_key.created` event commit together. A user key is written only while
   * its membership is active, read FOR SHARE in the same transaction, so a membership ended
   * concurrently (which revokes the user's keys under its own lock) cannot miss it. Null when the
   * membership is not active.
   */
  create(environmentId: string, data: Omit<Prisma.ApiKeyUncheckedCreateInput, 'environmentId'>, event: (k: ApiKey) => OutboxMessage): Promise<ApiKey | null> {
    return this.prisma.$transaction(async (tx) => {
      if (data.userId) {
        const member = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM organization_memberships
           WHERE environment_id = ${environmentId} AND user_id = ${data.userId} AND organization_id = ${data.organizationId} AND status = 'active'
           FOR SHARE`;
        if (!member.length) return null;
      }
      const key = await tx.apiKey.create({ data: { ...data, environmentId } });
      await appendToOutbox(tx, [event(key)]);
      return key;
    });
  }

  find(environmentId: string, id: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findFirst({ where: { environmentId, id } });
  }

  /** The key with one of these fingerprints (one per configured SecretBox key), in this environment only. */
  findByHash(environmentId: string, hashes: string[]): Promise<ApiKey | null> {
    return this.prisma.apiKey.findFirst({ where: { environmentId, valueHash: { in: hashes } } });
  }

  list(environmentId: string, filter: { organizationId?: string; userId?: string; ownerType?: 'organization' | 'user' }, page: PageRequest): Promise<ApiKey[]> {
    const where: Prisma.ApiKeyWhereInput = { environmentId };
    if (filter.organizationId) where.organizationId = filter.organizationId;
    if (filter.userId) where.userId = filter.userId;
    if (filter.ownerType) where.ownerType = filter.ownerType;
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.apiKey.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }

  /**
   * Deletes a key, or sets its `expires_at`, under its row lock, writes the event and NOTIFYs the
   * key's hash in the same transaction, so every replica drops its cached copy once, and only
   * once, the change is committed. Null when there is no such key.
   */
  revoke(environmentId: string, id: string, change: { delete: true } | { expiresAt: Date }, event: (k: ApiKey) => OutboxMessage): Promise<ApiKey | null> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM api_keys WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
      if (!rows.length) return null;
      const now = new Date();
      const key =
        'delete' in change
          ? await tx.apiKey.delete({ where: { id, environmentId } })
          : await tx.apiKey.update({ where: { id, environmentId }, data: { expiresAt: change.expiresAt, updatedAt: now } });
      await appendToOutbox(tx, [event(key)]);
      await notifyRevoked(tx, key.valueHash);
      return key;
    });
  }

  /**
   * Revokes, in the caller's transaction, every key of an organization (`userId` null) or of one
   * user (in one organization, or in all with `organizationId` null): deleted under their row
   * locks, each with its `api_key.revoked` event and NOTIFY.
   */
  async revokeAllOf(tx: Tx, environmentId: string, owner: { organizationId: string | null; userId: string | null }, event: (k: ApiKey) => OutboxMessage): Promise<ApiKey[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM api_keys
       WHERE environment_id = ${environmentId}
         AND (${owner.organizationId}::text IS NULL OR organization_id = ${owner.organizationId})
         AND (${owner.userId}::text IS NULL OR user_id = ${owner.userId})
       ORDER BY id FOR UPDATE`;
    if (!rows.length) return [];
    const keys = await tx.apiKey.findMany({ where: { environmentId, id: { in: rows.map((r) => r.id) } }, orderBy: { id: 'asc' } });
    await tx.apiKey.deleteMany({ where: { environmentId, id: { in: keys.map((k) => k.id) } } });
    await appendToOutbox(tx, keys.map(event));
    for (const k of keys) await notifyRevoked(tx, k.valueHash);
    return keys;
  }

  /** Re-fingerprints a key under the current SecretBox key (once per key after a rotation); a no-op if it changed meanwhile. */
  async rehash(environmentId: string, id: string, from: string, to: string): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { environmentId, id, valueHash: from }, data: { valueHash: to } });
  }

  /**
   * Records when keys were last used: one statement for a batch of (id, time). A key deleted
   * meanwhile matches no row; an older time never overwrites a newer one.
   */
  async touch(environmentIds: string[], ids: string[], times: Date[]): Promise<void> {
    await this.prisma.pool.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(COALESCE(k.last_used_at, v.t), v.t)
         FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(env, id, t)
        WHERE k.environment_id = v.env AND k.id = v.id`,
      [environmentIds, ids, times],
    );
  }
}

function notifyRevoked(tx: Tx, valueHash: string): Promise<unknown> {
  return tx.$executeRaw`SELECT pg_notify(${API_KEYS_REVOKED_CHANNEL}, ${valueHash})`;
}
