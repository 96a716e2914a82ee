import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { BadRequestError, ValidationError, type FieldError } from '@wos/platform';
import type { AppConfig } from '../config';
import { checkIdpUrl, fetchIdp, idpUrlPolicy } from '../infra/idp-fetch';
import { discoverProvider, rejectionFor } from '../oidc/relying-party';
import { parseIdpMetadata } from '../saml/idp-metadata';
import { normaliseCertificate } from '../saml/saml-certs';
import type { OAuthSettings, OAuthSettingsInput, OidcSettings, OidcSettingsInput, SamlSettings, SamlSettingsInput } from './connections.dto';

/** Resolved settings plus the one secret to seal, from a create request. */
export interface ResolvedSettings {
  settings: SamlSettings | OidcSettings | OAuthSettings;
  secret?: string;
}

const invalid = (field: string, code: string, message: string): never => {
  throw new ValidationError([{ field, code, message } satisfies FieldError]);
};

/** SAML: metadata XML, metadata URL, or the three values by hand; an SP key when requests are signed or assertions encrypted. */
export async function resolveSamlSettings(id: string, input: SamlSettingsInput, config: AppConfig): Promise<ResolvedSettings> {
  let idp: { entityId: string; ssoUrl: string; certificates: string[] };
  // Kept so that the certificate scan can follow the IdP's rollovers (CertificatesService.refreshFromMetadata).
  const metadataUrl = input.idp_entity_id || input.idp_metadata_xml ? undefined : input.idp_metadata_url;
  if (input.idp_entity_id) {
    const certs = [input.idp_certificate!].flat().map(normaliseCertificate);
    if (certs.some((c) => !c)) invalid('saml.idp_certificate', 'invalid_certificate', 'idp_certificate must be an X.509 certificate in PEM or base64 DER.');
    idp = { entityId: input.idp_entity_id, ssoUrl: input.idp_sso_url!, certificates: certs as string[] };
  } else {
    const xml = input.idp_metadata_xml ?? (await fetchIdp(input.idp_metadata_url!, { ...idpUrlPolicy(config), what: 'IdP metadata' })).text;
    const parsed = parseIdpMetadata(xml);
    if ('problems' in parsed) {
      throw new ValidationError(parsed.problems.map((message) => ({ field: 'saml.idp_metadata', code: 'invalid_idp_metadata', message })));
    }
    idp = parsed;
  }
  const base = config.PUBLIC_BASE_URL;
  const settings: SamlSettings = {
    sp_entity_id: `${base}/sso/saml/metadata/${id}`,
    acs_url: `${base}/sso/saml/acs/${id}`,
    idp_entity_id: idp.entityId,
    idp_sso_url: idp.ssoUrl,
    idp_certificates: idp.certificates,
    ...(metadataUrl ? { idp_metadata_url: metadataUrl } : {}),
    sign_requests: input.sign_requests,
    encrypt_assertions: input.encrypt_assertions,
    allow_idp_initiated: input.allow_idp_initiated,
    ...(input.idp_initiated_redirect_uri ? { idp_initiated_redirect_uri: input.idp_initiated_redirect_uri } : {}),
    ...(input.attribute_map ? { attribute_map: input.attribute_map as Record<string, string> } : {}),
  };
  if (!input.sign_requests && !input.encrypt_assertions) return { settings };
  const pair = input.sp_private_key ? checkSpKeyPair(input.sp_private_key, input.sp_certificate!) : await generateSpKeyPair(id);
  // The certificate goes into our SP metadata (the IdP verifies our requests with it, or encrypts
  // its assertions to it); the key is sealed. One pair serves both uses, as Shibboleth's SP does.
  if (input.encrypt_assertions && !isRsa(pair.cert)) invalid('saml.sp_certificate', 'unsupported_encryption_key', 'Encrypted assertions need an RSA SP key (XML Encryption key transport).');
  settings.sp_certificate = pair.cert;
  return { settings, secret: pair.key };
}

function checkSpKeyPair(keyPem: string, certPem: string): { key: string; cert: string } {
  const cert = normaliseCertificate(certPem);
  if (!cert) return invalid('saml.sp_certificate', 'invalid_certificate', 'sp_certificate must be an X.509 certificate in PEM.');
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    return invalid('saml.sp_private_key', 'invalid_private_key', 'sp_private_key must be a PEM private key.');
  }
  const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const fromCert = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(fromCert)) invalid('saml.sp_certificate', 'key_certificate_mismatch', 'sp_certificate does not belong to sp_private_key.');
  return { key: key.export({ type: 'pkcs8', format: 'pem' }).toString(), cert };
}

function isRsa(certPem: string): boolean {
  return new X509Certificate(certPem).publicKey.asymmetricKeyType === 'rsa';
}

/*
 * A self-signed pair from the `selfsigned` package, loaded only here. It is a root dev
 * dependency today; where it is absent (a production image), a signing connection must bring
 * its own pair and gets a 422 that says so.
 */
