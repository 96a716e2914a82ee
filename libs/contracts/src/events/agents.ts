import { z } from 'zod';

/* Agents' events. `agent.registration.*` are WorkOS's names (OpenAPI spec, WORKOS_API.md §22);
 * `agent_blueprint.*` are ours, in its spelling. */

/** `agent_registration` wire object (SDK `deserializeAgentRegistration`). */
export const agentRegistrationSchema = z.object({
  object: z.literal('agent_registration'),
  id: z.string(),
  agent_identity: z.object({ id: z.string(), userland_user_id: z.string().nullable(), created_at: z.string(), updated_at: z.string() }),
  organization_id: z.string(),
  status: z.string(),
  kind: z.string(),
  claim: z.null(),
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
  'agent_blueprint.created': agentBlueprintSchema,
  'agent_blueprint.updated': agentBlueprintSchema,
  'agent_blueprint.deleted': agentBlueprintSchema,
} as const;
