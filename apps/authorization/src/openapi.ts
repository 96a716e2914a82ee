import { buildOpenApi } from '@wos/platform';
import { permissionSchema } from '@wos/contracts';
import {
  checkSchema,
  listMembershipsForResourceQuerySchema,
  listResourceAssignmentsQuerySchema,
  listResourcesForMembershipQuerySchema,
  listRoleAssignmentsQuerySchema,
  roleOnResourceSchema,
} from './assignments/assignments.dto';
import { addPermissionSchema, createEnvironmentRoleSchema, createOrganizationRoleSchema, createPermissionSchema, listPermissionsQuerySchema, setPermissionsSchema, updateNamedSchema } from './catalogue/catalogue.dto';
import { createResourceSchema, deleteResourceQuerySchema, listResourcesQuerySchema, updateResourceSchema } from './resources/resources.dto';

const ROLE = '/authorization/roles/:slug';
const ORG_ROLE = '/authorization/organizations/:orgId/roles/:slug';
const BY_EXTERNAL = '/authorization/organizations/:orgId/resources/:type/:externalId';
const OM = '/authorization/organization_memberships/:omId';

export function authorizationOpenApi(): Record<string, unknown> {
  return buildOpenApi('Authorization', [
    { method: 'post', path: '/authorization/permissions', summary: 'Create a permission', body: createPermissionSchema, response: permissionSchema, status: 201 },
    { method: 'get', path: '/authorization/permissions', summary: 'List permissions', query: listPermissionsQuerySchema },
    { method: 'get', path: '/authorization/permissions/:slug', summary: 'Get a permission', response: permissionSchema },
    { method: 'patch', path: '/authorization/permissions/:slug', summary: 'Update a permission', body: updateNamedSchema, response: permissionSchema },
    { method: 'delete', path: '/authorization/permissions/:slug', summary: 'Delete a permission (roles lose it)', status: 204 },
    { method: 'post', path: '/authorization/roles', summary: 'Create an environment role', body: createEnvironmentRoleSchema, status: 201 },
    { method: 'get', path: '/authorization/roles', summary: 'List environment roles in priority order' },
    { method: 'get', path: ROLE, summary: 'Get an environment role' },
    { method: 'patch', path: ROLE, summary: 'Update an environment role', body: updateNamedSchema },
    { method: 'put', path: `${ROLE}/permissions`, summary: "Replace an environment role's permissions", body: setPermissionsSchema },
    { method: 'post', path: `${ROLE}/permissions`, summary: 'Add a permission to an environment role', body: addPermissionSchema },
    { method: 'post', path: '/authorization/organizations/:orgId/roles', summary: 'Create an organization role', body: createOrganizationRoleSchema, status: 201 },
    { method: 'get', path: '/authorization/organizations/:orgId/roles', summary: "List the organization's roles (environment roles and its own) in priority order" },
    { method: 'get', path: ORG_ROLE, summary: 'Get a role in the organization' },
    { method: 'patch', path: ORG_ROLE, summary: 'Update an organization role', body: updateNamedSchema },
    { method: 'delete', path: ORG_ROLE, summary: 'Delete an organization role (409 while assigned)', status: 204 },
    { method: 'put', path: `${ORG_ROLE}/permissions`, summary: "Replace an organization role's permissions", body: setPermissionsSchema },
    { method: 'post', path: `${ORG_ROLE}/permissions`, summary: 'Add a permission to an organization role', body: addPermissionSchema },
    { method: 'delete', path: `${ORG_ROLE}/permissions/:permissionSlug`, summary: 'Remove a permission from an organization role', status: 204 },
    { method: 'post', path: '/authorization/resources', summary: 'Create a resource', body: createResourceSchema, status: 201 },
    { method: 'get', path: '/authorization/resources', summary: 'List resources', query: listResourcesQuerySchema },
    { method: 'get', path: '/authorization/resources/:id', summary: 'Get a resource' },
    { method: 'patch', path: '/authorization/resources/:id', summary: 'Update a resource', body: updateResourceSchema },
    { method: 'delete', path: '/authorization/resources/:id', summary: 'Delete a resource (cascade_delete for its subtree)', query: deleteResourceQuerySchema, status: 204 },
    { method: 'get', path: BY_EXTERNAL, summary: 'Get a resource by external ID' },
    { method: 'patch', path: BY_EXTERNAL, summary: 'Update a resource by external ID', body: updateResourceSchema },
    { method: 'delete', path: BY_EXTERNAL, summary: 'Delete a resource by external ID', query: deleteResourceQuerySchema, status: 204 },
    { method: 'post', path: `${OM}/check`, summary: 'Check a permission on a resource', body: checkSchema },
    { method: 'post', path: `${OM}/role_assignments`, summary: 'Assign a role on a resource', body: roleOnResourceSchema, status: 201 },
    { method: 'delete', path: `${OM}/role_assignments`, summary: 'Remove a role on a resource', body: roleOnResourceSchema, status: 204 },
    { method: 'delete', path: `${OM}/role_assignments/:id`, summary: 'Remove a role assignment', status: 204 },
    { method: 'get', path: `${OM}/role_assignments`, summary: "List a membership's role assignments", query: listRoleAssignmentsQuerySchema },
    { method: 'get', path: '/authorization/resources/:id/role_assignments', summary: "List a resource's role assignments", query: listResourceAssignmentsQuerySchema },
    { method: 'get', path: `${BY_EXTERNAL}/role_assignments`, summary: "List a resource's role assignments by external ID", query: listResourceAssignmentsQuerySchema },
    { method: 'get', path: `${OM}/resources`, summary: 'List resources on which a membership has a permission', query: listResourcesForMembershipQuerySchema },
    { method: 'get', path: '/authorization/resources/:id/organization_memberships', summary: 'List memberships with a permission on a resource', query: listMembershipsForResourceQuerySchema },
    { method: 'get', path: `${BY_EXTERNAL}/organization_memberships`, summary: 'List memberships with a permission on a resource, by external ID', query: listMembershipsForResourceQuerySchema },
    { method: 'get', path: '/authorization/resources/:id/organization_memberships/:omId/permissions', summary: "A membership's effective permissions on a resource" },
    { method: 'get', path: `${OM}/resources/:type/:externalId/permissions`, summary: "A membership's effective permissions on a resource, by external ID" },
  ]);
}
