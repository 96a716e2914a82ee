import QRCode from 'qrcode';
import { Inject, Injectable } from '@nestjs/common';
import { Secret, TOTP } from 'otpauth';
import { BadRequestError, DomainError, newId, NotFoundError, paginate, RateLimitedError, toListEnvelope, SecretBox, REDIS, type Redis } from '@wos/platform';
import { hasIdShape } from '@wos/contracts';
import type { AuthFactor } from '../generated/prisma/client';
import { MfaRepository } from './mfa.repository';
import { toChallengeWire, toFactorWire, type TotpSecrets } from './mfa.dto';

const PERIOD = 30;
/** A challenge is answerable for 5 minutes after it was created. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/**
 * Code attempts per user (per factor for a factor without a user) in a fixed 15-minute window,
 * counted across all challenges; a correct code clears the count. With ±1 step (3 live codes of
 * 10^6), that is at most 1.5e-5 odds per window for a guesser.
 */
export const MAX_CODE_ATTEMPTS = 5;
const ATTEMPT_WINDOW_SECONDS = 15 * 60;

/** SMS needs a provider; none is configured in this deployment (WORKOS_API.md §8). */
export class SmsNotConfiguredError extends DomainError {
  constructor() {
    super(422, 'sms_provider_not_configured', 'SMS authentication factors are not available: no SMS provider is configured for this environment.');
  }
}

/**
 * TOTP factors and challenges, user-scoped (§7.9) and standalone (§8). Invariants: the seed is
 * stored sealed (AAD = factor id) and only returned at enrolment; a code is checked within ±1
 * step; each step is accepted once per factor; a verified challenge cannot be verified again;
 * a challenge expires after CHALLENGE_TTL_MS; attempts are capped per user or factor, never per
 * challenge, so creating challenges does not buy guesses.
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly repo: MfaRepository,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly box: SecretBox,
  ) {}

  async enroll(environmentId: string, p: { type: string; userId?: string; issuer?: string; user?: string; secret?: string; withChallenge?: boolean }) {
    if (p.type === 'sms') throw new SmsNotConfiguredError();
    if (p.type !== 'totp') throw new DomainError(422, 'authentication_factor_type_not_supported', `Authentication factors of type ${p.type} are not supported; use totp.`);
    const id = newId('auth_factor');
    const secret = p.secret ? Secret.fromBase32(p.secret) : new Secret({ size: 20 });
    const issuer = p.issuer ?? 'WorkOS';
    const label = p.user ?? 'user';
    const totp = new TOTP({ issuer, label, secret, period: PERIOD, digits: 6, algorithm: 'SHA1' });
    const now = new Date();
    const { factor, challenge } = await this.repo.createFactor(
      { id, environmentId, userId: p.userId ?? null, type: 'totp', totpIssuer: issuer, totpUser: label, secret: this.box.seal(secret.base32, id), createdAt: now, updatedAt: now },
      p.withChallenge ? { id: newId('auth_challenge'), environmentId, factorId: id, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS), createdAt: now, updatedAt: now } : undefined,
    );
    // As WorkOS: qr_code is a PNG data URL of the otpauth URI (drawn here by `qrcode`, no network).
    const secrets: TotpSecrets = { qr_code: await QRCode.toDataURL(totp.toString(), { errorCorrectionLevel: 'M', margin: 1 }), secret: secret.base32, uri: totp.toString() };
    return { factor: toFactorWire(factor, secrets), challenge: challenge ? toChallengeWire(challenge) : undefined };
  }

  async getFactor(environmentId: string, id: string) {
    return toFactorWire(await this.mustFindFactor(environmentId, id));
  }

  async deleteFactor(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'auth_factor') || !(await this.repo.deleteFactor(environmentId, id))) throw new NotFoundError('an authentication factor', id);
  }

  async listForUser(environmentId: string, userId: string, query: Parameters<typeof paginate>[0]) {
    const page = await paginate(query, (req) => this.repo.listForUser(environmentId, userId, req));
    return toListEnvelope(page, (f) => toFactorWire(f));
  }

  totpFactorsOfUser(environmentId: string, userId: string): Promise<AuthFactor[]> {
    return this.repo.totpFactorsOfUser(environmentId, userId);
  }

  async challenge(environmentId: string, factorId: string) {
    const factor = await this.mustFindFactor(environmentId, factorId);
    if (factor.type === 'sms') throw new SmsNotConfiguredError();
    const now = new Date();
    return toChallengeWire(await this.repo.createChallenge({ id: newId('auth_challenge'), environmentId, factorId: factor.id, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS), createdAt: now, updatedAt: now }));
  }

  /** `{challenge, valid}`; a wrong code is `valid: false`, a used or foreign challenge is an error. */
  async verify(environmentId: string, challengeId: string, code: string, userId?: string) {
    const c = hasIdShape(challengeId, 'auth_challenge') ? await this.repo.findChallenge(environmentId, challengeId) : null;
    if (!c || (userId !== undefined && c.factor.userId !== userId)) throw new NotFoundError('an authentication challenge', challengeId);
    if (c.verifiedAt) throw new BadRequestError('authentication_challenge_previously_verified', 'The authentication challenge has already been verified.');
    // Challenges written before expiry existed get the same lifetime from their creation.
    const expiresAt = c.expiresAt ?? new Date(c.createdAt.getTime() + CHALLENGE_TTL_MS);
    if (expiresAt.getTime() < Date.now()) throw new BadRequestError('authentication_challenge_expired', 'The authentication challenge has expired.');
    const attempts = `identity:mfa:attempts:${environmentId}:${c.factor.userId ?? c.factor.id}`;
    await this.countAttempt(attempts);
    const step = this.matchingStep(c.factor, code);
    const valid = step !== null && (await this.repo.acceptStep(c.factor.id, step));
    if (valid) await this.redis.del(attempts);
    const challenge = valid ? await this.repo.markVerified(c.id, new Date()) : c;
    return { challenge: toChallengeWire(challenge), valid };
  }

  /** Counts the attempt before the code is checked, so concurrent guesses cannot overrun the cap. */
  private async countAttempt(key: string): Promise<void> {
    const res = (await this.redis.multi().incr(key).expire(key, ATTEMPT_WINDOW_SECONDS, 'NX').ttl(key).exec()) as [Error | null, number][];
    if (res[0]![1] > MAX_CODE_ATTEMPTS) throw new RateLimitedError(Math.max(1, res[2]![1]));
  }

  /** The time step (±1 around now) whose code equals `code`, or null. */
  private matchingStep(factor: AuthFactor, code: string): number | null {
    if (!/^\d{6}$/.test(code) || !factor.secret) return null;
    const secret = Secret.fromBase32(this.box.openString(factor.secret, factor.id));
    const now = Date.now();
    const delta = TOTP.validate({ token: code, secret, period: PERIOD, digits: 6, algorithm: 'SHA1', timestamp: now, window: 1 });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
  }

  private async mustFindFactor(environmentId: string, id: string): Promise<AuthFactor> {
    const f = hasIdShape(id, 'auth_factor') ? await this.repo.findFactor(environmentId, id) : null;
    if (!f) throw new NotFoundError('an authentication factor', id);
    return f;
  }
}
