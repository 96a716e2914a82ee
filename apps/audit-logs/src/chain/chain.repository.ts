import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { appendToOutbox, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { ChainPublicJwk, Checkpoint } from '../audit-core/chain';
import type { ChainEntry } from '../audit-core/chain-verify';

export interface StoredKey {
  id: string;
  privateKeySealed: string;
  publicJwk: ChainPublicJwk;
}

interface CheckpointRecord {
  id: string;
  environment_id: string;
  organization_id: string;
  kind: 'head' | 'truncation';
  seq: string;
  hash: Buffer;
  key_id: string;
  signature: string;
  created_at: Date;
}

const toCheckpoint = (r: CheckpointRecord): Checkpoint => ({
  object: 'audit_log_checkpoint',
  id: r.id,
  kind: r.kind,
  environment_id: r.environment_id,
  organization_id: r.organization_id,
  seq: Number(r.seq),
  hash: r.hash.toString('hex'),
  created_at: r.created_at.toISOString(),
  key_id: r.key_id,
  signature: r.signature,
});

const CHECKPOINT_COLUMNS = 'id, environment_id, organization_id, kind, seq, hash, key_id, signature, created_at';

/** The only SQL caller for the chain's heads, entries, checkpoints and keys. Tenant methods take the environment first. */
@Injectable()
export class ChainRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Every signing key, newest first (retired ones stay published). */
  async keys(): Promise<StoredKey[]> {
    const rows = await this.prisma.auditLogChainKey.findMany({ orderBy: { createdAt: 'desc' } });
    return rows.map((r) => ({ id: r.id, privateKeySealed: r.privateKeySealed, publicJwk: r.publicJwk as unknown as ChainPublicJwk }));
  }

  /**
   * Stores `candidate` unless an active key exists; returns the active key. The advisory lock
   * makes replicas starting together agree on one key.
   */
  activeKeyOrCreate(candidate: StoredKey): Promise<StoredKey> {
    return pgTransaction(this.prisma.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('audit_log_chain_keys'))");
      const { rows } = await client.query<{ id: string; private_key_sealed: string; public_jwk: ChainPublicJwk }>(
        'SELECT id, private_key_sealed, public_jwk FROM audit_log_chain_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
      );
      if (rows[0]) return { id: rows[0].id, privateKeySealed: rows[0].private_key_sealed, publicJwk: rows[0].public_jwk };
      await client.query('INSERT INTO audit_log_chain_keys (id, private_key_sealed, public_jwk) VALUES ($1, $2, $3::jsonb)', [candidate.id, candidate.privateKeySealed, JSON.stringify(candidate.publicJwk)]);
      return candidate;
    });
  }

  /** Chains whose head is past their newest checkpoint (up to `limit`), across environments. */
  async headsAhead(limit: number): Promise<{ environmentId: string; organizationId: string; seq: number; hash: Buffer }[]> {
    const { rows } = await this.prisma.pool.query<{ environment_id: string; organization_id: string; seq: string; hash: Buffer }>(
      `SELECT h.environment_id, h.organization_id, h.seq, h.hash FROM audit_log_chain_heads h
        WHERE h.seq > COALESCE((SELECT max(c.seq) FROM audit_log_checkpoints c WHERE c.environment_id = h.environment_id AND c.organization_id = h.organization_id), 0)
        LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ environmentId: r.environment_id, organizationId: r.organization_id, seq: Number(r.seq), hash: r.hash }));
  }

  async head(environmentId: string, organizationId: string): Promise<{ seq: number; hash: Buffer } | undefined> {
    const { rows } = await this.prisma.pool.query<{ seq: string; hash: Buffer }>('SELECT seq, hash FROM audit_log_chain_heads WHERE environment_id = $1 AND organization_id = $2', [environmentId, organizationId]);
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
  }

  /** Every chain with a head (maintenance walks them to truncate), across environments. */
  async chains(): Promise<{ environmentId: string; organizationId: string }[]> {
    const { rows } = await this.prisma.pool.query<{ environment_id: string; organization_id: string }>('SELECT environment_id, organization_id FROM audit_log_chain_heads');
    return rows.map((r) => ({ environmentId: r.environment_id, organizationId: r.organization_id }));
  }

  /** A checkpoint and, when given, its SIEM message, in one transaction. */
  addCheckpoint(c: Checkpoint, message?: OutboxMessage, client?: PoolClient): Promise<void> {
    const run = async (db: PoolClient) => {
      await db.query(`INSERT INTO audit_log_checkpoints (${CHECKPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        c.id,
        c.environment_id,
        c.organization_id,
        c.kind,
        c.seq,
        Buffer.from(c.hash, 'hex'),
        c.key_id,
        c.signature,
        new Date(c.created_at),
      ]);
      if (message) await appendToOutbox(pgExecutor(db), [message]);
    };
    return client ? run(client) : pgTransaction(this.prisma.pool, run);
  }

  async checkpoints(environmentId: string, organizationId: string, afterSeq: number, limit: number): Promise<Checkpoint[]> {
    const { rows } = await this.prisma.pool.query<CheckpointRecord>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_log_checkpoints WHERE environment_id = $1 AND organization_id = $2 AND seq > $3 ORDER BY seq, created_at LIMIT $4`,
      [environmentId, organizationId, afterSeq, limit],
    );
    return rows.map(toCheckpoint);
  }

  /** The organization's newest truncation checkpoint: its retained chain starts there. */
  async lastTruncation(environmentId: string, organizationId: string): Promise<Checkpoint | undefined> {
    const { rows } = await this.prisma.pool.query<CheckpointRecord>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_log_checkpoints WHERE environment_id = $1 AND organization_id = $2 AND kind = 'truncation' ORDER BY seq DESC LIMIT 1`,
      [environmentId, organizationId],
    );
    return rows[0] ? toCheckpoint(rows[0]) : undefined;
  }

  async entryHash(environmentId: string, organizationId: string, seq: number): Promise<Buffer | undefined> {
    const { rows } = await this.prisma.pool.query<{ hash: Buffer }>('SELECT hash FROM audit_log_chain WHERE environment_id = $1 AND organization_id = $2 AND seq = $3', [environmentId, organizationId, seq]);
    return rows[0]?.hash;
  }

  /** Entries after `afterSeq` up to `toSeq`, at most `limit`, in order. */
  async entries(environmentId: string, organizationId: string, afterSeq: number, toSeq: number, limit: number): Promise<ChainEntry[]> {
    const { rows } = await this.prisma.pool.query<{ seq: string; occurred_at: Date; digest: Buffer; hash: Buffer }>(
      `SELECT seq, occurred_at, digest, hash FROM audit_log_chain
        WHERE environment_id = $1 AND organization_id = $2 AND seq > $3 AND seq <= $4 ORDER BY seq LIMIT $5`,
      [environmentId, organizationId, afterSeq, toSeq, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), occurred_at: r.occurred_at.toISOString(), digest: r.digest.toString('hex'), hash: r.hash.toString('hex') }));
  }

  /**
   * The position before the organization's oldest chained event that retention kept: every
   * entry up to it belongs to a removed event. Walks entries from the oldest and stops at the
   * first whose event still exists (retention removes the oldest first, so the walk is short).
   */
  async removedPrefix(environmentId: string, organizationId: string, fromSeq: number, headSeq: number): Promise<number> {
    const { rows } = await this.prisma.pool.query<{ seq: string | null }>(
      `SELECT min(l.seq) AS seq FROM audit_log_chain l
        WHERE l.environment_id = $1 AND l.organization_id = $2 AND l.seq > $3
          AND EXISTS (SELECT 1 FROM audit_log_events e WHERE e.occurred_at = l.occurred_at AND e.id = l.event_id)`,
      [environmentId, organizationId, fromSeq],
    );
    return rows[0]?.seq === null || rows[0]?.seq === undefined ? headSeq : Number(rows[0].seq) - 1;
  }

  /** A truncation checkpoint and the removal of the entries it covers, together. */
  truncate(c: Checkpoint, message: OutboxMessage): Promise<void> {
    return pgTransaction(this.prisma.pool, async (client) => {
      await this.addCheckpoint(c, message, client);
      await client.query('DELETE FROM audit_log_chain WHERE environment_id = $1 AND organization_id = $2 AND seq <= $3', [c.environment_id, c.organization_id, c.seq]);
    });
  }
}
