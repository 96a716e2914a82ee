import { z } from 'zod';
import { connectionSchema, protocolOf, type ConnectionWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { Connection, ConnectionDomain } from '../generated/prisma/client';

/* The connection-type catalogue is shared with the Admin Portal (libs/contracts). */
export { OAUTH_TYPES, OIDC_TYPES, SAML_TYPES, protocolOf, type OAuthType, type Protocol } from '@wos/contracts';

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/, 'must be a valid domain name such as example.com');
/** An http(s) URL of at most 2,048 characters: every IdP endpoint a connection names, hand-entered or from metadata. */
export const httpUrl = z.string().url().max(2048).refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
/** Profile field → IdP attribute name, for IdPs whose attribute names we do not recognise. */
const attributeMap = z
  .strictObject({
    idp_id: z.string().min(1).max(512).optional(),
    email: z.string().min(1).max(512).optional(),
    first_name: z.string().min(1).max(512).optional(),
    last_name: z.string().min(1).max(512).optional(),
    name: z.string().min(1).max(512).optional(),
    groups: z.string().min(1).max(512).optional(),
    role: z.string().min(1).max(512).optional(),
  })
  .catchall(z.string().min(1).max(512))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 mapped attributes');

export const samlSettingsInput = z
  .strictObject({
    idp_metadata_xml: z.string().min(1).max(512 * 1024).optional(),
    idp_metadata_url: httpUrl.optional(),
    idp_entity_id: z.string().min(1).max(1024).optional(),
    idp_sso_url: httpUrl.optional(),
    /** PEM or bare base64 DER; several during a certificate rollover. */
    idp_certificate: z.union([z.string().min(1).max(16 * 1024), z.array(z.string().min(1).max(16 * 1024)).min(1).max(5)]).optional(),
    sign_requests: z.boolean().default(false),
    /**
     * The IdP encrypts its assertions to our SP certificate (published in our metadata with
     * use="encryption"); a plaintext assertion is then refused. Ours: WorkOS sets this in its dashboard.
     */
    encrypt_assertions: z.boolean().default(false),
    /** Optional own SP key pair (PEM), for signing and decryption; without one, the connection gets a generated pair. */
    sp_private_key: z.string().min(1).max(16 * 1024).optional(),
    sp_certificate: z.string().min(1).max(16 * 1024).optional(),
    allow_idp_initiated: z.boolean().default(false),
    /** Where IdP-initiated sign-ins send their code: there is no authorize request to name one. */
    idp_initiated_redirect_uri: httpUrl.optional(),
    attribute_map: attributeMap.optional(),
  })
  .refine((s) => [s.idp_metadata_xml, s.idp_metadata_url, s.idp_entity_id].filter(Boolean).length === 1, {
    message: 'give exactly one of idp_metadata_xml, idp_metadata_url, or idp_entity_id with idp_sso_url and idp_certificate',
  })
  .refine((s) => !s.idp_entity_id || (s.idp_sso_url && s.idp_certificate), {
    message: 'idp_entity_id needs idp_sso_url and idp_certificate',
  })
  .refine((s) => !s.sp_private_key === !s.sp_certificate && (!s.sp_private_key || s.sign_requests || s.encrypt_assertions), {
    message: 'sp_private_key and sp_certificate go together, and only with sign_requests or encrypt_assertions',
    path: ['sp_private_key'],
  })
  .refine((s) => !s.allow_idp_initiated || s.idp_initiated_redirect_uri, {
    message: 'allow_idp_initiated needs idp_initiated_redirect_uri',
    path: ['idp_initiated_redirect_uri'],
  });
export type SamlSettingsInput = z.infer<typeof samlSettingsInput>;

export const oidcSettingsInput = z.strictObject({
  discovery_url: httpUrl,
  client_id: z.string().min(1).max(512),
  client_secret: z.string().min(1).max(4096),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/)).max(20).optional(),
  attribute_map: attributeMap.optional(),
});
export type OidcSettingsInput = z.infer<typeof oidcSettingsInput>;

