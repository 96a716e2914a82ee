import { z } from 'zod';
import { buildOpenApi } from '@wos/platform';
import { connectionSchema, listEnvelopeSchema } from '@wos/contracts';
import { createConnectionSchema, listConnectionsQuerySchema } from './connections/connections.dto';
import { addCertificateSchema } from './certificates/certificates.dto';

const samlCertificateSchema = z.object({
  object: z.literal('saml_certificate'),
  certificate_type: z.enum(['ResponseSigning', 'RequestSigning', 'ResponseEncryption']),
  fingerprint: z.string(),
  subject: z.string(),
  not_before: z.string(),
  expiry_date: z.string(),
  is_expired: z.boolean(),
  days_until_expiry: z.number().int(),
});
import { tokenRequestSchema } from './token/token.dto';
import { logoutAuthorizeResponseSchema, logoutAuthorizeSchema, logoutQuerySchema } from './logout/logout.dto';

export function ssoOpenApi(): Record<string, unknown> {
  return buildOpenApi('SSO', [
    { method: 'get', path: '/connections', summary: 'List connections', query: listConnectionsQuerySchema, response: listEnvelopeSchema(connectionSchema) },
    { method: 'post', path: '/connections', summary: 'Create a connection (management extension)', body: createConnectionSchema, response: connectionSchema, status: 201 },
    { method: 'get', path: '/connections/:id', summary: 'Get a connection', response: connectionSchema },
    { method: 'delete', path: '/connections/:id', summary: 'Delete a connection', status: 204 },
    { method: 'post', path: '/connections/:id/activate', summary: 'Activate a connection (management extension)', response: connectionSchema },
    { method: 'post', path: '/connections/:id/deactivate', summary: 'Deactivate a connection (management extension)', response: connectionSchema },
    { method: 'get', path: '/connections/:id/certificates', summary: 'A SAML connection\'s certificates with their expiry (management extension)', response: z.object({ object: z.literal('list'), data: z.array(samlCertificateSchema) }) },
    { method: 'post', path: '/connections/:id/certificates', summary: 'Renew: add the IdP\'s new signing certificate beside the old ones (management extension)', body: addCertificateSchema, response: z.object({ object: z.literal('list'), data: z.array(samlCertificateSchema) }), status: 201 },
    { method: 'delete', path: '/connections/:id/certificates/:fingerprint', summary: 'Remove an IdP certificate by SHA-256 fingerprint; never the last (management extension)', status: 204 },
    { method: 'get', path: '/connections/:id/sp_metadata', summary: 'SAML service-provider metadata of a connection', response: z.object({ entity_id: z.string(), acs_url: z.string() }).passthrough() },
    { method: 'post', path: '/sso/token', summary: 'Exchange a code for a profile and token', body: tokenRequestSchema, response: z.object({ token_type: z.literal('Bearer'), access_token: z.string(), expires_in: z.number() }).passthrough() },
    // The browser and IdP legs of a sign-in, and the profile token's own route (no API key).
    { method: 'get', path: '/sso/authorize', summary: 'Start a sign-in (browser; client_id and a registered redirect_uri): 302 to the IdP', status: 302 },
    { method: 'get', path: '/sso/profile', summary: 'The profile of a sign-in (Bearer: the access_token from /sso/token, not an API key)' },
    { method: 'post', path: '/sso/saml/acs/:connectionId', summary: "SAML assertion consumer service (the IdP's browser POST): 302 to the redirect_uri with a code", status: 302 },
    { method: 'get', path: '/sso/oidc/callback', summary: "OIDC and OAuth callback (the IdP's redirect): 302 to the redirect_uri with a code", status: 302 },
    { method: 'post', path: '/sso/logout/authorize', summary: 'A logout token for a profile of an OIDC connection with an end_session_endpoint: {logout_url, logout_token}', body: logoutAuthorizeSchema, response: logoutAuthorizeResponseSchema },
    { method: 'get', path: '/sso/logout', summary: "Logout redirect (browser; the token is the credential): 302 to the IdP's end_session_endpoint", query: logoutQuerySchema, status: 302 },
    { method: 'get', path: '/sso/saml/metadata/:id', summary: 'SAML service-provider metadata XML of a connection (for the IdP)' },
  ]);
}
