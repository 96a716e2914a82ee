import { Injectable } from '@nestjs/common';
import { pgExecutor, type RawExecutor } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';

/* Retries wait 2^attempts seconds, at most an hour. */
const MAX_BACKOFF_SECONDS = 3_600;

export interface OwedDeletion {
  environmentId: string;
  vaultObjectId: string;
  attempts: number;
}

/**
 * Owes the deletion of these Vault objects, in the caller's transaction: the one that deletes the
 * accounts pointing at them. Invariant: an account row and the debt for its object are never both
 * absent before Vault has confirmed the object is gone.
 */
export async function oweVaultDeletions(tx: RawExecutor, environmentId: string, objectIds: (string | null)[]): Promise<void> {
  const ids = objectIds.filter((id): id is string => id !== null);
  if (!ids.length) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO vault_deletions (environment_id, vault_object_id) SELECT $1, jsonb_array_elements_text($2::jsonb) ON CONFLICT (environment_id, vault_object_id) DO NOTHING`,
    environmentId,
    JSON.stringify(ids),
  );
}

/** The only SQL caller for vault_deletions outside the deleting transactions (oweVaultDeletions). */
@Injectable()
export class VaultDeletionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Owes a deletion outside an account's transaction (a new object whose row did not commit). */
  async owe(environmentId: string, objectIds: string[]): Promise<void> {
    await oweVaultDeletions(pgExecutor(this.prisma.pool), environmentId, objectIds);
  }

  /** Vault confirmed the object is gone: the debt is paid. */
  async settle(environmentId: string, vaultObjectId: string): Promise<void> {
    await this.prisma.pool.query('DELETE FROM vault_deletions WHERE environment_id = $1 AND vault_object_id = $2', [environmentId, vaultObjectId]);
  }

  /** Vault refused or did not answer: the next try waits 2^attempts seconds (at most an hour). */
  async postpone(environmentId: string, vaultObjectId: string, error: string): Promise<void> {
    await this.prisma.pool.query(
      `UPDATE vault_deletions SET attempts = attempts + 1, last_error = left($3, 500),
         next_attempt_at = now() + least(power(2, attempts + 1), ${MAX_BACKOFF_SECONDS}) * interval '1 second'
       WHERE environment_id = $1 AND vault_object_id = $2`,
      [environmentId, vaultObjectId, error],
    );
  }

  /**
   * Up to `limit` debts that are due, each leased for `leaseSeconds` (its next attempt moved that
   * far ahead), so replicas sweeping at once never take the same one; a lease that ends without a
   * settle or a postpone (the process died) makes the debt due again.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<OwedDeletion[]> {
    const { rows } = await this.prisma.pool.query<{ environment_id: string; vault_object_id: string; attempts: number }>(
      `UPDATE vault_deletions d SET next_attempt_at = now() + $2 * interval '1 second'
       FROM (SELECT environment_id, vault_object_id FROM vault_deletions WHERE next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
       WHERE d.environment_id = due.environment_id AND d.vault_object_id = due.vault_object_id
       RETURNING d.environment_id, d.vault_object_id, d.attempts`,
      [limit, leaseSeconds],
    );
    return rows.map((r) => ({ environmentId: r.environment_id, vaultObjectId: r.vault_object_id, attempts: r.attempts }));
  }
}
