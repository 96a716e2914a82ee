import type { RouteDoc } from '@wos/platform';
import { agentBlueprintSchema, agentRegistrationSchema, listEnvelopeSchema } from '@wos/contracts';
import {
  claimCompleteSchema,
  claimStartSchema,
  createBlueprintSchema,
  selfRegisterSchema,
  linkClaimAttemptSchema,
  listBlueprintsQuerySchema,
  listInstancesQuerySchema,
  listSessionsQuerySchema,
  mintTokenSchema,
  updateBlueprintSchema,
  validateCredentialSchema,
} from './agents.dto';

/** Agents (SDK 11 `agents`; WORKOS_API.md §21). */
export const agentsOpenApiRoutes: RouteDoc[] = [
  { method: 'get', path: '/agents/blueprints', summary: 'List agent blueprints', query: listBlueprintsQuerySchema, response: listEnvelopeSchema(agentBlueprintSchema) },
  { method: 'post', path: '/agents/blueprints', summary: 'Create an agent blueprint', body: createBlueprintSchema, response: agentBlueprintSchema, status: 201 },
  { method: 'get', path: '/agents/blueprints/:id', summary: 'Get an agent blueprint', response: agentBlueprintSchema },
  { method: 'patch', path: '/agents/blueprints/:id', summary: 'Update an agent blueprint', body: updateBlueprintSchema, response: agentBlueprintSchema },
  { method: 'delete', path: '/agents/blueprints/:id', summary: 'Delete a blueprint, its instances and sessions; revoke their registrations', status: 204 },
  { method: 'post', path: '/agents/blueprints/:id/tokens', summary: 'Mint an agent token (user_delegated, autonomous, agent_delegated, refresh)', body: mintTokenSchema },
  { method: 'get', path: '/agents/instances', summary: 'List agent instances', query: listInstancesQuerySchema },
  { method: 'get', path: '/agents/instances/:id', summary: 'Get an agent instance' },
  { method: 'delete', path: '/agents/instances/:id', summary: 'Delete an agent instance (its sessions end, its registration is revoked)', status: 204 },
  { method: 'get', path: '/agents/sessions', summary: 'List agent instance sessions', query: listSessionsQuerySchema },
  { method: 'get', path: '/agents/sessions/:id', summary: 'Get an agent instance session' },
  { method: 'post', path: '/agents/sessions/:id/revoke', summary: 'Revoke an agent instance session' },
  { method: 'patch', path: '/agents/claims/attempts', summary: 'Link a claim attempt to an external user (found by external ID, else created) and get the user code for the agent', body: linkClaimAttemptSchema },
  { method: 'get', path: '/agents/registrations/:id', summary: 'Get an agent registration', response: agentRegistrationSchema },
  { method: 'post', path: '/agents/registrations/:id/revoke', summary: 'Revoke a self-registered agent registration and its API keys (ours)', response: agentRegistrationSchema },
  { method: 'post', path: '/agents/credentials/validate', summary: 'Validate an agent credential (access tokens: signature, session and registration; API keys: the key and its registration)', body: validateCredentialSchema },
  { method: 'post', path: '/agent/auth', summary: 'Agent self-registration (AUTH.md, anonymous): an API key with no authority and a claim token, shown once', body: selfRegisterSchema },
  { method: 'post', path: '/agent/auth/claim', summary: 'Start a claim attempt: the human named by email gets the claim page link', body: claimStartSchema },
  { method: 'post', path: '/agent/auth/claim/complete', summary: 'Complete the claim with the user code the human read back', body: claimCompleteSchema },
];
