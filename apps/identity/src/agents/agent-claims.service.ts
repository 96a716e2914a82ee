import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appendToOutbox, DomainError, newId, NotFoundError, randomToken, SecretBox, sha256Hex } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { claimVerdict, credentialsLive, linkRefusal, placement, registrationStatus, SECRET_PREFIX, wellFormedSecret } from '../agent-claims-core/claim-rules';
import { AuthenticateThrottle } from '../authenticate/authenticate.throttle';
import { formatUserCode, normaliseUserCode, userCodeFrom } from '../device-flow/device-flow.dto';
import { minutes } from '../email-verification/email-verification.service';
import type { AgentClaimAttempt, AgentRegistration } from '../generated/prisma/client';
import { MailOutbox } from '../mail/mail-outbox.service';
import { listMembershipsQuerySchema } from '../memberships/memberships.dto';
import { MembershipsService } from '../memberships/memberships.service';
import { UsersService } from '../users/users.service';
import { AgentClaimsRepository, type AttemptWithRegistration } from './agent-claims.repository';
import { toRegistrationWire } from './agents.dto';
import { registrationEvent } from './agents.events';
import { ClientIdsClient } from './client-ids.client';
import type { ClaimCompleteInput, ClaimStartInput, LinkClaimAttemptInput, SelfRegisterInput } from './agents.dto';
import { agentClaimTokenContext } from '../infra/sealed-columns';

/** The claim page below /user_management/authorize (a hosted page: the flow cookie's path covers it). */
export const CLAIM_PAGE = 'agent-claim';
/* The user code is hashed with its attempt, so one code's hash says nothing about another attempt's. */
const userCodeHash = (attemptId: string, code: string) => sha256Hex(`${attemptId}:${code}`);

const REFUSALS = {
  previously_claimed: [409, 'previously_claimed', 'This agent registration has already been claimed.'],
  claim_expired: [410, 'claim_expired', 'This agent registration or its claim attempt has expired or was revoked; register again.'],
  attempt_superseded: [410, 'claim_attempt_superseded', 'A newer claim attempt replaced this one.'],
  attempt_locked: [403, 'claim_attempt_locked', 'Too many wrong user codes: this claim attempt is locked. Start a new claim.'],
  not_linked: [400, 'user_code_not_issued', 'No user code was issued yet: the user must open the claim link and sign in first.'],
  user_code_expired: [410, 'user_code_expired', 'The user code has expired; ask the user to open the claim link again.'],
  linked_to_another_user: [409, 'claim_attempt_linked', 'This claim attempt belongs to another user.'],
  not_a_member: [403, 'claim_denied', 'The user is not an active member of that organization.'],
  selection_required: [409, 'organization_selection_required', 'The user belongs to several organizations: name one with organization_id.'],
} as const;
const refuse = (reason: keyof typeof REFUSALS) => {
  const [status, code, message] = REFUSALS[reason];
  return new DomainError(status, code, message);
};
const invalidClaimToken = () => new DomainError(401, 'invalid_claim_token', 'The claim token is invalid.');

/**
 * Agent self-registration and the claim ceremony (AUTH.md's anonymous flow, SDK 11
 * `linkClaimAttemptToExternalUser`). Invariants:
 * - a self-registered registration has no organization and no user until a claim completes;
 * - only a verified human is ever linked to a claim attempt: one signed in through the hosted
 *   AuthKit claim page, or the user the customer's backend names with its API key; never
 *   anyone the agent names (the agent's email only says where the link goes);
 * - the claim completes only with the agent's claim token AND the user code shown to that
 *   human, within its lifetime, once; wrong codes are counted and lock the attempt;
 * - secrets (API key, claim token, attempt token, user code) are stored as SHA-256 only
 *   (the attempt token also sealed, for the mail outbox), and shown once.
 */
@Injectable()
export class AgentClaimsService implements OnModuleInit {
  constructor(
    private readonly repo: AgentClaimsRepository,
    private readonly mail: MailOutbox,
    private readonly box: SecretBox,
    private readonly throttle: AuthenticateThrottle,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly clientIds: ClientIdsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.mail.registerResolver('agent_claim', async (environmentId, id) => {
      const a = await this.repo.findAttempt(environmentId, id);
      if (!a || a.claimedAt || a.supersededAt || a.expiresAt <= new Date() || !a.registration.clientId) return { skip: 'claim attempt no longer open' };
      return { vars: { url: this.claimPageUrl(a.registration.clientId, this.box.openString(a.tokenSealed, agentClaimTokenContext(a.id))) } };
    });
  }

