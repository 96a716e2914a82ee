import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, newId, newUlid, sha256Hex, ValidationError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { AgentBlueprint, AgentInstance, AgentSession } from '../generated/prisma/client';
import { OrganizationsClient } from '../memberships/organizations.client';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import type { MintTokenInput, ValidateCredentialInput } from './agents.dto';
import { registrationEvent } from './agents.events';
import { AgentsRepository } from './agents.repository';
import { AgentsService } from './agents.service';
import { AgentClaimsService } from './agent-claims.service';
import { ClientIdsClient } from './client-ids.client';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require('jose') as typeof import('jose', { with: { 'resolution-mode': 'import' } });

/** A minted registration has no claim: its organization and principal are verified when it is minted. */
const NOT_SELF_REGISTERED = { identityId: null, clientId: null, claimId: null, claimTokenHash: null, claimExpiresAt: null, claimCreatedAt: null, claimUpdatedAt: null, claimedAttemptId: null, expiryAnnouncedAt: null };

const invalidGrant = (why: string) => new DomainError(400, 'invalid_grant', why, { error: 'invalid_grant', error_description: why });

/**
 * Minting and validating agent tokens. An access token is an RS256 JWT on the environment's
 * AuthKit keys: `iss` = PUBLIC_BASE_URL, `aud` = the environment's client IDs (the SDK checks its
 * own), `sub` = the instance's registration, `sid` = the session, `org_id`, `scope` = the
 * blueprint's permissions, `act` = who delegated. Refresh tokens are 256 random bits stored as
 * SHA-256 and rotate on use. Invariant: validation checks the signature and then the session and
 * registration rows, so a revoked session, a deleted instance or blueprint ends its tokens.
 */
