import { Topic } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';
import type { AgentBlueprint, AgentClaimAttempt, AgentRegistration } from '../generated/prisma/client';
import { toBlueprintWire, toRegistrationWire } from './agents.dto';

export function blueprintEvent(change: 'created' | 'updated' | 'deleted', b: AgentBlueprint, environmentId: string): OutboxMessage {
  return { topic: Topic.identity, key: b.id, event: buildEvent(`agent_blueprint.${change}`, toBlueprintWire(b), environmentId) };
}

/*
 * Keyed by the organization, so one organization's agent events stay in order; an unclaimed
 * self-registration has none and is keyed by itself (its claim then moves to the organization's key).
 */
export function registrationEvent(
  change: 'created' | 'revoked' | 'expired' | 'claim.attempt.created' | 'claim.completed',
  r: AgentRegistration,
  instanceId: string | null,
  environmentId: string,
  claimed: AgentClaimAttempt | null = null,
): OutboxMessage {
  return { topic: Topic.identity, key: r.organizationId ?? r.id, event: buildEvent(`agent.registration.${change}`, toRegistrationWire(r, instanceId, claimed), environmentId) };
}
