import { Injectable } from '@nestjs/common';
import { sha256Hex } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';

export type ArtifactPayload = Record<string, unknown>;

/** Models whose ID is a bearer credential. */
const TOKEN_MODELS = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode', 'ClientCredentials', 'RegistrationAccessToken', 'InitialAccessToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PushedAuthorizationRequest']);

/**
 * oidc-provider's storage (its adapter models), on Postgres so every replica sees the same
 * sessions, interactions, codes and tokens. Invariants: every statement is scoped by environment
 * and model; rows are keyed by SHA-256 of the ID (for opaque tokens the ID is the token), and the
 * payload never holds the ID itself; an expired row is never returned.
 */
@Injectable()
export class OAuthArtifactsRepository {
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

function restore(row: { payload: ArtifactPayload; consumed_at: Date | null }, id: string | undefined): ArtifactPayload {
  const payload = { ...row.payload };
  if (payload.jti === true) payload.jti = id;
  if (row.consumed_at) payload.consumed = Math.floor(row.consumed_at.getTime() / 1000);
  return payload;
}