  /** `POST /agent/auth` (anonymous): a registration with no authority, its API key and claim token, shown once. */
  async register(environmentId: string, signedClientId: string | undefined, input: SelfRegisterInput, ip: string | null) {
    if (signedClientId ? signedClientId !== input.client_id : !(await this.clientIds.of(environmentId)).includes(input.client_id)) {
      throw new DomainError(400, 'invalid_client', 'The client_id is not a client of this environment.');
    }
    if (input.type !== 'anonymous') throw new DomainError(400, 'identity_assertion_not_enabled', 'Only anonymous self-registration is accepted here.');
    if (input.requested_credential_type !== 'api_key') throw new DomainError(400, 'unsupported_credential_type', 'Anonymous registrations receive an api_key.');
    await this.throttle.hit(environmentId, 'form:agent_registration', ip ?? 'unknown', this.config.AGENT_REGISTRATION_LIMIT_PER_MINUTE);
    const apiKey = `${SECRET_PREFIX.apiKey}${randomToken(32)}`;
    const claimToken = `${SECRET_PREFIX.claimToken}${randomToken(32)}`;
    const now = new Date();
    const claimExpiresAt = new Date(now.getTime() + this.config.AGENT_CLAIM_TTL_SECONDS * 1000);
    const r = await this.repo.register(
      environmentId,
      {
        id: newId('agent_reg'),
        organizationId: null,
        userlandUserId: null,
        status: 'unverified',
        kind: 'anonymous',
        identityId: newId('agent_identity'),
        clientId: input.client_id,
        claimId: newId('agent_reg_claim'),
        claimTokenHash: sha256Hex(claimToken),
        claimExpiresAt,
        claimCreatedAt: now,
        claimUpdatedAt: now,
        claimedAttemptId: null,
        expiryAnnouncedAt: null,
        createdAt: now,
        updatedAt: now,
      },
      { id: newId('agent_api_key'), keyHash: sha256Hex(apiKey), revokedAt: null, createdAt: now },
      (created) => registrationEvent('created', created, null, environmentId),
    );
    return {
      registration_id: r.id,
      registration_type: 'anonymous' as const,
      credential_type: 'api_key' as const,
      credential: apiKey,
      // Unclaimed, the key lives as long as the claim; a claim makes it permanent (until revoked).
      credential_expires: claimExpiresAt.toISOString(),
      scopes: [] as string[],
      claim_url: `${this.base()}/agent/auth/claim`,
      claim_token: claimToken,
      claim_token_expires: claimExpiresAt.toISOString(),
      post_claim_scopes: [] as string[],
    };
  }

  /** `POST /agent/auth/claim`: a new attempt (superseding earlier ones) and the email with its link. */
  async startAttempt(environmentId: string, input: ClaimStartInput) {
    const r = wellFormedSecret('claimToken', input.claim_token) ? await this.repo.findByClaimToken(environmentId, sha256Hex(input.claim_token)) : null;
    if (!r) throw invalidClaimToken();
    const status = registrationStatus(r, new Date());
    if (status === 'verified') throw refuse('previously_claimed');
    if (status !== 'unverified') throw refuse('claim_expired');
    await this.throttle.hit(environmentId, 'form:agent_claim_attempt', r.id, this.config.AGENT_CLAIM_ATTEMPT_LIMIT_PER_MINUTE);
    const token = `${SECRET_PREFIX.attemptToken}${randomToken(32)}`;
    const now = new Date();
    const id = newId('agent_reg_claim_attempt');
    const expiresAt = new Date(Math.min(now.getTime() + this.config.AGENT_CLAIM_ATTEMPT_TTL_SECONDS * 1000, r.claimExpiresAt!.getTime()));
    const email = input.email.toLowerCase();
    const attempt = await this.repo.newAttempt(
      environmentId,
      { id, registrationId: r.id, tokenHash: sha256Hex(token), tokenSealed: this.box.seal(token, agentClaimTokenContext(id)), email, userId: null, organizationId: null, userCodeHash: null, userCodeExpiresAt: null, failedAttempts: 0, expiresAt, supersededAt: null, claimedAt: null, createdAt: now, updatedAt: now },
      async (tx, a) => {
        await appendToOutbox(tx, [registrationEvent('claim.attempt.created', { ...r, claimUpdatedAt: now, updatedAt: now }, null, environmentId)]);
        await this.mail.enqueue(tx, { environmentId, template: 'agent_claim', entityId: a.id, recipient: email, vars: { email, expires_in_minutes: minutes((expiresAt.getTime() - now.getTime()) / 1000) } });
      },
    );
    void this.mail.kick();
    return { registration_id: r.id, claim_attempt_id: attempt.id, status: 'initiated' as const, expires_at: attempt.expiresAt.toISOString() };
  }

