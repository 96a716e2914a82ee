import { Injectable } from '@nestjs/common';
import { appendToOutbox, OutboxGroupAppender, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import type { PoolClient } from 'pg';
import { PrismaService } from '../infra/prisma.service';
import { contextOrganization, type KeyContext } from '../vault-core/key-context';
import { uuidv7 } from '../vault-core/vault-ids';
import type { ByokKeyRow, KekWrapping } from './root-keys.service';

export interface KekRow {
  id: string;
  currentVersion: number;
  shredded: boolean;
}

export interface KekVersionRow {
  kekId: string;
  version: number;
  wrapping: KekWrapping;
  /** The BYOK key named by wrapping.byokKeyId. */
  byok: ByokKeyRow | null;
  shredded: boolean;
}

export interface NewKek {
  id: string;
  contextHash: string;
  context: KeyContext;
}

/** Wraps a new KEK version under the organization's BYOK key (null: none, the platform's root key). */
export type WrapVersion = (byok: ByokKeyRow | null, version: number) => Promise<KekWrapping>;

/* ---- SQL shared with the BYOK and rekey repositories; each takes a client inside a transaction ---- */

export const BYOK_COLUMNS = `b.id AS b_id, b.environment_id AS b_environment_id, b.organization_id AS b_organization_id, b.key_provider AS b_key_provider,
  b.key_ref AS b_key_ref, b.wrapped_material AS b_wrapped_material, b.fingerprint AS b_fingerprint, b.created_at AS b_created_at, b.revoked_at AS b_revoked_at`;

export function toByok(r: Record<string, unknown>): ByokKeyRow | null {
  if (!r.b_id) return null;
  return {
    id: r.b_id as string,
    environmentId: r.b_environment_id as string,
    organizationId: r.b_organization_id as string,
    keyProvider: r.b_key_provider as ByokKeyRow['keyProvider'],
    keyRef: r.b_key_ref as string,
    wrappedMaterial: (r.b_wrapped_material as Buffer | null) ?? null,
    fingerprint: r.b_fingerprint as string,
    createdAt: r.b_created_at as Date,
    revokedAt: (r.b_revoked_at as Date | null) ?? null,
  };
}

/**
 * Serialises every change to which root key wraps an organization's KEKs (creation, rotation,
 * BYOK registration and revocation) for the rest of the transaction. Invariant: a KEK version is
 * wrapped under the organization's key as it stands at commit, never under one revoked meanwhile.
 */
export async function lockOrganizationKeys(client: PoolClient, environmentId: string, organizationId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`wos/vault/org-keys|${environmentId}|${organizationId}`]);
}

/** The organization's newest BYOK key (active or revoked), or null when it never brought one. */
export async function latestByok(client: PoolClient, environmentId: string, organizationId: string): Promise<ByokKeyRow | null> {
  const { rows } = await client.query(
    `SELECT ${BYOK_COLUMNS} FROM vault_byok_keys b WHERE b.environment_id = $1 AND b.organization_id = $2 ORDER BY b.created_at DESC, b.id DESC LIMIT 1`,
    [environmentId, organizationId],
  );
  return rows[0] ? toByok(rows[0]) : null;
}

export async function insertKekVersion(client: PoolClient, kekId: string, version: number, w: KekWrapping): Promise<void> {
  await client.query('INSERT INTO vault_kek_versions (kek_id, version, provider, root_key_id, wrapped_key, byok_key_id) VALUES ($1, $2, $3, $4, $5, $6)', [
    kekId,
    version,
    w.provider,
    w.rootKeyId,
    w.wrappedKey,
    w.byokKeyId,
  ]);
}

/**
 * Makes `version` the KEK's current one and schedules the rekey of its stored data keys. One
 * pending rekey per KEK: a rotation during a rekey restarts it from the start at the new version.
 */
export async function makeCurrent(client: PoolClient, environmentId: string, kekId: string, version: number): Promise<void> {
  await client.query('UPDATE vault_keks SET current_version = $3, rotated_at = now() WHERE environment_id = $1 AND id = $2', [environmentId, kekId, version]);
  await client.query(
    `INSERT INTO vault_rekeys (id, environment_id, kek_id, target_version) VALUES ($1, $2, $3, $4)
     ON CONFLICT (kek_id) WHERE completed_at IS NULL DO UPDATE SET target_version = EXCLUDED.target_version, cursor = '', updated_at = now()`,
    [uuidv7(), environmentId, kekId, version],
  );
}

