import { Injectable } from '@nestjs/common';
import { randomToken, sha256Hex } from '@wos/platform';
import type { PendingAuthentication, Prisma } from '../generated/prisma/client';
import { PendingAuthRepository } from './pending-auth.repository';
import { invalidGrant } from './authenticate.errors';
import type { AuthenticationMethod } from './authenticate.grants';
import type { SsoSignIn } from './sso-sign-in';

export type PendingKind = 'organization_selection' | 'mfa_enrollment' | 'mfa_challenge' | 'email_verification' | 'radar_challenge';

/** WorkOS pending tokens live 10 minutes. */
const PENDING_TTL_MS = 10 * 60_000;

/**
 * `pending_authentication_token`s: opaque, random, stored as SHA-256, single use, 10 minutes,
 * bound to their environment, user, sign-in method and (optionally) organization. Each step
 * carries the sign-in's radar attempt to the next (GrantResult.radarAttemptId).
 */
@Injectable()
export class PendingAuthService {
  constructor(private readonly repo: PendingAuthRepository) {}

  async issue(
    p: { environmentId: string; userId: string; kind: PendingKind; method: AuthenticationMethod; organizationId?: string | null; sso?: SsoSignIn | null; ipAddress?: string | null; userAgent?: string | null; radarAttemptId?: string | null; mfaPassed?: boolean },
    tx?: Prisma.TransactionClient,
  ): Promise<string> {
    const token = randomToken(24);
    await this.repo.insert(
      {
        tokenHash: sha256Hex(token),
        environmentId: p.environmentId,
        userId: p.userId,
        kind: p.kind,
        authMethod: p.method,
        organizationId: p.organizationId ?? null,
        ...(p.sso ? { sso: p.sso } : {}),
        ipAddress: p.ipAddress ?? null,
        userAgent: p.userAgent ?? null,
        radarAttemptId: p.radarAttemptId ?? null,
        mfaPassed: p.mfaPassed ?? false,
        expiresAt: new Date(Date.now() + PENDING_TTL_MS),
      },
      tx,
    );
    return token;
  }

  /** Looks the token up without spending it; throws invalid_grant when it is not usable. */
  async peek(environmentId: string, token: string, kinds: readonly PendingKind[]): Promise<PendingAuthentication> {
    const row = await this.repo.find(environmentId, sha256Hex(token), new Date());
    if (!row || !kinds.includes(row.kind as PendingKind)) throw invalidGrant('The pending authentication token is invalid or has expired.');
    return row;
  }

  /** Spends the token once; a second use, an expired or a foreign token is invalid_grant. */
  async consume(environmentId: string, token: string, kinds: readonly PendingKind[]): Promise<PendingAuthentication> {
    const row = await this.repo.consume(environmentId, sha256Hex(token), kinds, new Date());
    if (!row) throw invalidGrant('The pending authentication token is invalid or has expired.');
    return row;
  }
}