export const oauthSettingsInput = z.strictObject({
  client_id: z.string().min(1).max(512),
  client_secret: z.string().min(1).max(4096),
  authorization_url: httpUrl.optional(),
  token_url: httpUrl.optional(),
  userinfo_url: httpUrl.optional(),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/)).max(20).optional(),
});
export type OAuthSettingsInput = z.infer<typeof oauthSettingsInput>;

export const createConnectionSchema = z
  .strictObject({
    organization_id: z.string().regex(/^org_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an organization ID').nullable().optional(),
    name: z.string().trim().min(1).max(255),
    connection_type: z.string().refine((t) => protocolOf(t) !== undefined, 'is not a supported connection type'),
    saml: samlSettingsInput.optional(),
    oidc: oidcSettingsInput.optional(),
    oauth: oauthSettingsInput.optional(),
    domains: z.array(domainName).max(100).refine((d) => new Set(d).size === d.length, 'domains must be unique').optional(),
    /** Create directly in the active state (emits connection.activated). */
    activate: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    const protocol = protocolOf(b.connection_type);
    for (const p of ['saml', 'oidc', 'oauth'] as const) {
      if (p === protocol && !b[p]) ctx.addIssue({ code: 'custom', path: [p], message: `${b.connection_type} needs the ${p} settings` });
      if (p !== protocol && b[p]) ctx.addIssue({ code: 'custom', path: [p], message: `${b.connection_type} takes no ${p} settings` });
    }
  });
export type CreateConnectionInput = z.infer<typeof createConnectionSchema>;

export const listConnectionsQuerySchema = paginationQuerySchema.extend({
  connection_type: z.string().min(1).optional(),
  domain: z.string().trim().toLowerCase().min(1).optional(),
  organization_id: z.string().min(1).optional(),
});
export type ListConnectionsQuery = z.infer<typeof listConnectionsQuerySchema>;

/** What `settings` holds for each protocol. Public values only: secrets are sealed apart. */
export interface SamlSettings {
  sp_entity_id: string;
  acs_url: string;
  idp_entity_id: string;
  idp_sso_url: string;
  /** PEM certificates the assertion signature may verify against. */
  idp_certificates: string[];
  /** Where the IdP's metadata was read (created from a URL): the certificate scan re-reads it. */
  idp_metadata_url?: string;
  sign_requests: boolean;
  /** Absent on connections created before it existed (= false). */
  encrypt_assertions?: boolean;
  /** Our SP certificate (its key is the connection's sealed secret): RequestSigning and/or ResponseEncryption. */
  sp_certificate?: string;
  allow_idp_initiated: boolean;
  idp_initiated_redirect_uri?: string;
  attribute_map?: Record<string, string>;
}
export interface OidcSettings {
  discovery_url: string;
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  /** RFC 9207: the IdP names itself in the authorization response (mix-up defence). */
  authorization_response_iss_parameter_supported?: boolean;
  /** OpenID Connect RP-Initiated Logout: where GET /sso/logout sends the browser (absent: no logout). */
  end_session_endpoint?: string;
  client_id: string;
  scopes: string[];
  id_token_signing_alg_values: string[];
  attribute_map?: Record<string, string>;
}
export interface OAuthSettings {
  client_id: string;
  authorization_url?: string;
  token_url?: string;
  userinfo_url?: string;
  scopes?: string[];
}

export type ConnectionWithDomains = Connection & { domains: ConnectionDomain[] };

export function toConnectionWire(c: ConnectionWithDomains): ConnectionWire {
  return {
    object: 'connection',
    id: c.id,
    organization_id: c.organizationId,
    name: c.name,
    connection_type: c.connectionType,
    state: c.state as ConnectionWire['state'],
    status: legacyStatus(c.state),
    domains: c.domains.map((d) => ({ object: 'connection_domain', id: d.id, domain: d.domain })),
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

/**
 * The deprecated `status` WorkOS still sends beside `state` (the SDKs' `linked | unlinked`):
 * an active connection is linked, every other state unlinked.
 */
export function legacyStatus(state: string): 'linked' | 'unlinked' {
  return state === 'active' ? 'linked' : 'unlinked';
}

export { connectionSchema };