async function generateSpKeyPair(id: string): Promise<{ key: string; cert: string }> {
  let generate: (attrs: unknown, opts: unknown) => Promise<{ private: string; cert: string }>;
  try {
    ({ generate } = require('selfsigned') as { generate: typeof generate });
  } catch {
    return invalid('saml.sp_private_key', 'sp_key_generation_unavailable', 'This deployment cannot generate SP keys: give sp_private_key and sp_certificate.');
  }
  const pems = await generate([{ name: 'commonName', value: `sso-${id}` }], { keySize: 2048, algorithm: 'sha256', days: 3650 });
  return { key: pems.private, cert: pems.cert };
}

/** Only asymmetric algorithms: a JWKS can then never turn into a shared secret, and never "none". */
export const ALLOWED_ID_TOKEN_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * OIDC: discovery through openid-client and the guarded fetch, then every endpoint the service
 * will call later (token, JWKS, userinfo) is checked now, scheme and address policy, so a
 * discovery document cannot point the service at an internal address. The same checks run
 * again at every connection during sign-in.
 */
export async function resolveOidcSettings(input: OidcSettingsInput, config: AppConfig): Promise<ResolvedSettings> {
  const policy = idpUrlPolicy(config);
  let doc: ServerMetadataLike;
  try {
    doc = await discoverProvider(input.discovery_url, input.client_id, { ...policy, skewSeconds: config.SSO_CLOCK_SKEW_SECONDS });
  } catch (err) {
    const refusal = rejectionFor(err, 'invalid_discovery_document', 'The discovery document was refused');
    if (refusal instanceof BadRequestError) throw refusal;
    return invalid('oidc.discovery_url', 'invalid_discovery_document', refusal.message);
  }
  const missing = (['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const).filter((k) => typeof doc[k] !== 'string');
  if (missing.length) invalid('oidc.discovery_url', 'invalid_discovery_document', `The discovery document lacks ${missing.join(', ')}.`);
  const algs = (doc.id_token_signing_alg_values_supported ?? ['RS256']).filter((a) => ALLOWED_ID_TOKEN_ALGS.includes(a));
  if (!algs.length) invalid('oidc.discovery_url', 'unsupported_id_token_algorithms', 'The IdP signs ID tokens with no asymmetric algorithm we accept.');
  // The browser goes to the authorization endpoint, the service never fetches it: scheme only.
  if (!/^https:/i.test(doc.authorization_endpoint!) && !(policy.allowHttp && /^http:/i.test(doc.authorization_endpoint!))) {
    invalid('oidc.discovery_url', 'invalid_discovery_document', 'The discovered authorization_endpoint must use https.');
  }
  await checkIdpUrl(doc.token_endpoint!, policy, 'discovered token_endpoint');
  await checkIdpUrl(doc.jwks_uri!, policy, 'discovered jwks_uri');
  if (doc.userinfo_endpoint) await checkIdpUrl(doc.userinfo_endpoint, policy, 'discovered userinfo_endpoint');
  // Like the authorization endpoint, a browser destination: kept only when its scheme is acceptable.
  const endSession = typeof doc.end_session_endpoint === 'string' && (/^https:/i.test(doc.end_session_endpoint) || (policy.allowHttp && /^http:/i.test(doc.end_session_endpoint))) ? doc.end_session_endpoint : undefined;
  const settings: OidcSettings = {
    discovery_url: input.discovery_url,
    issuer: doc.issuer!,
    authorization_endpoint: doc.authorization_endpoint!,
    token_endpoint: doc.token_endpoint!,
    jwks_uri: doc.jwks_uri!,
    ...(doc.userinfo_endpoint ? { userinfo_endpoint: doc.userinfo_endpoint } : {}),
    ...(doc.authorization_response_iss_parameter_supported === true ? { authorization_response_iss_parameter_supported: true } : {}),
    ...(endSession ? { end_session_endpoint: endSession } : {}),
    client_id: input.client_id,
    scopes: input.scopes ?? [],
    id_token_signing_alg_values: algs,
    ...(input.attribute_map ? { attribute_map: input.attribute_map as Record<string, string> } : {}),
  };
  return { settings, secret: input.client_secret };
}

interface ServerMetadataLike {
  issuer?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri?: string;
  userinfo_endpoint?: string;
  id_token_signing_alg_values_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  end_session_endpoint?: string;
}

/** OAuth providers: the URLs a connection overrides are checked like discovered ones. */
export async function resolveOAuthSettings(input: OAuthSettingsInput, config: AppConfig): Promise<ResolvedSettings> {
  const policy = idpUrlPolicy(config);
  if (input.authorization_url && !/^https:/i.test(input.authorization_url) && !(policy.allowHttp && /^http:/i.test(input.authorization_url))) {
    invalid('oauth.authorization_url', 'invalid_idp_url', 'authorization_url must use https.');
  }
  if (input.token_url) await checkIdpUrl(input.token_url, policy, 'token');
  if (input.userinfo_url) await checkIdpUrl(input.userinfo_url, policy, 'userinfo');
  const settings: OAuthSettings = {
    client_id: input.client_id,
    ...(input.authorization_url ? { authorization_url: input.authorization_url } : {}),
    ...(input.token_url ? { token_url: input.token_url } : {}),
    ...(input.userinfo_url ? { userinfo_url: input.userinfo_url } : {}),
    ...(input.scopes ? { scopes: input.scopes } : {}),
  };
  return { settings, secret: input.client_secret };
}
