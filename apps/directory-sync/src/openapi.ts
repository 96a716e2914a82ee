import { buildOpenApi } from '@wos/platform';
import { directoryGroupSchema, directorySchema, directoryUserWithGroupsSchema, listEnvelopeSchema } from '@wos/contracts';
import { createDirectorySchema, directoryCredentialsSchema, listDirectoriesQuerySchema, provisioningResponseSchema, provisioningSchema, roleMappingsResponseSchema, roleMappingsSchema } from './directories/directories.dto';
import { listDirectoryGroupsQuerySchema, listDirectoryUsersQuerySchema } from './directory-users/directory-users.dto';
import { scimRequestsResponseSchema } from './scim/scim-requests.dto';

export function directorySyncOpenApi(): Record<string, unknown> {
  return buildOpenApi('Directory Sync', [
    { method: 'get', path: '/directories', summary: 'List directories', query: listDirectoriesQuerySchema, response: listEnvelopeSchema(directorySchema) },
    { method: 'post', path: '/directories', summary: 'Create a SCIM directory (management API); the bearer token is shown once', body: createDirectorySchema, response: directoryCredentialsSchema, status: 201 },
    { method: 'post', path: '/directories/:id/token', summary: 'Rotate the SCIM bearer token; the old one stops working', response: directoryCredentialsSchema, status: 201 },
    { method: 'get', path: '/directories/:id', summary: 'Get a directory', response: directorySchema },
    { method: 'get', path: '/directories/:id/role_mappings', summary: 'Group → role assignments of a directory (our extension)', response: roleMappingsResponseSchema },
    { method: 'put', path: '/directories/:id/role_mappings', summary: 'Replace the group → role assignments; every member\'s role is recomputed at once', body: roleMappingsSchema, response: roleMappingsResponseSchema },
    { method: 'get', path: '/directories/:id/scim_requests', summary: "The directory's last 50 SCIM requests, newest first, with known IdP quirks (our extension)", response: scimRequestsResponseSchema },
    { method: 'get', path: '/directories/:id/provisioning', summary: 'Whether the directory provisions AuthKit users and memberships (our extension)', response: provisioningResponseSchema },
    { method: 'put', path: '/directories/:id/provisioning', summary: 'Turn AuthKit user provisioning on or off; applies from the next SCIM change of each user', body: provisioningSchema, response: provisioningResponseSchema },
    { method: 'delete', path: '/directories/:id', summary: 'Delete a directory with its users and groups', status: 204 },
    { method: 'get', path: '/directory_users', summary: 'List directory users', query: listDirectoryUsersQuerySchema, response: listEnvelopeSchema(directoryUserWithGroupsSchema) },
    { method: 'get', path: '/directory_users/:id', summary: 'Get a directory user', response: directoryUserWithGroupsSchema },
    { method: 'get', path: '/directory_groups', summary: 'List directory groups', query: listDirectoryGroupsQuerySchema, response: listEnvelopeSchema(directoryGroupSchema) },
    { method: 'get', path: '/directory_groups/:id', summary: 'Get a directory group', response: directoryGroupSchema },
  ]);
}
