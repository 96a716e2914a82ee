import { Injectable } from '@nestjs/common';
import { newId, SecretBox } from '@wos/platform';
import { hasIdShape } from '@wos/contracts';
import type { OneTimeSecret, Prisma } from '../generated/prisma/client';
import { checkSecret, expiresAfter, hashCode, hashToken, MAX_FAILED_ATTEMPTS, newCode, newLinkToken, type SecretCheck } from '../tokens/one-time-secret';
import { OneTimeSecretsRepository, type SecretKind } from './one-time-secrets.repository';

const PREFIX = { email_verification: 'email_verification', magic_auth: 'magic_auth', password_reset: 'password_reset', radar_challenge: 'radar_challenge', email_change: 'email_change' } as const;

/**
 * Issues and checks the secrets of the three email flows. Codes (email verification, magic
 * auth) are 6 digits hashed with their row id; reset tokens are 192-bit and looked up by hash.
 * Invariant: issuing a secret for a user ends every earlier unspent one of the same kind, so only
 * the newest email a user received works.
 */
@Injectable()
export class OneTimeSecretsService {
  constructor(
    private readonly repo: OneTimeSecretsRepository,
    private readonly box: SecretBox,
  ) {}

  async issue(
    tx: Prisma.TransactionClient,
    p: { environmentId: string; kind: SecretKind; userId: string; email: string; ttlSeconds: number },
  ): Promise<{ row: OneTimeSecret; secret: string }> {
    const now = new Date();
    const id = newId(PREFIX[p.kind]);
    const secret = p.kind === 'password_reset' ? newLinkToken() : newCode();
    await this.repo.supersede(tx, p.environmentId, p.kind, p.userId, now);
    const row = await this.repo.insert(tx, {
      id,
      environmentId: p.environmentId,
      kind: p.kind,
      userId: p.userId,
      email: p.email,
      secretHash: p.kind === 'password_reset' ? hashToken(secret) : hashCode(id, secret),
      secretSealed: this.box.seal(secret, id),
      expiresAt: expiresAfter(p.ttlSeconds, now),
      createdAt: now,
      updatedAt: now,
    });
    return { row, secret };
  }

  /** The secret for the email about this row, or why that email must not go out any more. */
  async forMail(environmentId: string, kind: SecretKind, id: string): Promise<{ secret: string } | { skip: string }> {
    const row = await this.repo.findById(environmentId, kind, id);
    if (!row) return { skip: 'gone' };
    if (row.consumedAt) return { skip: 'used' };
    if (row.expiresAt.getTime() <= Date.now()) return { skip: 'expired' };
    return { secret: this.reveal(row) };
  }

  /** The user's newest secret of this kind when it can still be used, else null. */
  async latestUsable(environmentId: string, kind: SecretKind, userId: string): Promise<OneTimeSecret | null> {
    const row = await this.repo.latestForUser(environmentId, kind, userId);
    return row && !row.consumedAt && row.expiresAt.getTime() > Date.now() && row.failedAttempts < MAX_FAILED_ATTEMPTS ? row : null;
  }

  /** The plaintext secret, for the GET endpoints that return it (WorkOS does). */
  reveal(row: OneTimeSecret): string {
    return this.box.openString(row.secretSealed, row.id);
  }

  /** The secret row, or null for an unknown, malformed or other-environment ID. */
  find(environmentId: string, kind: SecretKind, id: string): Promise<OneTimeSecret | null> {
    return hasIdShape(id, PREFIX[kind]) ? this.repo.findById(environmentId, kind, id) : Promise.resolve(null);
  }

  /**
   * Checks a code against the user's newest code of this kind. A wrong guess is counted
   * (committed on its own) so the code dies after a few; nothing is spent here. A code mailed to
   * an address the user no longer has proves nothing about the current one and never matches.
   * `currentEmail` is null only for email-change codes, which prove the new address the row holds.
   */
  async checkCode(environmentId: string, kind: SecretKind, userId: string, code: string, currentEmail: string | null): Promise<{ result: SecretCheck | 'none'; row: OneTimeSecret | null }> {
    const row = await this.repo.latestForUser(environmentId, kind, userId);
    if (!row || (currentEmail !== null && row.email !== currentEmail)) return { result: 'none', row: null };
    const result = checkSecret(row, hashCode(row.id, code));
    if (result === 'mismatch') await this.repo.recordFailure(environmentId, row.id);
    return { result, row };
  }

  /** The reset row a token belongs to, checked (a token is unguessable, so no failure count). */
  async checkToken(environmentId: string, kind: SecretKind, token: string): Promise<{ result: SecretCheck | 'none'; row: OneTimeSecret | null }> {
    const hash = hashToken(token);
    const row = await this.repo.findByHash(environmentId, kind, hash);
    if (!row) return { result: 'none', row: null };
    return { result: checkSecret(row, hash), row };
  }

  /** Spends the secret inside the caller's transaction; false when a concurrent request won. */
  consume(tx: Prisma.TransactionClient, environmentId: string, id: string): Promise<boolean> {
    return this.repo.consume(tx, environmentId, id, new Date());
  }

  transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.repo.transaction(fn);
  }
}
