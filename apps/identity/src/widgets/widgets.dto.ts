import { z } from 'zod';
import { directoryTypeSchema, invitationEventSchema, type InvitationWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import { emailSchema } from '../users/users.dto';
import { updateMembershipSchema } from '../memberships/memberships.dto';
import { createOrganizationApiKeySchema } from '../api-keys/api-keys.dto';

/** The scopes a widget token can carry: the SDK's `WidgetSessionTokenScopes` (WORKOS_API.md §15). */
export const WIDGET_SCOPES = [
  'widgets:users-table:manage',
  'widgets:domain-verification:manage',
  'widgets:sso:manage',
  'widgets:api-keys:manage',
  'widgets:dsync:manage',
  'widgets:audit-log-streaming:manage',
] as const;
export type WidgetScope = (typeof WIDGET_SCOPES)[number];

const id = z.string().min(1).max(128);

/** `POST /widgets/token` (`widgets.createToken`); an unknown scope is a 422. */
export const createWidgetTokenSchema = z.strictObject({
  organization_id: id,
  user_id: id.optional(),
  scopes: z.array(z.enum(WIDGET_SCOPES)).max(WIDGET_SCOPES.length).optional(),
});
export type CreateWidgetTokenInput = z.infer<typeof createWidgetTokenSchema>;
export const widgetTokenResponseSchema = z.object({ token: z.string() });

/** Users table: the organization's members, newest first by default. */
export const listMembersQuerySchema = paginationQuerySchema;

/** Users table: invite someone to the token's organization (the organization is the token's, never the body's). */
export const inviteMemberSchema = z.strictObject({
  email: emailSchema,
  role_slug: z.string().trim().min(1).max(128).regex(/^[a-z0-9][a-z0-9_:-]*$/, 'must be a role slug').optional(),
});
export type InviteMemberInput = z.infer<typeof inviteMemberSchema>;

/** Users table: a member's new role(s), as `PUT /user_management/organization_memberships/:id` takes them. */
export const changeRoleSchema = updateMembershipSchema;

/** An invitation as the widget sees it: without the token and the link built from it. */
export const widgetInvitationSchema = invitationEventSchema;
export function toWidgetInvitation(inv: InvitationWire): z.infer<typeof widgetInvitationSchema> {
  const { token: _token, accept_invitation_url: _url, ...rest } = inv;
  return rest;
}

/** Domain verification: a domain to add to the token's organization. */
export const addDomainSchema = z.strictObject({ domain: z.string().trim().min(1).max(253) });
export type AddDomainInput = z.infer<typeof addDomainSchema>;

/** The SDK's verify call sends `{}`; so may a widget. */
export const emptyBodySchema = z.strictObject({}).optional();

/** API keys: an organization key for the token's organization. */
export const createWidgetApiKeySchema = createOrganizationApiKeySchema;

/** Directory Sync: a directory for the token's organization (directory-sync validates the rest). */
export const createWidgetDirectorySchema = z.strictObject({
  name: z.string().trim().min(1).max(255),
  type: directoryTypeSchema,
  domain: z.string().trim().min(1).max(253).nullable().optional(),
});
export type CreateWidgetDirectoryInput = z.infer<typeof createWidgetDirectorySchema>;

/** The audit-log streams the widget can set up (audit-logs validates each type's `config`). */
export const LOG_STREAM_TYPES = ['datadog', 'splunk', 'https', 's3'] as const;

/** Audit-log streaming: a stream for the token's organization. */
export const createWidgetLogStreamSchema = z.strictObject({
  type: z.enum(LOG_STREAM_TYPES),
  name: z.string().trim().min(1).max(100).optional(),
  config: z.record(z.string(), z.unknown()),
});
export type CreateWidgetLogStreamInput = z.infer<typeof createWidgetLogStreamSchema>;
