import { z } from 'zod';
import type { RouteDoc } from '@wos/platform';
import { connectApplicationSchema, connectApplicationSecretSchema, listEnvelopeSchema } from '@wos/contracts';
import { createApplicationSchema, listApplicationsQuerySchema, updateApplicationSchema } from './applications.dto';
import { completeOAuth2Schema, connectSettingsSchema } from '../oauth-server/external-auth.dto';
import { authorizedApplicationSchema, listAuthorizedApplicationsQuerySchema, organizationAuthorizedApplicationSchema } from '../oauth-server/authorized-applications.dto';

/** Connect applications and client secrets (WORKOS_API.md §21). */
export const connectOpenApiRoutes: RouteDoc[] = [
  { method: 'get', path: '/connect/applications', summary: 'List Connect applications', query: listApplicationsQuerySchema, response: listEnvelopeSchema(connectApplicationSchema) },
  { method: 'post', path: '/connect/applications', summary: 'Create an OAuth or M2M application', body: createApplicationSchema, response: connectApplicationSchema, status: 201 },
  { method: 'get', path: '/connect/applications/:id', summary: 'Get an application by ID or client ID', response: connectApplicationSchema },
  { method: 'put', path: '/connect/applications/:id', summary: 'Update an application (null keeps a field)', body: updateApplicationSchema, response: connectApplicationSchema },
  { method: 'delete', path: '/connect/applications/:id', summary: 'Delete an application, its secrets and its grants', status: 204 },
  { method: 'get', path: '/connect/applications/:id/client_secrets', summary: 'List client secrets (a bare array of hints)', response: z.array(connectApplicationSecretSchema) },
  {
    method: 'post',
    path: '/connect/applications/:id/client_secrets',
    summary: 'Create a client secret (shown once)',
    response: connectApplicationSecretSchema.extend({ secret: z.string() }),
    status: 201,
  },
  { method: 'delete', path: '/connect/client_secrets/:id', summary: 'Delete a client secret', status: 204 },
  { method: 'post', path: '/authkit/oauth2/complete', summary: 'Complete an external (Standalone Connect) authentication: {redirect_uri}', body: completeOAuth2Schema, response: z.object({ redirect_uri: z.string() }) },
  { method: 'get', path: '/connect/settings', summary: "The environment's authorization-server settings (ours)" },
  { method: 'put', path: '/connect/settings', summary: 'Turn dynamic client registration on or off; set an external login URL (ours)', body: connectSettingsSchema },
  { method: 'get', path: '/user_management/users/:userId/authorized_applications', summary: 'List the Connect applications a user authorized', query: listAuthorizedApplicationsQuerySchema, response: listEnvelopeSchema(authorizedApplicationSchema) },
  { method: 'delete', path: '/user_management/users/:userId/authorized_applications/:applicationId', summary: 'Revoke a user authorization of an application (conn_app_ or authorized_connect_app_ ID): its grants and tokens', status: 204 },
  { method: 'get', path: '/organizations/:organizationId/authorized_applications', summary: 'List the Connect applications the organization members authorized', query: listAuthorizedApplicationsQuerySchema, response: listEnvelopeSchema(organizationAuthorizedApplicationSchema) },
];
