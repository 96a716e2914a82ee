import type { Configuration, CustomFetch, IDToken, ServerMetadata, TokenEndpointResponse } from 'openid-client' with { 'resolution-mode': 'import' };
import { BadRequestError } from '@wos/platform';
import { idpFetch, type IdpUrlPolicy } from '../infra/idp-fetch';

/* openid-client 6 is ESM-only: loaded once with a dynamic import, which Node 24 resolves from CommonJS. */
type OpenIdClient = typeof import('openid-client', { with: { 'resolution-mode': 'import' } });
let loading: Promise<OpenIdClient> | undefined;
export const openIdClient = (): Promise<OpenIdClient> => (loading ??= import('openid-client'));

/** Why an OIDC or OAuth sign-in was refused; the reason goes into authentication.sso_failed. */
export class OidcRejection extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RelyingPartyOptions extends IdpUrlPolicy {
  skewSeconds: number;
}

/** The OpenID Provider values a connection stores at save time (from discovery). */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  id_token_signing_alg_values: string[];
  authorization_response_iss_parameter_supported?: boolean;
}

/** An OAuth 2.0 provider's endpoints (GoogleOAuth, MicrosoftOAuth, GitHubOAuth). */
export interface OAuthServer {
  authorization: string;
  token: string;
  userinfo: string;
}

/*
 * Every HTTP request openid-client makes (discovery, token, JWKS, userinfo, provider APIs) goes
 * through idpFetch: scheme check, address policy at connect time, no redirects, 1 MiB cap.
 */
function guard(oc: OpenIdClient, config: Configuration, o: RelyingPartyOptions, fetch: CustomFetch): Configuration {
  config[oc.customFetch] = fetch;
  config.timeout = Math.ceil(o.timeoutMs / 1000);
  if (o.allowHttp) oc.allowInsecureRequests(config);
  return config;
}

function labelled(o: RelyingPartyOptions, labels: Record<string, string>): CustomFetch {
  return (url, init) => idpFetch(url, init as never, o, labels[url] ?? 'IdP endpoint');
}

/** Reads an OpenID Provider's discovery document through the guarded fetch. */
export async function discoverProvider(discoveryUrl: string, clientId: string, o: RelyingPartyOptions): Promise<ServerMetadata> {
  const oc = await openIdClient();
  const config = await oc.discovery(new URL(discoveryUrl), clientId, undefined, oc.None(), {
    [oc.customFetch]: labelled(o, { [discoveryUrl]: 'OIDC discovery document' }),
    timeout: Math.ceil(o.timeoutMs / 1000),
    execute: o.allowHttp ? [oc.allowInsecureRequests] : [],
  });
  return config.serverMetadata();
}

/**
 * One OIDC connection as openid-client sees it, from the metadata stored at save time. ID
 * token signatures are verified against the JWKS (openid-client skips that by default for a
 * token-endpoint ID token), with only the connection's asymmetric algorithms; the clock
 * tolerance is the service's skew. A Configuration caches the JWKS, so callers keep it.
 */
export async function providerConfiguration(m: ProviderMetadata, clientId: string, clientSecret: string, o: RelyingPartyOptions): Promise<Configuration> {
  const oc = await openIdClient();
  const server: ServerMetadata = {
    issuer: m.issuer,
    authorization_endpoint: m.authorization_endpoint,
    token_endpoint: m.token_endpoint,
    jwks_uri: m.jwks_uri,
    id_token_signing_alg_values_supported: m.id_token_signing_alg_values,
    ...(m.userinfo_endpoint ? { userinfo_endpoint: m.userinfo_endpoint } : {}),
    ...(m.authorization_response_iss_parameter_supported ? { authorization_response_iss_parameter_supported: true } : {}),
  };
  const config = new oc.Configuration(server, clientId, { [oc.clockTolerance]: o.skewSeconds }, oc.ClientSecretPost(clientSecret));
  const labels = { [m.token_endpoint]: 'token endpoint', [m.jwks_uri]: 'JWKS', ...(m.userinfo_endpoint ? { [m.userinfo_endpoint]: 'userinfo endpoint' } : {}) };
  oc.enableNonRepudiationChecks(config);
  return guard(oc, config, o, labelled(o, labels));
}

/**
 * One sign-in's view of an OAuth 2.0 provider. These providers are plain OAuth here: the
 * profile comes from their APIs, and no issuer is configured for them (MicrosoftOAuth's
 * `common` endpoint has one per tenant), so an ID token in the token response is set aside
 * before openid-client reads the response (it would check it against an issuer) and handed to
 * `onIdToken` unverified. Its claims are trustworthy only as far as TLS to the token endpoint
 * makes them (OIDC Core 3.1.3.7); the caller reads one claim from it.
 */
export async function oauthConfiguration(
  e: OAuthServer,
  clientId: string,
  clientSecret: string,
  o: RelyingPartyOptions,
  onIdToken: (idToken: string) => void,
): Promise<Configuration> {
  const oc = await openIdClient();
  const server: ServerMetadata = { issuer: new URL(e.authorization).origin, authorization_endpoint: e.authorization, token_endpoint: e.token, userinfo_endpoint: e.userinfo };
  const config = new oc.Configuration(server, clientId, { [oc.clockTolerance]: o.skewSeconds }, oc.ClientSecretPost(clientSecret));
  const fetch = labelled(o, { [e.token]: 'token endpoint', [e.userinfo]: 'userinfo endpoint' });
  return guard(oc, config, o, async (url, init) => {
    const res = await fetch(url, init);
    return url === e.token ? setIdTokenAside(res, onIdToken) : res;
  });
}

