import { z } from 'zod';
import { authenticationEventSchema } from './identity';

/** `connection_domain` inside a connection (WORKOS_API.md §9). */
export const connectionDomainSchema = z.object({
  object: z.literal('connection_domain'),
  id: z.string(),
  domain: z.string(),
});

/** `connection` wire object (WORKOS_API.md §9); also the payload of `connection.*` events. */
export const connectionSchema = z.object({
  object: z.literal('connection'),
  id: z.string(),
  organization_id: z.string().nullable().optional(),
  name: z.string(),
  connection_type: z.string(),
  state: z.enum(['draft', 'active', 'inactive', 'validating', 'requires_type', 'deleting']),
  /** Deprecated by WorkOS in favour of `state`; still sent: `linked` when active, else `unlinked`. */
  status: z.enum(['linked', 'unlinked']).optional(),
  domains: z.array(connectionDomainSchema),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConnectionWire = z.infer<typeof connectionSchema>;

/** `connection.*` payload: the connection plus the opaque `external_key` the SDKs require (always sent). */
export const connectionEventSchema = connectionSchema.extend({ external_key: z.string().optional() });

/** `authentication.sso_*` payload (WORKOS_API.md §22): the authentication event with `sso`. */
export const ssoAuthenticationEventSchema = authenticationEventSchema.extend({
  type: z.literal('sso'),
  sso: z
    .object({ connection_id: z.string().nullable(), organization_id: z.string().nullable(), session_id: z.string().optional() })
    .optional(),
});
export type SsoAuthenticationEventWire = z.infer<typeof ssoAuthenticationEventSchema>;

export const ssoEventSchemas = {
  'connection.activated': connectionEventSchema,
  'connection.deactivated': connectionEventSchema,
  'connection.deleted': connectionEventSchema,
  'authentication.sso_succeeded': ssoAuthenticationEventSchema,
  'authentication.sso_failed': ssoAuthenticationEventSchema,
} as const;
