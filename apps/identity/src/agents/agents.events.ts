import { Topic } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';
import type { AgentBlueprint, AgentRegistration } from '../generated/prisma/client';
import { toBlueprintWire, toRegistrationWire } from './agents.dto';

export function blueprintEvent(change: 'created' | 'updated' | 'deleted', b: AgentBlueprint, environmentId: string): OutboxMessage {
  return { topic: Topic.identity, key: b.id, event: buildEvent(`agent_blueprint.${change}`, toBlueprintWire(b), environmentId) };
}

/* Keyed by the organization, so one organization's agent events stay in order. */
export function registrationEvent(change: 'created' | 'revoked', r: AgentRegistration, instanceId: string | null, environmentId: string): OutboxMessage {
  return { topic: Topic.identity, key: r.organizationId, event: buildEvent(`agent.registration.${change}`, toRegistrationWire(r, instanceId), environmentId) };
}
