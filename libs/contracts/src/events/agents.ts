import { z } from 'zod';

/* Agents' events. `agent.registration.*` are WorkOS's names (OpenAPI spec, WORKOS_API.md §22; the
 * claim events carry the registration, whose `claim` shows the attempt's progress);
 * `agent_blueprint.*` are ours, in its spelling. */

/** A self-registered agent's claim (SDK `AgentRegistrationClaim`); `claim_completion` is the attempt that claimed it. */
export const agentRegistrationClaimSchema = z.object({
  id: z.string(),
  claim_completion: z.object({ id: z.string(), created_at: z.string(), updated_at: z.string(), expires_at: z.string(), claimed_at: z.string() }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  expires_at: z.string(),
});

/** `agent_registration` wire object (SDK `deserializeAgentRegistration`). */
export const agentRegistrationSchema = z.object({
  object: z.literal('agent_registration'),
  id: z.string(),
  agent_identity: z.object({ id: z.string(), userland_user_id: z.string().nullable(), created_at: z.string(), updated_at: z.string() }),
  /** Null while a self-registered agent is unclaimed (the SDK types it string: see ARCHITECTURE "Agents"). */
  organization_id: z.string().nullable(),
  status: z.string(),
  kind: z.string(),
  claim: agentRegistrationClaimSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AgentRegistrationWire = z.infer<typeof agentRegistrationSchema>;

/** `agent_blueprint` wire object (SDK `deserializeAgentBlueprint`). */
export const agentBlueprintSchema = z.object({
  object: z.literal('agent_blueprint'),
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
  invocable_by: z.object({ role_slugs: z.array(z.string()), organization_ids: z.array(z.string()) }),
  session_settings: z.object({ max_age_seconds: z.number(), access_token_ttl_seconds: z.number(), refresh_token_ttl_seconds: z.number() }),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AgentBlueprintWire = z.infer<typeof agentBlueprintSchema>;

export const agentEventSchemas = {
  'agent.registration.created': agentRegistrationSchema,
  'agent.registration.revoked': agentRegistrationSchema,
  'agent.registration.expired': agentRegistrationSchema,
  'agent.registration.claim.attempt.created': agentRegistrationSchema,
  'agent.registration.claim.completed': agentRegistrationSchema,
  'agent_blueprint.created': agentBlueprintSchema,
  'agent_blueprint.updated': agentBlueprintSchema,
  'agent_blueprint.deleted': agentBlueprintSchema,
} as const;