  /** The claim page's first step: the attempt its link names, when it may still be linked. */
  async openAttempt(environmentId: string, clientId: string, token: unknown): Promise<AttemptWithRegistration | null> {
    if (typeof token !== 'string' || !wellFormedSecret('attemptToken', token)) return null;
    const a = await this.repo.findAttemptByToken(environmentId, sha256Hex(token));
    if (!a || a.registration.clientId !== clientId) return null;
    return linkRefusal(a.registration, a, a.userId ?? '', new Date(), this.config.AGENT_CLAIM_MAX_FAILURES) ? null : a;
  }

  findAttempt(environmentId: string, attemptId: string): Promise<AttemptWithRegistration | null> {
    return this.repo.findAttempt(environmentId, attemptId);
  }

  /** The organizations a user may place a claimed agent in: their active memberships. */
  async organizationsOf(environmentId: string, userId: string): Promise<Array<{ id: string; name: string }>> {
    const page = await this.memberships.list(environmentId, listMembershipsQuerySchema.parse({ user_id: userId, statuses: 'active', limit: 100 }));
    return page.data.map((m) => ({ id: m.organization_id, name: m.organization_name ?? m.organization_id }));
  }

  /**
   * Links a verified user to the attempt and issues a fresh user code (the only time it is
   * readable). The user must be the one the agent named (same email), and the organization one
   * of their active memberships.
   */
  async linkVerifiedUser(environmentId: string, a: AttemptWithRegistration, user: { id: string; email: string }, askedOrganizationId: string | null | undefined) {
    if (user.email.toLowerCase() !== a.email) throw new DomainError(400, 'claim_email_mismatch', 'The user is not the one this claim attempt was sent to.');
    const refusal = linkRefusal(a.registration, a, user.id, new Date(), this.config.AGENT_CLAIM_MAX_FAILURES);
    if (refusal) throw refuse(refusal);
    const organizations = await this.organizationsOf(environmentId, user.id);
    const placed = placement(organizations.map((o) => o.id), askedOrganizationId);
    if ('refuse' in placed) throw refuse(placed.refuse);
    const code = userCodeFrom(randomBytes(32));
    const userCodeExpiresAt = new Date(Math.min(Date.now() + this.config.AGENT_USER_CODE_TTL_SECONDS * 1000, a.expiresAt.getTime()));
    const linked = await this.repo.link(environmentId, a.id, { userId: user.id, organizationId: placed.organizationId, userCodeHash: userCodeHash(a.id, code), userCodeExpiresAt }, this.config.AGENT_CLAIM_MAX_FAILURES);
    if (!linked) throw new DomainError(409, 'claim_attempt_changed', 'The claim attempt changed meanwhile; open the link again.');
    return { userCode: formatUserCode(code), expiresAt: userCodeExpiresAt, organizations, registration: a.registration };
  }

  /** SDK `linkClaimAttemptToExternalUser`: the customer's backend vouches for the user (found by external ID, else created). */
  async linkExternalUser(environmentId: string, input: LinkClaimAttemptInput) {
    const a = wellFormedSecret('attemptToken', input.claim_attempt_token) ? await this.repo.findAttemptByToken(environmentId, sha256Hex(input.claim_attempt_token)) : null;
    if (!a) throw new NotFoundError('a claim attempt', input.claim_attempt_token.slice(0, 16));
    const existing = await this.users.getByExternalId(environmentId, input.user.external_id).catch((err: unknown) => {
      if (err instanceof NotFoundError) return null;
      throw err;
    });
    const user = existing ?? (await this.users.create(environmentId, { email: input.user.email, external_id: input.user.external_id }));
    if (user.email.toLowerCase() !== input.user.email.toLowerCase()) throw new DomainError(400, 'claim_email_mismatch', 'The user with this external ID has another email address.');
    const linked = await this.linkVerifiedUser(environmentId, a, user, input.organization_id);
    return { id: a.registrationId, status: registrationStatus(linked.registration, new Date()), user_code: linked.userCode, organizations: linked.organizations };
  }

