import { Injectable } from '@nestjs/common';
import { GroupCommitQueue, sha256Hex, type GroupCommitItem } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';

export type ArtifactPayload = Record<string, unknown>;

/** Models whose ID is a bearer credential. */
const TOKEN_MODELS = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode', 'ClientCredentials', 'RegistrationAccessToken', 'InitialAccessToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PushedAuthorizationRequest']);

/** The models one token value may be: introspection and revocation look it up under each, at once. */
export const TOKEN_LOOKUP_MODELS = ['AccessToken', 'ClientCredentials', 'RefreshToken'];

/** A token found by `findToken`, with its grant and session as read in the same statement (null: none, or expired). */
export interface FoundToken {
  payload: ArtifactPayload;
  grant: ArtifactPayload | null;
  session: ArtifactPayload | null;
}

/** One token value to look up: the statement's key (the hash) and what `restore` needs (the value). */
interface TokenLookup extends GroupCommitItem {
  environmentId: string;
  id: string;
  idHash: string;
}

/* Lookups per shared statement: 64 values × 3 models, each row read through the primary key. Two in flight. */
const TOKEN_LOOKUP_LIMITS = { maxRows: 64, maxBytes: Number.MAX_SAFE_INTEGER, maxInFlight: 2 };

interface TokenRow {
  /** The 1-based position of the row's value in the statement's arrays. */
  i: number;
  model: string;
  payload: ArtifactPayload;
  consumed_at: Date | null;
  grant_payload: ArtifactPayload | null;
  grant_consumed_at: Date | null;
  session_payload: ArtifactPayload | null;
  session_consumed_at: Date | null;
}

/**
 * oidc-provider's storage (its adapter models), on Postgres so every replica sees the same
 * sessions, interactions, codes and tokens. Invariants: every statement is scoped by environment
 * and model; rows are keyed by SHA-256 of the ID (for opaque tokens the ID is the token), and the
 * payload never holds the ID itself; an expired row is never returned.
 */
@Injectable()
export class OAuthArtifactsRepository {
  /* Token lookups that arrive while statements are in flight share the next one (introspection's hot path). */
  private readonly tokenLookups = new GroupCommitQueue<TokenLookup, Map<string, FoundToken>>((batch) => this.findTokens(batch), TOKEN_LOOKUP_LIMITS);

  constructor(private readonly prisma: PrismaService) {}

