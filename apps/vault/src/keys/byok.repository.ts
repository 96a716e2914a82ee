import { Injectable } from '@nestjs/common';
import { appendToOutbox, pgExecutor, pgTransaction, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { KeyContext } from '../vault-core/key-context';
import { BYOK_COLUMNS, insertKekVersion, lockOrganizationKeys, makeCurrent, toByok, type KekVersionRow } from './keks.repository';
import { KEK_SHREDDED_CHANNEL } from './keks.service';
import type { ByokKeyRow, KekWrapping } from './root-keys.service';

/** A KEK that got a new current version under the new key, because its current one could not be opened. */
export interface RotatedKek {
  kekId: string;
  version: number;
  context: KeyContext;
}

export type RegisterOutcome = { conflict: true } | { ok: { key: ByokKeyRow; rewrapped: number; rotated: RotatedKek[]; kekIds: string[] } };

/** The only SQL caller for organizations' own root keys (BYOK). Every method takes the environment first. */
@Injectable()
export class ByokRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(environmentId: string, id: string): Promise<ByokKeyRow | null> {
    const { rows } = await this.prisma.pool.query(`SELECT ${BYOK_COLUMNS} FROM vault_byok_keys b WHERE b.environment_id = $1 AND b.id = $2`, [environmentId, id]);
    return rows[0] ? toByok(rows[0]) : null;
  }

  /** Keyset page (IDs are UUIDv7, so ID order is creation order), optionally of one organization. */
  async list(environmentId: string, page: PageRequest, organizationId?: string): Promise<ByokKeyRow[]> {
    const where = ['b.environment_id = $1'];
    const values: unknown[] = [environmentId];
    if (organizationId) {
      values.push(organizationId);
      where.push(`b.organization_id = $${values.length}`);
    }
    if (page.cursor) {
      values.push(page.cursor.id);
      where.push(`b.id ${page.cursor.op === 'gt' ? '>' : '<'} $${values.length}`);
    }
    values.push(page.take);
    const { rows } = await this.prisma.pool.query(
      `SELECT ${BYOK_COLUMNS} FROM vault_byok_keys b WHERE ${where.join(' AND ')} ORDER BY b.id ${page.direction === 'asc' ? 'ASC' : 'DESC'} LIMIT $${values.length}`,
      values,
    );
    return rows.map((r) => toByok(r)!);
  }

  /**
   * Registers an organization's key and moves its KEKs under it, in one transaction under the
   * organization's key lock: every KEK version that `rewrap` can open is re-wrapped by the new
   * key (the KEK material, hence every data key and object, is unchanged); a KEK whose current
   * version cannot be opened (its key was revoked) gets a new current version from `rotate`, so
   * writes resume while data under the revoked key stays unreadable. `conflict` when the
   * organization already has an active key. The NOTIFY makes every replica reload the KEKs.
   */
  register(
    environmentId: string,
    key: ByokKeyRow,
    rewrap: (v: KekVersionRow) => Promise<KekWrapping | null>,
    rotate: (kekId: string, version: number) => Promise<KekWrapping>,
    events: (rotated: RotatedKek[]) => OutboxMessage[],
  ): Promise<RegisterOutcome> {
    return pgTransaction(this.prisma.pool, async (client) => {
      await lockOrganizationKeys(client, environmentId, key.organizationId);
      const active = await client.query('SELECT 1 FROM vault_byok_keys WHERE environment_id = $1 AND organization_id = $2 AND revoked_at IS NULL', [
        environmentId,
        key.organizationId,
      ]);
      if (active.rowCount) return { conflict: true };
      await client.query(
        `INSERT INTO vault_byok_keys (id, environment_id, organization_id, key_provider, key_ref, wrapped_material, fingerprint, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [key.id, environmentId, key.organizationId, key.keyProvider, key.keyRef, key.wrappedMaterial, key.fingerprint, key.createdAt],
      );
      const { rows } = await client.query(
        `SELECT v.kek_id, v.version, v.provider, v.root_key_id, v.wrapped_key, v.byok_key_id, k.current_version, k.key_context, ${BYOK_COLUMNS}
           FROM vault_kek_versions v JOIN vault_keks k ON k.id = v.kek_id LEFT JOIN vault_byok_keys b ON b.id = v.byok_key_id
          WHERE k.environment_id = $1 AND k.key_context->>'organization_id' = $2 AND k.shredded_at IS NULL
          ORDER BY v.kek_id, v.version FOR UPDATE OF v, k`,
        [environmentId, key.organizationId],
      );
      let rewrapped = 0;
      const rotated: RotatedKek[] = [];
      for (const r of rows as Record<string, unknown>[]) {
        const version: KekVersionRow = {
          kekId: r.kek_id as string,
          version: r.version as number,
          wrapping: { provider: r.provider as string, rootKeyId: r.root_key_id as string, byokKeyId: (r.byok_key_id as string | null) ?? null, wrappedKey: r.wrapped_key as Buffer },
          byok: toByok(r),
          shredded: false,
        };
        const w = await rewrap(version);
        if (w) {
          await client.query('UPDATE vault_kek_versions SET provider = $3, root_key_id = $4, wrapped_key = $5, byok_key_id = $6 WHERE kek_id = $1 AND version = $2', [
            version.kekId,
            version.version,
            w.provider,
            w.rootKeyId,
            w.wrappedKey,
            w.byokKeyId,
          ]);
          rewrapped++;
        } else if (version.version === r.current_version) {
          const next = version.version + 1;
          await insertKekVersion(client, version.kekId, next, await rotate(version.kekId, next));
          await makeCurrent(client, environmentId, version.kekId, next);
          rotated.push({ kekId: version.kekId, version: next, context: r.key_context as KeyContext });
        }
      }
      const kekIds = [...new Set(rows.map((r) => (r as { kek_id: string }).kek_id))];
      if (kekIds.length) await client.query('SELECT pg_notify($1, $2)', [KEK_SHREDDED_CHANNEL, `${environmentId}|${kekIds.join(',')}`]);
      await appendToOutbox(pgExecutor(client), events(rotated));
      return { ok: { key, rewrapped, rotated, kekIds } };
    });
  }

  /**
   * Revokes the key at once: revoked_at set and imported material destroyed in one transaction
   * with its event, under the organization's key lock; the NOTIFY at commit makes every replica
   * evict the KEKs it wraps. Revoking a revoked key changes nothing (`already`).
   */
  revoke(environmentId: string, id: string, event: (k: ByokKeyRow) => OutboxMessage): Promise<{ key: ByokKeyRow; already: boolean; kekIds: string[] } | null> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const found = await client.query<{ organization_id: string }>('SELECT organization_id FROM vault_byok_keys WHERE environment_id = $1 AND id = $2', [environmentId, id]);
      if (!found.rows[0]) return null;
      await lockOrganizationKeys(client, environmentId, found.rows[0].organization_id);
      const { rows } = await client.query(
        `UPDATE vault_byok_keys b SET revoked_at = now(), wrapped_material = NULL
          WHERE b.environment_id = $1 AND b.id = $2 AND b.revoked_at IS NULL RETURNING ${BYOK_COLUMNS}`,
        [environmentId, id],
      );
      if (!rows[0]) {
        const again = await client.query(`SELECT ${BYOK_COLUMNS} FROM vault_byok_keys b WHERE b.environment_id = $1 AND b.id = $2`, [environmentId, id]);
        return { key: toByok(again.rows[0])!, already: true, kekIds: [] };
      }
      const key = toByok(rows[0])!;
      const keks = await client.query<{ kek_id: string }>('SELECT DISTINCT kek_id FROM vault_kek_versions WHERE byok_key_id = $1', [id]);
      const kekIds = keks.rows.map((r) => r.kek_id);
      if (kekIds.length) await client.query('SELECT pg_notify($1, $2)', [KEK_SHREDDED_CHANNEL, `${environmentId}|${kekIds.join(',')}`]);
      await appendToOutbox(pgExecutor(client), [event(key)]);
      return { key, already: false, kekIds };
    });
  }
}