  /** `POST /agent/auth/claim/complete`: the agent's claim token and the user code the human read to it. */
  async complete(environmentId: string, input: ClaimCompleteInput) {
    if (!wellFormedSecret('claimToken', input.claim_token)) throw invalidClaimToken();
    const typed = normaliseUserCode(input.user_code ?? input.otp ?? '');
    const max = this.config.AGENT_CLAIM_MAX_FAILURES;
    const outcome = await this.repo.transaction(async (tx) => {
      const locked = await this.repo.lockForClaim(tx, environmentId, sha256Hex(input.claim_token));
      if (!locked) throw invalidClaimToken();
      const { registration, attempt } = locked;
      if (!attempt) throw new DomainError(400, 'claim_not_started', 'No claim attempt exists: call /agent/auth/claim first.');
      const now = new Date();
      const matches = typed !== null && attempt.userCodeHash === userCodeHash(attempt.id, typed);
      const verdict = claimVerdict(registration, attempt, matches, now, max);
      if (verdict.kind === 'refuse') throw refuse(verdict.reason);
      if (verdict.kind === 'wrong_code') {
        await this.repo.countWrongCode(tx, environmentId, attempt.id, verdict.failedAttempts);
        return verdict;
      }
      const claimed = await this.repo.claim(tx, environmentId, registration.id, attempt, now);
      await appendToOutbox(tx, [registrationEvent('claim.completed', claimed, null, environmentId, { ...attempt, claimedAt: now, updatedAt: now })]);
      return { kind: 'claim' as const, registration: claimed };
    });
    if (outcome.kind === 'wrong_code') {
      if (outcome.locked) throw refuse('attempt_locked');
      throw new DomainError(401, 'user_code_invalid', `The user code does not match. ${max - outcome.failedAttempts} tries left.`);
    }
    return { registration_id: outcome.registration.id, status: 'claimed' as const, organization_id: outcome.registration.organizationId };
  }

  /** `validateCredential({type: 'api_key'})`: a live key of a live registration; unclaimed keys expire with the claim. */
  async validateApiKey(environmentId: string, credential: string) {
    const invalid = { valid: false, registration_id: null, expires_at: null };
    if (!wellFormedSecret('apiKey', credential)) return invalid;
    const key = await this.repo.findApiKey(environmentId, sha256Hex(credential));
    if (!key || key.revokedAt || !credentialsLive(key.registration, new Date())) return invalid;
    const unclaimed = registrationStatus(key.registration, new Date()) === 'unverified';
    return { valid: true, registration_id: key.registrationId, expires_at: unclaimed ? key.registration.claimExpiresAt!.toISOString() : null };
  }

  /** Revokes a self-registered registration and its API keys (`agent.registration.revoked`); a revoked one answers as it is. */
  async revoke(environmentId: string, r: AgentRegistration) {
    if (!r.claimId) throw new DomainError(422, 'agent_registration_minted', 'A minted registration is revoked by deleting its agent instance.');
    const revoked = r.status === 'revoked' ? r : await this.repo.revoke(environmentId, r.id, (x) => registrationEvent('revoked', x, null, environmentId));
    return this.registrationWire(environmentId, revoked ?? r, null);
  }

  async registrationWire(environmentId: string, r: AgentRegistration, instanceId: string | null) {
    const claimed: AgentClaimAttempt | null = r.claimedAttemptId ? await this.repo.findClaimedAttempt(environmentId, r.claimedAttemptId) : null;
    return toRegistrationWire(r, instanceId, claimed);
  }

  claimPageUrl(clientId: string, token: string): string {
    const url = new URL(`${this.base()}/user_management/authorize/${CLAIM_PAGE}`);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('claim_attempt_token', token);
    return url.toString();
  }

  private base(): string {
    return this.config.PUBLIC_BASE_URL.replace(/\/$/, '');
  }
}
