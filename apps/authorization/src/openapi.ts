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
import { addPermissionSchema, createEnvironmentRoleSchema, createOrganizationRoleSchema, createPermissionSchema, listPermissionsQuerySchema, defaultRoleSchema, reorderRolesSchema, setPermissionsSchema, updateNamedSchema } from './catalogue/catalogue.dto';
import { runSlugMigrationSchema } from './slug-migration/slug-migration.dto';
import { addMemberSchema, createGroupSchema, replaceGroupAssignmentsSchema, updateGroupSchema } from './groups/groups.dto';
import { createResourceSchema, deleteResourceQuerySchema, listResourcesQuerySchema, updateResourceSchema } from './resources/resources.dto';

const ROLE = '/authorization/roles/:slug';
const ORG_ROLE = '/authorization/organizations/:orgId/roles/:slug';
const BY_EXTERNAL = '/authorization/organizations/:orgId/resources/:type/:externalId';
const OM = '/authorization/organization_memberships/:omId';
const GROUP = '/organizations/:orgId/groups/:groupId';
const GRA = '/authorization/groups/:groupId/role_assignments';

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
    { method: 'put', path: '/authorization/roles/priority', summary: "Reorder the environment roles' priority (ours: every environment role, highest first)", body: reorderRolesSchema },
    { method: 'put', path: '/authorization/roles/default', summary: "Set the environment's default role (ours: what sign-in grants and invitations whose role is gone get)", body: defaultRoleSchema },
    { method: 'post', path: '/authorization/organizations/:orgId/roles', summary: 'Create an organization role', body: createOrganizationRoleSchema, status: 201 },
    { method: 'get', path: '/authorization/organizations/:orgId/roles', summary: "List the organization's roles (environment roles and its own) in priority order" },
    { method: 'put', path: '/authorization/organizations/:orgId/roles/priority', summary: "Reorder the organization's own roles' priority (ours: every one of them, highest first)", body: reorderRolesSchema },
    { method: 'get', path: ORG_ROLE, summary: 'Get a role in the organization' },
    { method: 'patch', path: ORG_ROLE, summary: 'Update an organization role', body: updateNamedSchema },
    { method: 'delete', path: ORG_ROLE, summary: 'Delete an organization role (409 while assigned)', status: 204 },
    { method: 'put', path: `${ORG_ROLE}/permissions`, summary: "Replace an organization role's permissions", body: setPermissionsSchema },
    { method: 'post', path: `${ORG_ROLE}/permissions`, summary: 'Add a permission to an organization role', body: addPermissionSchema },
    { method: 'delete', path: `${ORG_ROLE}/permissions/:permissionSlug`, summary: 'Remove a permission from an organization role', status: 204 },
    { method: 'post', path: '/authorization/role_slug_migration', summary: "Migrate the environment's free-form membership role slugs into the catalogue (ours; resumable, call until completed)", body: runSlugMigrationSchema },
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
    { method: 'get', path: `${OM}/resources/:id/permissions`, summary: "A membership's effective permissions on a resource (the Java SDK's path)" },
    { method: 'get', path: `${OM}/resources/:type/:externalId/permissions`, summary: "A membership's effective permissions on a resource, by external ID" },
    { method: 'post', path: '/organizations/:orgId/groups', summary: 'Create a group', body: createGroupSchema, status: 201 },
    { method: 'get', path: '/organizations/:orgId/groups', summary: "List an organization's groups" },
    { method: 'get', path: GROUP, summary: 'Get a group' },
    { method: 'patch', path: GROUP, summary: 'Update a group', body: updateGroupSchema },
    { method: 'delete', path: GROUP, summary: 'Delete a group', status: 204 },
    { method: 'post', path: `${GROUP}/organization-memberships`, summary: 'Add a membership to a group', body: addMemberSchema },
    { method: 'delete', path: `${GROUP}/organization-memberships/:omId`, summary: 'Remove a membership from a group', status: 204 },
    { method: 'get', path: `${GROUP}/organization-memberships`, summary: "List a group's memberships" },
    { method: 'get', path: '/user_management/organization_memberships/:omId/groups', summary: "List a membership's groups" },
    { method: 'post', path: GRA, summary: 'Assign a role to a group on a resource', body: roleOnResourceSchema, status: 201 },
    { method: 'put', path: GRA, summary: "Replace a group's role assignments", body: replaceGroupAssignmentsSchema },
    { method: 'get', path: GRA, summary: "List a group's role assignments" },
    { method: 'get', path: `${GRA}/:id`, summary: 'Get a group role assignment' },
    { method: 'delete', path: GRA, summary: 'Remove a role from a group on a resource', body: roleOnResourceSchema, status: 204 },
    { method: 'delete', path: `${GRA}/:id`, summary: 'Remove a group role assignment', status: 204 },
  ]);
}
