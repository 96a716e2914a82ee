import { Injectable } from '@nestjs/common';
import { appendToOutbox, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { KeyContext } from '../vault-core/key-context';

/** A pending rekey, as one batch sees it. */
export interface RekeyJob {
  id: string;
  environmentId: string;
  kekId: string;
  context: KeyContext;
  /** The KEK's current version now: what the batch re-wraps to. */
  currentVersion: number;
  rewrapped: number;
  unreadable: number;
}

/** A stored data key of one object version. */
export interface StoredDataKey {
  versionId: string;
  encryptedKeys: Buffer;
}

/** What a batch did: the blobs to replace (old → new) and how many could not be opened. */
export interface RewrapResult {
  updates: { versionId: string; from: Buffer; to: Buffer }[];
  unreadable: number;
}

/** The only SQL caller for rekey jobs. */
@Injectable()
export class RekeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Runs one batch of the oldest pending rekey, in one transaction under that job's row lock
   * (SKIP LOCKED: replicas take different jobs): the next `limit` object versions of the KEK
   * after the job's cursor are handed to `rewrap`, their new blobs written, the cursor and
   * counts advanced, and, when the versions are exhausted, the job completed with `completed`'s
   * event. Invariants: a crash anywhere rolls the batch back whole, and every blob, old or new,
   * opens (old KEK versions are never deleted), so no object is ever unreadable; a blob is
   * replaced only if it is still the one read (compare-and-set), and re-running a batch skips
   * blobs already at the current version, so the job is idempotent. False when none is due.
   */
  runBatch(limit: number, rewrap: (job: RekeyJob, keys: StoredDataKey[]) => Promise<RewrapResult>, completed: (job: RekeyJob) => OutboxMessage): Promise<boolean> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rows } = await client.query<{ id: string; environment_id: string; kek_id: string; cursor: string; rewrapped: number; unreadable: number }>(
        `SELECT id, environment_id, kek_id, cursor, rewrapped, unreadable FROM vault_rekeys
          WHERE completed_at IS NULL ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      const r = rows[0];
      if (!r) return false;
      const kek = await client.query<{ current_version: number; key_context: KeyContext; shredded: boolean }>(
        'SELECT current_version, key_context, shredded_at IS NOT NULL AS shredded FROM vault_keks WHERE environment_id = $1 AND id = $2',
        [r.environment_id, r.kek_id],
      );
      const k = kek.rows[0];
      if (!k || k.shredded) {
        // Its organization was deleted: the purge removes the objects; nothing is left to re-wrap.
        await client.query('UPDATE vault_rekeys SET completed_at = now(), updated_at = now() WHERE id = $1', [r.id]);
        return true;
      }
      const job: RekeyJob = { id: r.id, environmentId: r.environment_id, kekId: r.kek_id, context: k.key_context, currentVersion: k.current_version, rewrapped: r.rewrapped, unreadable: r.unreadable };
      const batch = await client.query<{ id: string; encrypted_keys: Buffer }>(
        `SELECT v.id, v.encrypted_keys FROM vault_object_versions v JOIN vault_objects o ON o.id = v.object_id
          WHERE o.environment_id = $1 AND o.kek_id = $2 AND v.id > $3 ORDER BY v.id LIMIT $4`,
        [r.environment_id, r.kek_id, r.cursor, limit],
      );
      const result = await rewrap(
        job,
        batch.rows.map((b) => ({ versionId: b.id, encryptedKeys: b.encrypted_keys })),
      );
      let rewrapped = 0;
      for (const u of result.updates) {
        const done = await client.query('UPDATE vault_object_versions SET encrypted_keys = $3 WHERE environment_id = $1 AND id = $2 AND encrypted_keys = $4', [
          r.environment_id,
          u.versionId,
          u.to,
          u.from,
        ]);
        rewrapped += done.rowCount ?? 0;
      }
      job.rewrapped += rewrapped;
      job.unreadable += result.unreadable;
      const finished = batch.rows.length < limit;
      await client.query(
        `UPDATE vault_rekeys SET cursor = $2, rewrapped = $3, unreadable = $4, target_version = $5, updated_at = now(),
                completed_at = CASE WHEN $6 THEN now() END WHERE id = $1`,
        [r.id, batch.rows.at(-1)?.id ?? r.cursor, job.rewrapped, job.unreadable, job.currentVersion, finished],
      );
      if (finished) await appendToOutbox(pgExecutor(client), [completed(job)]);
      return true;
    });
  }
}
