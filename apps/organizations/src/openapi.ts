import { buildOpenApi } from '@wos/platform';
import { listEnvelopeSchema, organizationDomainSchema, organizationSchema } from '@wos/contracts';
import { createOrganizationSchema, listOrganizationsQuerySchema, updateOrganizationSchema } from './organizations/organizations.dto';
import { createDomainSchema } from './domains/domains.dto';

export function organizationsOpenApi(): Record<string, unknown> {
  return buildOpenApi('Organizations', [
    { method: 'get', path: '/organizations', summary: 'List organizations', query: listOrganizationsQuerySchema, response: listEnvelopeSchema(organizationSchema) },
    { method: 'post', path: '/organizations', summary: 'Create an organization', body: createOrganizationSchema, response: organizationSchema, status: 201 },
    { method: 'get', path: '/organizations/:id', summary: 'Get an organization', response: organizationSchema },
    { method: 'get', path: '/organizations/external_id/:external_id', summary: 'Get an organization by external ID', response: organizationSchema },
    { method: 'put', path: '/organizations/:id', summary: 'Update an organization', body: updateOrganizationSchema, response: organizationSchema },
    { method: 'delete', path: '/organizations/:id', summary: 'Delete an organization', status: 204 },
    { method: 'post', path: '/organization_domains', summary: 'Create an organization domain', body: createDomainSchema, response: organizationDomainSchema, status: 201 },
    { method: 'get', path: '/organization_domains/:id', summary: 'Get an organization domain', response: organizationDomainSchema },
    { method: 'post', path: '/organization_domains/:id/verify', summary: 'Verify an organization domain through DNS', response: organizationDomainSchema },
    { method: 'delete', path: '/organization_domains/:id', summary: 'Delete an organization domain', status: 204 },
  ]);
}
