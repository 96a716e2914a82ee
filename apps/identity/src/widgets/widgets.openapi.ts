import { z } from 'zod';
import type { RouteDoc } from '@wos/platform';
import { paginationQuerySchema } from '@wos/platform';
import { apiKeySchema, connectionSchema, createdApiKeySchema, listEnvelopeSchema, organizationDomainSchema } from '@wos/contracts';
import { organizationMembershipResponseSchema } from '../memberships/memberships.dto';
import { addDomainSchema, changeRoleSchema, createWidgetApiKeySchema, createWidgetDirectorySchema, createWidgetLogStreamSchema, createWidgetTokenSchema, inviteMemberSchema, widgetInvitationSchema, widgetTokenResponseSchema } from './widgets.dto';

const widget = (scope: string) => `(widget token with ${scope}; the token's organization only)`;
const members = widget('widgets:users-table:manage');
const domains = widget('widgets:domain-verification:manage');
const keys = widget('widgets:api-keys:manage');
const dsync = widget('widgets:dsync:manage');
const streams = widget('widgets:audit-log-streaming:manage');
const anyBody = z.record(z.string(), z.unknown());

/**
 * Widgets (WORKOS_API.md §15). `POST /widgets/token` takes an API key; every other path takes
 * only the widget token it returns (`Authorization: Bearer <token>`), from the customer's page.
 */
export const widgetsOpenApiRoutes: RouteDoc[] = [
  { method: 'post', path: '/widgets/token', summary: 'Create a widget token for an organization (and one of its members), valid one hour', body: createWidgetTokenSchema, response: widgetTokenResponseSchema },
  { method: 'get', path: '/widgets/users-table/members', summary: `List the organization's members ${members}`, query: paginationQuerySchema, response: listEnvelopeSchema(organizationMembershipResponseSchema) },
  { method: 'put', path: '/widgets/users-table/members/:id', summary: `Change a member's role ${members}`, body: changeRoleSchema, response: organizationMembershipResponseSchema },
  { method: 'delete', path: '/widgets/users-table/members/:id', summary: `Remove a member ${members}`, status: 204 },
  { method: 'get', path: '/widgets/users-table/invitations', summary: `List the organization's invitations ${members}`, query: paginationQuerySchema, response: listEnvelopeSchema(widgetInvitationSchema) },
  { method: 'post', path: '/widgets/users-table/invitations', summary: `Invite someone to the organization ${members}`, body: inviteMemberSchema, response: widgetInvitationSchema, status: 201 },
  { method: 'post', path: '/widgets/users-table/invitations/:id/revoke', summary: `Revoke an invitation ${members}`, body: z.object({}), response: widgetInvitationSchema },
  { method: 'get', path: '/widgets/sso/connections', summary: `List the organization's SSO connections and their state ${widget('widgets:sso:manage')}`, query: paginationQuerySchema, response: listEnvelopeSchema(connectionSchema) },
  { method: 'get', path: '/widgets/domain-verification/domains', summary: `List the organization's domains ${domains}`, response: listEnvelopeSchema(organizationDomainSchema) },
  { method: 'post', path: '/widgets/domain-verification/domains', summary: `Add a domain to verify ${domains}`, body: addDomainSchema, response: organizationDomainSchema, status: 201 },
  { method: 'post', path: '/widgets/domain-verification/domains/:id/verify', summary: `Check the domain's DNS TXT record now ${domains}`, body: z.object({}), response: organizationDomainSchema },
  { method: 'delete', path: '/widgets/domain-verification/domains/:id', summary: `Remove a domain ${domains}`, status: 204 },
  { method: 'get', path: '/widgets/api-keys', summary: `List the organization's API keys ${keys}`, query: paginationQuerySchema, response: listEnvelopeSchema(apiKeySchema) },
  { method: 'post', path: '/widgets/api-keys', summary: `Create an organization API key (the value is in this response only) ${keys}`, body: createWidgetApiKeySchema, response: createdApiKeySchema, status: 201 },
  { method: 'delete', path: '/widgets/api-keys/:id', summary: `Delete an organization API key ${keys}`, status: 204 },
  { method: 'get', path: '/widgets/dsync/directories', summary: `List the organization's directories ${dsync}`, response: listEnvelopeSchema(anyBody) },
  { method: 'post', path: '/widgets/dsync/directories', summary: `Create a directory (its SCIM base URL and bearer token are in this response only) ${dsync}`, body: createWidgetDirectorySchema, response: anyBody, status: 201 },
  { method: 'get', path: '/widgets/dsync/directories/:id', summary: `Get a directory and its sync state ${dsync}`, response: anyBody },
  { method: 'post', path: '/widgets/dsync/directories/:id/token', summary: `Rotate the directory's SCIM bearer token (shown once) ${dsync}`, body: z.object({}), response: anyBody },
  { method: 'delete', path: '/widgets/dsync/directories/:id', summary: `Delete a directory ${dsync}`, status: 204 },
  { method: 'get', path: '/widgets/dsync/directories/:id/users', summary: `List the directory's users ${dsync}`, query: paginationQuerySchema, response: listEnvelopeSchema(anyBody) },
  { method: 'get', path: '/widgets/dsync/directories/:id/groups', summary: `List the directory's groups ${dsync}`, query: paginationQuerySchema, response: listEnvelopeSchema(anyBody) },
  { method: 'get', path: '/widgets/audit-log-streaming/log_streams', summary: `List the organization's audit-log streams ${streams}`, query: paginationQuerySchema, response: listEnvelopeSchema(anyBody) },
  { method: 'post', path: '/widgets/audit-log-streaming/log_streams', summary: `Create an audit-log stream (an HTTPS stream's signing secret is in this response only) ${streams}`, body: createWidgetLogStreamSchema, response: anyBody, status: 201 },
  { method: 'delete', path: '/widgets/audit-log-streaming/log_streams/:id', summary: `Delete an audit-log stream ${streams}`, status: 204 },
];
