import { z } from 'zod';
import type { AgentBlueprintWire, AgentRegistrationWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { AgentBlueprint, AgentClaimAttempt, AgentInstance, AgentRegistration, AgentSession } from '../generated/prisma/client';
import { registrationStatus } from '../agent-claims-core/claim-rules';

const slug = z.string().min(1).max(128).regex(/^[A-Za-z0-9:._*-]+$/);
const id = z.string().min(1).max(64);
const sessionSettings = z.object({
  max_age_seconds: z.number().int().min(60).max(365 * 86_400),
  access_token_ttl_seconds: z.number().int().min(30).max(86_400),
  refresh_token_ttl_seconds: z.number().int().min(60).max(365 * 86_400),
});
const invocableBy = z.object({ role_slugs: z.array(slug).max(100).optional(), organization_ids: z.array(id).max(1000).optional() });

export const createBlueprintSchema = z.object({
  name: z.string().trim().min(1).max(256),
  description: z.string().max(2048).nullable().optional(),
  permissions: z.array(slug).max(200).optional(),
  invocable_by: invocableBy.optional(),
  session_settings: sessionSettings,
});
export type CreateBlueprintInput = z.infer<typeof createBlueprintSchema>;
export const updateBlueprintSchema = z.object({
  name: z.string().trim().min(1).max(256).optional(),
  description: z.string().max(2048).nullable().optional(),
  permissions: z.array(slug).max(200).optional(),
  invocable_by: invocableBy.optional(),
  session_settings: sessionSettings.partial().optional(),
});
export type UpdateBlueprintInput = z.infer<typeof updateBlueprintSchema>;

const jwt = z.string().min(10).max(8192);
const intent = z.string().max(256).optional();
export const mintTokenSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user_delegated'), user_access_token: jwt, intent }),
  z.object({ type: z.literal('autonomous'), organization_id: id, intent }),
  z.object({ type: z.literal('agent_delegated'), agent_access_token: jwt, intent }),
  z.object({ type: z.literal('refresh'), refresh_token: z.string().min(20).max(256), intent }),
]);
export type MintTokenInput = z.infer<typeof mintTokenSchema>;

export const listInstancesQuerySchema = paginationQuerySchema.extend({ organization_id: id.optional(), agent_blueprint_id: id.optional() });
export type ListInstancesQuery = z.infer<typeof listInstancesQuerySchema>;
export const listSessionsQuerySchema = paginationQuerySchema.extend({ agent_blueprint_id: id.optional(), agent_instance_id: id.optional() });
export type ListSessionsQuery = z.infer<typeof listSessionsQuerySchema>;
export const listBlueprintsQuerySchema = paginationQuerySchema;

export const linkClaimAttemptSchema = z.object({
  type: z.literal('link_external_user'),
  claim_attempt_token: z.string().min(1).max(256),
  user: z.object({ email: z.string().email().max(320), external_id: z.string().min(1).max(256) }),
  organization_id: id.optional(),
});
export type LinkClaimAttemptInput = z.infer<typeof linkClaimAttemptSchema>;

/** `POST /agent/auth` (AUTH.md step 3). Only `anonymous` is served; the environment's client ID names the environment. */
export const selfRegisterSchema = z.strictObject({
  type: z.enum(['anonymous', 'identity_assertion']),
  requested_credential_type: z.enum(['api_key', 'access_token']),
  client_id: z.string().min(1).max(200),
  assertion_type: z.string().max(200).optional(),
  assertion: z.string().max(8192).optional(),
});
export type SelfRegisterInput = z.infer<typeof selfRegisterSchema>;

const secret = z.string().min(1).max(256);
/** `POST /agent/auth/claim` (AUTH.md step 4a): the email only says where the claim link goes. */
export const claimStartSchema = z.strictObject({ claim_token: secret, email: z.string().email().max(320), client_id: z.string().max(200).optional() });
export type ClaimStartInput = z.infer<typeof claimStartSchema>;
/** `POST /agent/auth/claim/complete` (AUTH.md step 4c calls the user code `otp`; both spellings). */
export const claimCompleteSchema = z
  .strictObject({ claim_token: secret, user_code: z.string().min(1).max(32).optional(), otp: z.string().min(1).max(32).optional(), client_id: z.string().max(200).optional() })
  .refine((b) => (b.user_code === undefined) !== (b.otp === undefined), { message: 'Give the user code as user_code (or otp), once.', path: ['user_code'] });
export type ClaimCompleteInput = z.infer<typeof claimCompleteSchema>;

export const validateCredentialSchema = z.object({
  type: z.enum(['api_key', 'access_token']),
  credential: z.string().min(1).max(8192),
  audience: z.string().max(2048).optional(),
});
export type ValidateCredentialInput = z.infer<typeof validateCredentialSchema>;

export function toBlueprintWire(b: AgentBlueprint): AgentBlueprintWire {
  return {
    object: 'agent_blueprint',
    id: b.id,
    name: b.name,
    description: b.description,
    permissions: b.permissions,
    invocable_by: { role_slugs: b.invocableRoleSlugs, organization_ids: b.invocableOrganizationIds },
    session_settings: { max_age_seconds: b.maxAgeSeconds, access_token_ttl_seconds: b.accessTokenTtlSeconds, refresh_token_ttl_seconds: b.refreshTokenTtlSeconds },
    created_at: b.createdAt.toISOString(),
    updated_at: b.updatedAt.toISOString(),
  };
}

export function toInstanceWire(i: AgentInstance) {
  return {
    object: 'agent_instance' as const,
    id: i.id,
    agent_blueprint_id: i.blueprintId,
    organization_id: i.organizationId,
    organization_membership_id: i.organizationMembershipId,
    type: i.type,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
  };
}

/** `status` is derived: revoked, else expired past `expires_at`, else active. */
export function toSessionWire(s: AgentSession, now = new Date()) {
  return {
    object: 'agent_instance_session' as const,
    id: s.id,
    agent_instance_id: s.instanceId,
    status: s.revokedAt ? 'revoked' : s.expiresAt <= now ? 'expired' : 'active',
    expires_at: s.expiresAt.toISOString(),
    revoked_at: s.revokedAt?.toISOString() ?? null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

/**
 * A registration on the wire. Its agent identity is the instance (minted) or its own identity
 * (self-registered); `status` is the SDK's (claim-rules `registrationStatus`); `claim` is the
 * self-registration's claim with the attempt that completed it, null for minted registrations.
 */
export function toRegistrationWire(r: AgentRegistration, instanceId: string | null, claimed: AgentClaimAttempt | null = null, now = new Date()): AgentRegistrationWire {
  return {
    object: 'agent_registration',
    id: r.id,
    agent_identity: { id: r.identityId ?? instanceId ?? r.id, userland_user_id: r.userlandUserId, created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString() },
    organization_id: r.organizationId,
    status: registrationStatus(r, now),
    kind: r.kind,
    claim: r.claimId && r.claimCreatedAt && r.claimExpiresAt
      ? {
          id: r.claimId,
          claim_completion: claimed?.claimedAt
            ? { id: claimed.id, created_at: claimed.createdAt.toISOString(), updated_at: claimed.updatedAt.toISOString(), expires_at: claimed.expiresAt.toISOString(), claimed_at: claimed.claimedAt.toISOString() }
            : null,
          created_at: r.claimCreatedAt.toISOString(),
          updated_at: (r.claimUpdatedAt ?? r.claimCreatedAt).toISOString(),
          expires_at: r.claimExpiresAt.toISOString(),
        }
      : null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