/** The only SQL caller for KEKs. Every method takes the environment first. */
@Injectable()
export class KeksRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: OutboxGroupAppender,
  ) {}

  /**
   * Events of reads and refused attempts (no state change to commit with): appended on their
   * own, sharing a statement with concurrent requests' (OutboxGroupAppender); resolves once they
   * committed.
   */
  recordEvents(messages: OutboxMessage[]): Promise<void> {
    return this.events.append(messages);
  }

  async findByContext(environmentId: string, contextHash: string): Promise<KekRow | null> {
    const { rows } = await this.prisma.pool.query<{ id: string; current_version: number; shredded: boolean }>(
      'SELECT id, current_version, shredded_at IS NOT NULL AS shredded FROM vault_keks WHERE environment_id = $1 AND context_hash = $2',
      [environmentId, contextHash],
    );
    return rows[0] ? { id: rows[0].id, currentVersion: rows[0].current_version, shredded: rows[0].shredded } : null;
  }

  async findVersion(environmentId: string, kekId: string, version: number): Promise<KekVersionRow | null> {
    const { rows } = await this.prisma.pool.query(
      `SELECT v.provider, v.root_key_id, v.wrapped_key, v.byok_key_id, k.shredded_at IS NOT NULL AS shredded, ${BYOK_COLUMNS}
         FROM vault_kek_versions v JOIN vault_keks k ON k.id = v.kek_id LEFT JOIN vault_byok_keys b ON b.id = v.byok_key_id
        WHERE k.environment_id = $1 AND v.kek_id = $2 AND v.version = $3`,
      [environmentId, kekId, version],
    );
    const r = rows[0] as Record<string, unknown> | undefined;
    if (!r) return null;
    return {
      kekId,
      version,
      wrapping: { provider: r.provider as string, rootKeyId: r.root_key_id as string, byokKeyId: (r.byok_key_id as string | null) ?? null, wrappedKey: r.wrapped_key as Buffer },
      byok: toByok(r),
      shredded: r.shredded as boolean,
    };
  }

  /**
   * Creates the context's KEK with its first version and its event, unless a concurrent request
   * created it first: then nothing is written and the winner's row is returned. Invariant: one
   * KEK per (environment, context), enforced by the unique index, never by a prior read. The
   * version is wrapped inside the transaction, under the organization's key lock.
   */
  async createIfAbsent(environmentId: string, kek: NewKek, wrap: WrapVersion, event: OutboxMessage): Promise<{ row: KekRow; created: boolean }> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const organizationId = contextOrganization(kek.context);
      if (organizationId) await lockOrganizationKeys(client, environmentId, organizationId);
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
      const byok = organizationId ? await latestByok(client, environmentId, organizationId) : null;
      await insertKekVersion(client, kek.id, 1, await wrap(byok, 1));
      await appendToOutbox(pgExecutor(client), [event]);
      return { row: { id: kek.id, currentVersion: 1, shredded: false }, created: true };
    });
  }

  /**
   * Adds the next version of a KEK, makes it current and schedules the rekey of its data keys.
   * The organization's key lock, then the KEK's row lock, serialise rotations, so versions are
   * dense; older versions stay (decrypt-only).
   */
  async addVersion(environmentId: string, kekId: string, wrap: WrapVersion, event: (version: number) => OutboxMessage): Promise<number | null> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const ctx = await client.query<{ key_context: KeyContext }>('SELECT key_context FROM vault_keks WHERE environment_id = $1 AND id = $2', [environmentId, kekId]);
      if (!ctx.rows[0]) return null;
      const organizationId = contextOrganization(ctx.rows[0].key_context);
      if (organizationId) await lockOrganizationKeys(client, environmentId, organizationId);
      const { rows } = await client.query<{ current_version: number }>(
        'SELECT current_version FROM vault_keks WHERE environment_id = $1 AND id = $2 AND shredded_at IS NULL FOR UPDATE',
        [environmentId, kekId],
      );
      if (!rows[0]) return null;
      const next = rows[0].current_version + 1;
      const byok = organizationId ? await latestByok(client, environmentId, organizationId) : null;
      await insertKekVersion(client, kekId, next, await wrap(byok, next));
      await makeCurrent(client, environmentId, kekId, next);
      await appendToOutbox(pgExecutor(client), [event(next)]);
      return next;
    });
  }
}
