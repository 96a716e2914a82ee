import { buildOpenApi } from '@wos/platform';
import { featureFlagSchema, flagPollEntrySchema, listEnvelopeSchema, organizationDomainSchema, organizationSchema } from '@wos/contracts';
import { z } from 'zod';
import { createFlagSchema, listFlagsQuerySchema, updateFlagSchema } from './feature-flags/feature-flags.dto';
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
    { method: 'get', path: '/feature-flags', summary: 'List feature flags', query: listFlagsQuerySchema, response: listEnvelopeSchema(featureFlagSchema) },
    { method: 'post', path: '/feature-flags', summary: 'Create a feature flag (extension)', body: createFlagSchema, response: featureFlagSchema, status: 201 },
    { method: 'get', path: '/feature-flags/:slug', summary: 'Get a feature flag', response: featureFlagSchema },
    { method: 'patch', path: '/feature-flags/:slug', summary: 'Update a feature flag (extension)', body: updateFlagSchema, response: featureFlagSchema },
    { method: 'delete', path: '/feature-flags/:slug', summary: 'Delete a feature flag (extension)', status: 204 },
    { method: 'put', path: '/feature-flags/:slug/enable', summary: 'Enable a feature flag', response: featureFlagSchema },
    { method: 'put', path: '/feature-flags/:slug/disable', summary: 'Disable a feature flag', response: featureFlagSchema },
    { method: 'post', path: '/feature-flags/:slug/targets/:targetId', summary: 'Add a feature flag target (user_… or org_…)' },
    { method: 'delete', path: '/feature-flags/:slug/targets/:targetId', summary: 'Remove a feature flag target', status: 204 },
    { method: 'get', path: '/organizations/:id/feature-flags', summary: "List the feature flags on for an organization", query: listFlagsQuerySchema, response: listEnvelopeSchema(featureFlagSchema) },
    { method: 'get', path: '/user_management/users/:id/feature-flags', summary: 'List the feature flags on for a user', query: listFlagsQuerySchema, response: listEnvelopeSchema(featureFlagSchema) },
    { method: 'get', path: '/sdk/feature-flags', summary: "The runtime client's flag payload (ETag, If-None-Match → 304)", response: z.record(z.string(), flagPollEntrySchema) },
    { method: 'get', path: '/sdk/feature-flags/stream', summary: 'Server-sent events: the flag payload at once and after every change (extension)' },
  ]);
}