async function setIdTokenAside(res: Response, onIdToken: (idToken: string) => void): Promise<Response> {
  const body = (await res.clone().json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || typeof body.id_token !== 'string') return res;
  onIdToken(body.id_token);
  delete body.id_token;
  return new Response(JSON.stringify(body), { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** A connection-independent configuration for building the browser's authorization URL. */
export async function authorizationUrl(authorizationEndpoint: string, clientId: string, params: Record<string, string>, allowHttp: boolean): Promise<URL> {
  const oc = await openIdClient();
  const config = new oc.Configuration({ issuer: new URL(authorizationEndpoint).origin, authorization_endpoint: authorizationEndpoint }, clientId);
  if (allowHttp) oc.allowInsecureRequests(config);
  return oc.buildAuthorizationUrl(config, params);
}

/** Our own PKCE pair and nonce towards the IdP. */
export async function upstreamChecks(): Promise<{ verifier: string; challenge: string; nonce: string }> {
  const oc = await openIdClient();
  const verifier = oc.randomPKCECodeVerifier();
  return { verifier, challenge: await oc.calculatePKCECodeChallenge(verifier), nonce: oc.randomNonce() };
}

export interface CallbackChecks {
  /** The callback URL as the IdP redirected to it: our redirect_uri with its query. */
  callbackUrl: URL;
  state: string;
  verifier: string;
}

/** OIDC: the code for tokens, with state, PKCE, nonce and the ID token (claims and signature) checked. */
export async function redeemProviderCode(config: Configuration, c: CallbackChecks & { nonce: string }): Promise<{ claims: IDToken; accessToken: string }> {
  const oc = await openIdClient();
  try {
    const tokens = await oc.authorizationCodeGrant(config, c.callbackUrl, { expectedState: c.state, pkceCodeVerifier: c.verifier, expectedNonce: c.nonce, idTokenExpected: true });
    return { claims: tokens.claims()!, accessToken: tokens.access_token };
  } catch (err) {
    throw rejectionFor(err, 'token_exchange_failed', 'The IdP token exchange failed');
  }
}

/** OAuth 2.0: the code for tokens, with state and PKCE checked. */
export async function redeemOAuthCode(config: Configuration, c: CallbackChecks): Promise<TokenEndpointResponse> {
  const oc = await openIdClient();
  try {
    return await oc.authorizationCodeGrant(config, c.callbackUrl, { expectedState: c.state, pkceCodeVerifier: c.verifier });
  } catch (err) {
    throw rejectionFor(err, 'token_exchange_failed', 'The provider token exchange failed');
  }
}

/** OIDC userinfo; its `sub` must be the ID token's. */
export async function providerUserInfo(config: Configuration, accessToken: string, subject: string): Promise<Record<string, unknown>> {
  const oc = await openIdClient();
  try {
    return { ...(await oc.fetchUserInfo(config, accessToken, subject)) };
  } catch (err) {
    throw rejectionFor(err, 'userinfo_failed', 'The userinfo endpoint failed');
  }
}

/** A provider API's JSON object or array (OAuth userinfo, GitHub's /user/emails); undefined unless 200 with JSON. */
export async function protectedJson(config: Configuration, accessToken: string, url: string): Promise<unknown> {
  const oc = await openIdClient();
  let res: Response;
  try {
    res = await oc.fetchProtectedResource(config, accessToken, new URL(url), 'GET', undefined, new Headers({ accept: 'application/json' }));
  } catch (err) {
    throw rejectionFor(err, 'userinfo_failed', 'The provider API failed');
  }
  if (res.status !== 200) return undefined;
  try {
    return JSON.parse(await res.text()) as unknown;
  } catch {
    return undefined;
  }
}

/* Stable reasons for openid-client's failures, from the error code and the claim it names. */
const BY_CLAIM: Record<string, string> = { state: 'invalid_state', iss: 'issuer_mismatch', aud: 'audience_mismatch', azp: 'audience_mismatch', nonce: 'nonce_mismatch', exp: 'token_expired', nbf: 'token_not_yet_valid', iat: 'token_not_yet_valid', sub: 'userinfo_subject_mismatch' };

/**
 * Maps a failure to an OidcRejection, or returns the guarded fetch's own 400 (an address the
 * policy refuses, an unreachable or oversized answer), which openid-client wraps as a cause.
 */
export function rejectionFor(err: unknown, fallback: string, what: string): Error {
  const chain: Record<string, unknown>[] = [];
  for (let e: unknown = err; e && typeof e === 'object' && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e as Record<string, unknown>);
  const refusal = chain.find((e) => e instanceof BadRequestError);
  if (refusal) return refusal as unknown as BadRequestError;
  const top = err as { name?: string; message?: string; error?: string; error_description?: string };
  if (top?.name === 'ResponseBodyError' || top?.name === 'AuthorizationResponseError') {
    return new OidcRejection(fallback, `${what}: ${top.error ?? 'error'}${top.error_description ? ` (${top.error_description})` : ''}.`);
  }
  const messages = chain.map((e) => String(e.message ?? '')).join(' / ');
  const claim = chain.map((e) => (e.cause as { claim?: string; attribute?: string } | undefined)).find((c) => c?.claim || c?.attribute);
  const named = claim?.claim ?? claim?.attribute;
  let reason = named ? BY_CLAIM[named] : undefined;
  if (!reason && /"nonce"/.test(messages)) reason = 'nonce_mismatch';
  if (!reason && /"alg"|JWS algorithm/.test(messages)) reason = 'algorithm_not_allowed';
  if (!reason && /signature verification failed|verification key/.test(messages)) reason = 'invalid_signature';
  return new OidcRejection(reason ?? fallback, `${what}: ${messages || String(err)}.`);
}