  async upsert(environmentId: string, model: string, id: string, payload: ArtifactPayload, expiresInSeconds: number | undefined): Promise<void> {
    // A token's ID is the token: only a marker is stored. Sessions keep theirs (findByUid needs it).
    const stored = TOKEN_MODELS.has(model) && payload.jti === id ? { ...payload, jti: true } : payload;
    const grantId = typeof payload.grantId === 'string' ? payload.grantId : null;
    const uid = typeof payload.uid === 'string' ? payload.uid : null;
    const expiresAt = expiresInSeconds ? new Date(Date.now() + expiresInSeconds * 1000) : null;
    await this.prisma.pool.query(
      `INSERT INTO oauth_artifacts (environment_id, model, id_hash, payload, grant_id, uid, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (environment_id, model, id_hash) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
      [environmentId, model, sha256Hex(id), JSON.stringify(stored), grantId, uid, expiresAt],
    );
  }

  async find(environmentId: string, model: string, id: string): Promise<ArtifactPayload | undefined> {
    const { rows } = await this.prisma.pool.query<{ payload: ArtifactPayload; consumed_at: Date | null }>(
      `SELECT payload, consumed_at FROM oauth_artifacts
       WHERE environment_id = $1 AND model = $2 AND id_hash = $3 AND (expires_at IS NULL OR expires_at > now())`,
      [environmentId, model, sha256Hex(id)],
    );
    return rows[0] ? restore(rows[0], id) : undefined;
  }

  /**
   * The value's rows under every TOKEN_LOOKUP_MODELS model, each with its grant (what `find` of
   * the grant ID reads) and its session (what `findByUid` of its `sessionUid` reads), in one
   * statement: at one instant, where separate lookups would be three round trips. Lookups that
   * arrive while one is in flight share the next statement (GroupCommitQueue).
   */
  findToken(environmentId: string, id: string): Promise<Map<string, FoundToken>> {
    return this.tokenLookups.submit({ environmentId, id, idHash: sha256Hex(id), rows: 1, bytes: id.length });
  }

  /* One map per lookup, in order. Each row is found by the primary key (FIND_TOKENS_SQL's plan is tested). */
  private async findTokens(batch: TokenLookup[]): Promise<Map<string, FoundToken>[]> {
    const { rows } = await this.prisma.pool.query<TokenRow>({
      name: 'oauth_find_tokens',
      text: FIND_TOKENS_SQL,
      values: [batch.map((k) => k.environmentId), batch.map((k) => k.idHash), TOKEN_LOOKUP_MODELS],
    });
    const found = batch.map(() => new Map<string, FoundToken>());
    for (const r of rows) {
      const grant = r.grant_payload ? restore({ payload: r.grant_payload, consumed_at: r.grant_consumed_at }, undefined) : null;
      const session = r.session_payload ? restore({ payload: r.session_payload, consumed_at: r.session_consumed_at }, undefined) : null;
      found[r.i - 1]!.set(r.model, { payload: restore(r, batch[r.i - 1]!.id), grant, session });
    }
    return found;
  }

  async findByUid(environmentId: string, model: string, uid: string): Promise<ArtifactPayload | undefined> {
    const { rows } = await this.prisma.pool.query<{ payload: ArtifactPayload; consumed_at: Date | null }>(
      `SELECT payload, consumed_at FROM oauth_artifacts
       WHERE environment_id = $1 AND model = $2 AND uid = $3 AND (expires_at IS NULL OR expires_at > now()) LIMIT 1`,
      [environmentId, model, uid],
    );
    return rows[0] ? restore(rows[0], undefined) : undefined;
  }

  /** Marks the artefact consumed; false when it already was (or is gone), so a racing second use loses. */
  async consume(environmentId: string, model: string, id: string): Promise<boolean> {
    const { rowCount } = await this.prisma.pool.query(
      'UPDATE oauth_artifacts SET consumed_at = now() WHERE environment_id = $1 AND model = $2 AND id_hash = $3 AND consumed_at IS NULL',
      [environmentId, model, sha256Hex(id)],
    );
    return (rowCount ?? 0) > 0;
  }

  async destroy(environmentId: string, model: string, id: string): Promise<void> {
    await this.prisma.pool.query('DELETE FROM oauth_artifacts WHERE environment_id = $1 AND model = $2 AND id_hash = $3', [environmentId, model, sha256Hex(id)]);
  }

  /** Every artefact of the grant, whatever its model (oidc-provider calls this once per model). */
  async revokeByGrantId(environmentId: string, grantId: string): Promise<void> {
    await this.prisma.pool.query('DELETE FROM oauth_artifacts WHERE environment_id = $1 AND grant_id = $2', [environmentId, grantId]);
  }

  /** Removes rows expired for an hour or more, a bounded batch per call. */
  async sweep(limit = 5000): Promise<number> {
    const { rowCount } = await this.prisma.pool.query(
      `DELETE FROM oauth_artifacts WHERE ctid IN (SELECT ctid FROM oauth_artifacts WHERE expires_at < now() - interval '1 hour' LIMIT $1)`,
      [limit],
    );
    return rowCount ?? 0;
  }
}

/*
 * findToken's statement: $1 environments and $2 ID hashes (one pair per lookup, numbered from 1
 * by ORDINALITY), $3 the models. Every join is on the scanned token's own environment, so a
 * lookup never sees another environment's grant or session. Each part is a LATERAL subquery with
 * LIMIT 1, which Postgres does not flatten: one primary-key probe per value and model, where a
 * join of the arrays with the table was planned as a scan of the whole table.
 */
export const FIND_TOKENS_SQL = `SELECT k.i::int AS i, t.model, t.payload, t.consumed_at, g.payload AS grant_payload, g.consumed_at AS grant_consumed_at,
         s.payload AS session_payload, s.consumed_at AS session_consumed_at
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(environment_id, id_hash, i)
  CROSS JOIN unnest($3::text[]) AS m(model)
  CROSS JOIN LATERAL (
    SELECT environment_id, model, payload, consumed_at, grant_id FROM oauth_artifacts
    WHERE environment_id = k.environment_id AND model = m.model AND id_hash = k.id_hash AND (expires_at IS NULL OR expires_at > now()) LIMIT 1
  ) t
  LEFT JOIN LATERAL (
    SELECT payload, consumed_at FROM oauth_artifacts
    WHERE environment_id = t.environment_id AND model = 'Grant' AND id_hash = encode(sha256(convert_to(t.grant_id, 'UTF8')), 'hex') AND (expires_at IS NULL OR expires_at > now()) LIMIT 1
  ) g ON true
  LEFT JOIN LATERAL (
    SELECT payload, consumed_at FROM oauth_artifacts
    WHERE environment_id = t.environment_id AND model = 'Session' AND uid = t.payload->>'sessionUid' AND (expires_at IS NULL OR expires_at > now()) LIMIT 1
  ) s ON true`;

function restore(row: { payload: ArtifactPayload; consumed_at: Date | null }, id: string | undefined): ArtifactPayload {
  const payload = { ...row.payload };
  if (payload.jti === true) payload.jti = id;
  if (row.consumed_at) payload.consumed = Math.floor(row.consumed_at.getTime() / 1000);
  return payload;
}
