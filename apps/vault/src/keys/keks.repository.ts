import { Injectable } from '@nestjs/common';
import { appendToOutbox, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { KeyContext } from '../vault-core/key-context';

export interface KekRow {
  id: string;
  currentVersion: number;
  shredded: boolean;
}

export interface KekVersionRow {
  kekId: string;
  version: number;
  provider: string;
  rootKeyId: string;
  wrappedKey: Buffer;
  shredded: boolean;
}

export interface NewKek {
  id: string;
  contextHash: string;
  context: KeyContext;
  provider: string;
  rootKeyId: string;
  wrappedKey: Buffer;
}

/** The only SQL caller for KEKs. Every method takes the environment first. */
@Injectable()
export class KeksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Events of reads (no state change to commit with): appended on their own. */
  async recordEvents(messages: OutboxMessage[]): Promise<void> {
    await appendToOutbox(pgExecutor(this.prisma.pool), messages);
  }

  async findByContext(environmentId: string, contextHash: string): Promise<KekRow | null> {
    const { rows } = await this.prisma.pool.query<{ id: string; current_version: number; shredded: boolean }>(
      'SELECT id, current_version, shredded_at IS NOT NULL AS shredded FROM vault_keks WHERE environment_id = $1 AND context_hash = $2',
      [environmentId, contextHash],
    );
    return rows[0] ? { id: rows[0].id, currentVersion: rows[0].current_version, shredded: rows[0].shredded } : null;
  }

  async findVersion(environmentId: string, kekId: string, version: number): Promise<KekVersionRow | null> {
    const { rows } = await this.prisma.pool.query<{ provider: string; root_key_id: string; wrapped_key: Buffer; shredded: boolean }>(
      `SELECT v.provider, v.root_key_id, v.wrapped_key, k.shredded_at IS NOT NULL AS shredded FROM vault_kek_versions v JOIN vault_keks k ON k.id = v.kek_id
       WHERE k.environment_id = $1 AND v.kek_id = $2 AND v.version = $3`,
      [environmentId, kekId, version],
    );
    const r = rows[0];
    return r ? { kekId, version, provider: r.provider, rootKeyId: r.root_key_id, wrappedKey: r.wrapped_key, shredded: r.shredded } : null;
  }

  /**
   * Creates the context's KEK with its first version and its event, unless a concurrent request
   * created it first: then nothing is written and the winner's row is returned. Invariant: one
   * KEK per (environment, context), enforced by the unique index, never by a prior read.
   */
  async createIfAbsent(environmentId: string, kek: NewKek, event: OutboxMessage): Promise<{ row: KekRow; created: boolean }> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO vault_keks (id, environment_id, context_hash, key_context) VALUES ($1, $2, $3, $4)
         ON CONFLICT (environment_id, context_hash) DO NOTHING RETURNING id`,
        [kek.id, environmentId, kek.contextHash, JSON.stringify(kek.context)],
      );
      if (!rows.length) {
        const existing = await client.query<{ id: string; current_version: number; shredded: boolean }>(
          'SELECT id, current_version, shredded_at IS NOT NULL AS shredded FROM vault_keks WHERE environment_id = $1 AND context_hash = $2',
          [environmentId, kek.contextHash],
        );
        const r = existing.rows[0]!;
        return { row: { id: r.id, currentVersion: r.current_version, shredded: r.shredded }, created: false };
      }
      await client.query('INSERT INTO vault_kek_versions (kek_id, version, provider, root_key_id, wrapped_key) VALUES ($1, 1, $2, $3, $4)', [
        kek.id,
        kek.provider,
        kek.rootKeyId,
        kek.wrappedKey,
      ]);
      await appendToOutbox(pgExecutor(client), [event]);
      return { row: { id: kek.id, currentVersion: 1, shredded: false }, created: true };
    });
  }

  /**
   * Adds the next version of a KEK and makes it current. The row lock serialises rotations, so
   * versions are dense; older versions stay (decrypt-only).
   */
  async addVersion(
    environmentId: string,
    kekId: string,
    wrap: (version: number) => Promise<{ provider: string; rootKeyId: string; wrappedKey: Buffer }>,
    event: (version: number) => OutboxMessage,
  ): Promise<number | null> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rows } = await client.query<{ current_version: number }>(
        'SELECT current_version FROM vault_keks WHERE environment_id = $1 AND id = $2 AND shredded_at IS NULL FOR UPDATE',
        [environmentId, kekId],
      );
      if (!rows[0]) return null;
      const next = rows[0].current_version + 1;
      const w = await wrap(next);
      await client.query('INSERT INTO vault_kek_versions (kek_id, version, provider, root_key_id, wrapped_key) VALUES ($1, $2, $3, $4, $5)', [
        kekId,
        next,
        w.provider,
        w.rootKeyId,
        w.wrappedKey,
      ]);
      await client.query('UPDATE vault_keks SET current_version = $3, rotated_at = now() WHERE environment_id = $1 AND id = $2', [environmentId, kekId, next]);
      await appendToOutbox(pgExecutor(client), [event(next)]);
      return next;
    });
  }
}
