import { z } from 'zod';
import type { RouteDoc } from '@wos/platform';
import { listEnvelopeSchema, sessionSchema, userSchema } from '@wos/contracts';
import { baseAuthenticateSchema } from './authenticate.dto';
import { listSessionsQuerySchema, logoutQuerySchema, revokeSessionSchema } from '../sessions/sessions.dto';
import { createMembershipSchema, listMembershipsQuerySchema, organizationMembershipResponseSchema as organizationMembershipSchema, updateMembershipSchema } from '../memberships/memberships.dto';
import { identityWireSchema } from '../identities/identities.dto';
import { challengeFactorSchema, createUserFactorSchema, enrollFactorSchema, listFactorsQuerySchema, verifyChallengeSchema } from '../mfa/mfa.dto';

const authenticationResponseSchema = z.object({
  user: userSchema,
  organization_id: z.string().optional(),
  access_token: z.string(),
  refresh_token: z.string(),
  authentication_method: z.string(),
});

/** Sign-in, sessions, JWKS, memberships and MFA routes (the AuthKit core). */
export const coreOpenApiRoutes: RouteDoc[] = [
  { method: 'post', path: '/user_management/authenticate', summary: 'Authenticate (password, refresh_token, organization selection, TOTP and the grants other modules register); the other fields depend on grant_type', body: baseAuthenticateSchema.passthrough(), response: authenticationResponseSchema },
  { method: 'get', path: '/user_management/users/:id/identities', summary: "A user's OAuth identities (a bare array)", response: z.array(identityWireSchema) },
  { method: 'get', path: '/user_management/users/:id/sessions', summary: "List a user's sessions", query: listSessionsQuerySchema, response: listEnvelopeSchema(sessionSchema) },
  { method: 'post', path: '/user_management/sessions/revoke', summary: 'Revoke a session', body: revokeSessionSchema, response: sessionSchema },
  { method: 'get', path: '/user_management/sessions/logout', summary: 'End a session and redirect to return_to (browser; no API key)', query: logoutQuerySchema, status: 302 },
  { method: 'get', path: '/sso/jwks/:client_id', summary: "The environment's RS256 signing keys (no API key)" },
  { method: 'get', path: '/user_management/organization_memberships', summary: 'List organization memberships', query: listMembershipsQuerySchema, response: listEnvelopeSchema(organizationMembershipSchema) },
  { method: 'post', path: '/user_management/organization_memberships', summary: 'Create an organization membership', body: createMembershipSchema, response: organizationMembershipSchema, status: 201 },
  { method: 'get', path: '/user_management/organization_memberships/:id', summary: 'Get an organization membership', response: organizationMembershipSchema },
  { method: 'put', path: '/user_management/organization_memberships/:id', summary: 'Update the roles of an organization membership', body: updateMembershipSchema, response: organizationMembershipSchema },
  { method: 'put', path: '/user_management/organization_memberships/:id/deactivate', summary: 'Deactivate an organization membership', response: organizationMembershipSchema },
  { method: 'put', path: '/user_management/organization_memberships/:id/reactivate', summary: 'Reactivate an organization membership', response: organizationMembershipSchema },
  { method: 'delete', path: '/user_management/organization_memberships/:id', summary: 'Delete an organization membership', status: 204 },
  { method: 'post', path: '/user_management/users/:id/auth_factors', summary: 'Enrol a user in a TOTP factor (returns the factor with its secret and a challenge)', body: createUserFactorSchema, status: 201 },
  { method: 'get', path: '/user_management/users/:id/auth_factors', summary: "List a user's authentication factors", query: listFactorsQuerySchema },
  { method: 'post', path: '/auth/factors/enroll', summary: 'Enrol a standalone TOTP factor (SMS is not configured: 422)', body: enrollFactorSchema, status: 201 },
  { method: 'get', path: '/auth/factors/:id', summary: 'Get an authentication factor' },
  { method: 'delete', path: '/auth/factors/:id', summary: 'Delete an authentication factor', status: 204 },
  { method: 'post', path: '/auth/factors/:id/challenge', summary: 'Challenge an authentication factor', body: challengeFactorSchema, status: 201 },
  { method: 'post', path: '/auth/challenges/:id/verify', summary: 'Verify an authentication challenge (each TOTP step once, ±1 step)', body: verifyChallengeSchema },
];