@Injectable()
export class AgentTokensService {
  constructor(
    private readonly agents: AgentsService,
    private readonly repo: AgentsRepository,
    private readonly keys: SigningKeysService,
    private readonly organizations: OrganizationsClient,
    private readonly clientIds: ClientIdsClient,
    private readonly claims: AgentClaimsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async mint(environmentId: string, blueprintId: string, input: MintTokenInput) {
    const b = await this.agents.requireBlueprint(environmentId, blueprintId);
    if (input.type === 'refresh') return this.refresh(environmentId, b, input.refresh_token);
    const who = await this.principal(environmentId, b, input);
    if (b.invocableOrganizationIds.length && !b.invocableOrganizationIds.includes(who.organizationId)) {
      throw new DomainError(403, 'agent_not_invocable', 'This blueprint cannot be invoked for this organization.');
    }
    const refresh = randomBytes(32).toString('base64url');
    const now = Date.now();
    const regId = newId('agent_reg');
    const minted = await this.repo.mint(
      environmentId,
      { blueprintId: b.id, organizationId: who.organizationId, type: input.type, principal: who.principal },
      {
        instance: { id: newId('agent_instance'), blueprintId: b.id, organizationId: who.organizationId, organizationMembershipId: null, type: input.type, principal: who.principal, registrationId: regId, createdAt: new Date(now), updatedAt: new Date(now) },
        registration: { id: regId, organizationId: who.organizationId, userlandUserId: who.userId, status: 'active', kind: input.type, ...NOT_SELF_REGISTERED, createdAt: new Date(now), updatedAt: new Date(now) },
      },
      (instanceId) => ({
        id: newId('agent_session'),
        instanceId,
        refreshTokenHash: sha256Hex(refresh),
        expiresAt: new Date(now + b.maxAgeSeconds * 1000),
        refreshExpiresAt: new Date(now + Math.min(b.refreshTokenTtlSeconds, b.maxAgeSeconds) * 1000),
        revokedAt: null,
        createdAt: new Date(now),
        updatedAt: new Date(now),
      }),
      (r) => registrationEvent('created', r, null, environmentId),
    );
    return this.response(environmentId, b, minted.instance, minted.session, refresh, minted.isNew, who.actor);
  }

  async validate(environmentId: string, input: ValidateCredentialInput) {
    const invalid = { valid: false, registration_id: null, expires_at: null };
    if (input.type === 'api_key') return this.claims.validateApiKey(environmentId, input.credential);
    const claims = await this.verifyAgentToken(environmentId, input.credential, input.audience);
    if (!claims) return invalid;
    const session = await this.repo.findSession(environmentId, String(claims.sid));
    const registration = await this.repo.findRegistration(environmentId, String(claims.sub));
    if (!session || session.revokedAt || session.expiresAt <= new Date() || session.instance.registrationId !== claims.sub || registration?.status !== 'active') return invalid;
    return { valid: true, registration_id: claims.sub as string, expires_at: new Date((claims.exp as number) * 1000).toISOString() };
  }

  private async refresh(environmentId: string, b: AgentBlueprint, token: string) {
    const next = randomBytes(32).toString('base64url');
    const s = await this.repo.rotateRefresh(environmentId, b.id, sha256Hex(token), sha256Hex(next), b.refreshTokenTtlSeconds);
    if (!s) throw invalidGrant('The refresh token is invalid, expired, revoked or already used.');
    const registration = await this.repo.findRegistration(environmentId, s.instance.registrationId);
    if (registration?.status !== 'active') throw invalidGrant('The agent registration is revoked.');
    const actor = s.instance.type === 'autonomous' ? undefined : { sub: s.instance.principal };
    return this.response(environmentId, b, s.instance, s, next, false, actor);
  }

  /** Who the instance acts for, from a verified user or agent token, or the named organization. */
  private async principal(environmentId: string, b: AgentBlueprint, input: Exclude<MintTokenInput, { type: 'refresh' }>) {
    if (input.type === 'autonomous') {
      await this.organizations.mustGet(environmentId, input.organization_id);
      return { organizationId: input.organization_id, principal: '', userId: null, actor: undefined };
    }
    if (input.type === 'user_delegated') {
      const claims = await this.verify(environmentId, input.user_access_token, {});
      if (!claims || typeof claims.sub !== 'string' || !claims.sub.startsWith('user_') || typeof claims.sid !== 'string') throw invalidGrant('The user access token is invalid or expired.');
      if (typeof claims.org_id !== 'string') throw new ValidationError([{ field: 'user_access_token', code: 'organization_required', message: 'The user access token must carry an organization (org_id).' }]);
      const roles = Array.isArray(claims.roles) ? (claims.roles as string[]) : typeof claims.role === 'string' ? [claims.role] : [];
      if (b.invocableRoleSlugs.length && !roles.some((r) => b.invocableRoleSlugs.includes(r))) {
        throw new DomainError(403, 'agent_not_invocable', "The user's role cannot invoke this blueprint.");
      }
      return { organizationId: claims.org_id, principal: claims.sub, userId: claims.sub, actor: { sub: claims.sub } };
    }
    const parent = await this.validate(environmentId, { type: 'access_token', credential: input.agent_access_token });
    if (!parent.valid) throw invalidGrant('The agent access token is invalid, expired or revoked.');
    const claims = jose.decodeJwt(input.agent_access_token);
    return { organizationId: String(claims.org_id), principal: parent.registration_id!, userId: null, actor: { sub: parent.registration_id! } };
  }

  private async response(environmentId: string, b: AgentBlueprint, instance: AgentInstance, session: AgentSession, refresh: string, isNew: boolean, actor: { sub: string } | undefined) {
    const iat = Math.floor(Date.now() / 1000);
    const exp = Math.min(iat + b.accessTokenTtlSeconds, Math.floor(session.expiresAt.getTime() / 1000));
    const ids = await this.clientIds.of(environmentId);
    const accessToken = await this.keys.sign(environmentId, {
      iss: this.config.PUBLIC_BASE_URL,
      aud: ids.length === 1 ? ids[0] : ids,
      sub: instance.registrationId,
      jti: newUlid(),
      sid: session.id,
      org_id: instance.organizationId,
      iat,
      exp,
      ...(b.permissions.length ? { scope: b.permissions.join(' ') } : {}),
      ...(actor ? { act: actor } : {}),
    });
    return {
      access_token: accessToken,
      token_type: 'Bearer' as const,
      expires_in: exp - iat,
      refresh_token: refresh,
      agent_instance_id: instance.id,
      new_instance: isNew,
      agent_instance_session_id: session.id,
      permissions: b.permissions,
    };
  }

  private async verifyAgentToken(environmentId: string, token: string, audience: string | undefined) {
    const claims = await this.verify(environmentId, token, { audience: audience ?? (await this.clientIds.of(environmentId)) });
    return claims && typeof claims.sub === 'string' && typeof claims.sid === 'string' && typeof claims.org_id === 'string' ? claims : null;
  }

  /** The payload of an RS256 JWT signed by this environment's keys and issued here, or null. */
  private async verify(environmentId: string, token: string, opts: { audience?: string | string[] }) {
    try {
      const jwks = jose.createLocalJWKSet({ keys: (await this.keys.jwks(environmentId)) as unknown as import('jose', { with: { 'resolution-mode': 'import' } }).JWK[] });
      const { payload } = await jose.jwtVerify(token, jwks, { issuer: this.config.PUBLIC_BASE_URL, algorithms: ['RS256'], ...(opts.audience ? { audience: opts.audience } : {}) });
      return payload;
    } catch {
      return null;
    }
  }
}
