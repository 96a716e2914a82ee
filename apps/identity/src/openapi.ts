import { buildOpenApi } from '@wos/platform';
import { listEnvelopeSchema, userSchema } from '@wos/contracts';
import { createUserSchema, listUsersQuerySchema, updateUserSchema } from './users/users.dto';
import { emailFlowsOpenApiRoutes } from './email-flows/email-flows.openapi';
import { coreOpenApiRoutes } from './authenticate/authenticate.openapi';
import { authkitOpenApiRoutes } from './authkit/authkit.openapi';
import { radarOpenApiRoutes } from './radar/radar.openapi';
import { apiKeysOpenApiRoutes } from './api-keys/api-keys.openapi';
import { waitlistsOpenApiRoutes } from './waitlists/waitlists.openapi';
import { passwordlessOpenApiRoutes } from './passwordless/passwordless.openapi';
import { connectOpenApiRoutes } from './connect/connect.openapi';
import { agentsOpenApiRoutes } from './agents/agents.openapi';
import { widgetsOpenApiRoutes } from './widgets/widgets.openapi';
import { jwtTemplateWireSchema, updateJwtTemplateSchema } from './jwt-templates/jwt-templates.dto';
import { clientApiTokenWireSchema, createClientApiTokenSchema } from './client-api/client-api.dto';

export function identityOpenApi(): Record<string, unknown> {
  return buildOpenApi('User Management', [
    { method: 'get', path: '/user_management/users', summary: 'List users', query: listUsersQuerySchema, response: listEnvelopeSchema(userSchema) },
    { method: 'post', path: '/user_management/users', summary: 'Create a user', body: createUserSchema, response: userSchema, status: 201 },
    { method: 'get', path: '/user_management/users/:id', summary: 'Get a user', response: userSchema },
    { method: 'get', path: '/user_management/users/external_id/:external_id', summary: 'Get a user by external ID', response: userSchema },
    { method: 'put', path: '/user_management/users/:id', summary: 'Update a user', body: updateUserSchema, response: userSchema },
    { method: 'delete', path: '/user_management/users/:id', summary: 'Delete a user', status: 204 },
    ...coreOpenApiRoutes,
    ...emailFlowsOpenApiRoutes,
    ...authkitOpenApiRoutes,
    ...radarOpenApiRoutes,
    ...apiKeysOpenApiRoutes,
    ...waitlistsOpenApiRoutes,
    ...passwordlessOpenApiRoutes,
    ...connectOpenApiRoutes,
    ...agentsOpenApiRoutes,
    ...widgetsOpenApiRoutes,
    { method: 'get', path: '/user_management/jwt_template', summary: "The environment's JWT template (404 until one is set)", response: jwtTemplateWireSchema },
    { method: 'put', path: '/user_management/jwt_template', summary: 'Set the JWT template: custom access-token claims (422 when it does not compile, sets a reserved claim or is too large)', body: updateJwtTemplateSchema, response: jwtTemplateWireSchema },
    { method: 'post', path: '/client/token', summary: 'A Client API token: a 10-minute JWT for one user acting in one organization (aud client_api)', body: createClientApiTokenSchema, response: clientApiTokenWireSchema },
  ]);
}
