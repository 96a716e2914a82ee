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

/** The connection named by `connection.saml_certificate_*` events: its ID and organization only. */
const certificateConnectionSchema = z.object({ id: z.string(), organization_id: z.string().nullable().optional() });
export const samlCertificateTypeSchema = z.enum(['ResponseSigning', 'RequestSigning', 'ResponseEncryption']);

/** `connection.saml_certificate_renewal_required` payload (WorkOS: from 3 months before expiry, repeated after it). */
export const samlCertificateRenewalRequiredSchema = z.object({
  connection: certificateConnectionSchema,
  certificate: z.object({ certificate_type: samlCertificateTypeSchema, expiry_date: z.string(), is_expired: z.boolean() }),
  days_until_expiry: z.number().int(),
});
export type SamlCertificateRenewalRequiredWire = z.infer<typeof samlCertificateRenewalRequiredSchema>;

/** `connection.saml_certificate_renewed` payload: the new certificate and when it was installed. */
export const samlCertificateRenewedSchema = z.object({
  connection: certificateConnectionSchema,
  certificate: z.object({ certificate_type: samlCertificateTypeSchema, expiry_date: z.string() }),
  renewed_at: z.string(),
});
export type SamlCertificateRenewedWire = z.infer<typeof samlCertificateRenewedSchema>;

export const ssoEventSchemas = {
  'connection.activated': connectionEventSchema,
  'connection.deactivated': connectionEventSchema,
  'connection.deleted': connectionEventSchema,
  'connection.saml_certificate_renewal_required': samlCertificateRenewalRequiredSchema,
  'connection.saml_certificate_renewed': samlCertificateRenewedSchema,
  'authentication.sso_succeeded': ssoAuthenticationEventSchema,
  'authentication.sso_failed': ssoAuthenticationEventSchema,
} as const;
