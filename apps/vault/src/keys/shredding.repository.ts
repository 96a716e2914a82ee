import { Injectable } from '@nestjs/common';
import { appendToOutbox, claimInbox, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { KeyContext } from '../vault-core/key-context';
import { KEK_SHREDDED_CHANNEL } from './keks.service';
import type { ByokProvider } from './root-keys.service';

export interface ShreddedKek {
  id: string;
  context: KeyContext;
}

/** An organization's own key, revoked because the organization was deleted. */
export interface RevokedByokKey {
  id: string;
  keyProvider: ByokProvider;
}

/** The only SQL caller for crypto-shredding and its purges. Tenant methods take the environment first. */
@Injectable()
export class ShreddingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Destroys the organization's KEKs in one transaction with the inbox claim, the purge to do
   * and the events: every version's wrapped key is emptied (no root key can open it again), and
   * the NOTIFY sent at commit makes every replica evict them. The organization's own (BYOK)
   * keys are revoked with them. Returns [] on a redelivery.
   */
  shredOrganization(
    environmentId: string,
    organizationId: string,
    inbox: { consumer: string; eventId: string },
    purgeId: string,
    events: (keks: ShreddedKek[], byok: RevokedByokKey[]) => OutboxMessage[],
  ): Promise<ShreddedKek[]> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const raw = pgExecutor(client);
      if (!(await claimInbox(raw, inbox.consumer, inbox.eventId))) return [];
      const revoked = await client.query<{ id: string; key_provider: ByokProvider }>(
        `UPDATE vault_byok_keys SET revoked_at = now(), wrapped_material = NULL
          WHERE environment_id = $1 AND organization_id = $2 AND revoked_at IS NULL RETURNING id, key_provider`,
        [environmentId, organizationId],
      );
      const byok = revoked.rows.map((r) => ({ id: r.id, keyProvider: r.key_provider }));
      const { rows } = await client.query<{ id: string; key_context: KeyContext }>(
        `UPDATE vault_keks SET shredded_at = now()
          WHERE environment_id = $1 AND key_context->>'organization_id' = $2 AND shredded_at IS NULL
          RETURNING id, key_context`,
        [environmentId, organizationId],
      );
      const keks = rows.map((r) => ({ id: r.id, context: r.key_context })).sort((a, b) => (a.id < b.id ? -1 : 1));
      if (!keks.length) {
        await appendToOutbox(raw, events([], byok));
        return [];
      }
      const ids = keks.map((k) => k.id);
      await client.query("UPDATE vault_kek_versions SET wrapped_key = '\\x'::bytea WHERE kek_id = ANY($1::text[])", [ids]);
      await client.query('INSERT INTO vault_purges (id, environment_id, organization_id, kek_ids) VALUES ($1, $2, $3, $4)', [purgeId, environmentId, organizationId, ids]);
      await client.query('SELECT pg_notify($1, $2)', [KEK_SHREDDED_CHANNEL, `${environmentId}|${ids.join(',')}`]);
      await appendToOutbox(raw, events(keks, byok));
      return keks;
    });
  }

  /**
   * Removes up to `batch` objects (their versions cascade) of one pending purge older than
   * `before`, under that purge's row lock (SKIP LOCKED: replicas take different purges). When
   * none is left, completes it with `completed`'s event. Returns false when no purge was due.
   */
  purgeBatch(before: Date, batch: number, completed: (p: { environmentId: string; organizationId: string; kekIds: string[]; objectsDeleted: number }) => OutboxMessage): Promise<boolean> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rows } = await client.query<{ id: string; environment_id: string; organization_id: string; kek_ids: string[]; objects_deleted: number }>(
        `SELECT id, environment_id, organization_id, kek_ids, objects_deleted FROM vault_purges
          WHERE completed_at IS NULL AND created_at <= $1 ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [before],
      );
      const p = rows[0];
      if (!p) return false;
      const { rowCount } = await client.query(
        `DELETE FROM vault_objects WHERE id IN (SELECT id FROM vault_objects WHERE environment_id = $1 AND kek_id = ANY($2::text[]) LIMIT $3)`,
        [p.environment_id, p.kek_ids, batch],
      );
      const deleted = p.objects_deleted + (rowCount ?? 0);
      if ((rowCount ?? 0) < batch) {
        await client.query('UPDATE vault_purges SET objects_deleted = $2, completed_at = now() WHERE id = $1', [p.id, deleted]);
        await appendToOutbox(pgExecutor(client), [completed({ environmentId: p.environment_id, organizationId: p.organization_id, kekIds: p.kek_ids, objectsDeleted: deleted })]);
      } else {
        await client.query('UPDATE vault_purges SET objects_deleted = $2 WHERE id = $1', [p.id, deleted]);
      }
      return true;
    });
  }
}
