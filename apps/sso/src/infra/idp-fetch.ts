import { Agent, fetch as undiciFetch, type RequestInit } from 'undici';
import { AddressPolicy, BadRequestError, UnsafeAddressError } from '@wos/platform';

/** The most an IdP document (metadata, discovery, JWKS, token or userinfo response) may weigh. */
export const MAX_IDP_RESPONSE_BYTES = 1024 * 1024;

/** Where IdP URLs may point and how long a fetch may take (from the service's configuration). */
export interface IdpUrlPolicy {
  allowHttp: boolean;
  allowedCidrs: readonly string[];
  timeoutMs: number;
}

/* One policy and connection pool per allow-list; each connection's address passes the policy at connect time. */
const guards = new Map<string, { policy: AddressPolicy; agent: Agent }>();
function guardFor(allowedCidrs: readonly string[]): { policy: AddressPolicy; agent: Agent } {
  const key = allowedCidrs.join(',');
  let guard = guards.get(key);
  if (!guard) {
    const policy = new AddressPolicy(allowedCidrs, 'SSO_ALLOWED_IDP_CIDRS');
    guards.set(key, (guard = { policy, agent: new Agent({ connect: { lookup: policy.lookup } }) }));
  }
  return guard;
}

function parseIdpUrl(url: string, policy: IdpUrlPolicy, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadRequestError('invalid_idp_url', `The ${what} URL is not a valid URL.`);
  }
  if (parsed.protocol !== 'https:' && !(policy.allowHttp && parsed.protocol === 'http:')) {
    throw new BadRequestError('invalid_idp_url', `The ${what} URL must use https.`);
  }
  return parsed;
}

/**
 * Checks an IdP URL the service will fetch later (a discovered jwks_uri, token or userinfo
 * endpoint) without fetching it: the scheme, and every address its host resolves to now. The
 * same policy runs again on every connection, so this is the early, readable refusal.
 */
export async function checkIdpUrl(url: string, policy: IdpUrlPolicy, what: string): Promise<void> {
  const parsed = parseIdpUrl(url, policy, what);
  try {
    await guardFor(policy.allowedCidrs).policy.resolveSafely(parsed.hostname);
  } catch (err) {
    if (err instanceof UnsafeAddressError) throw new BadRequestError('idp_url_not_allowed', `The ${what} URL is not allowed: ${err.message}.`);
    throw new BadRequestError('idp_unreachable', `The ${what} host of ${url} does not resolve: ${(err as Error).message}.`);
  }
}

/**
 * Fetches from an IdP URL. Invariants: a failure is a 400 naming the URL, never a 500, because
 * the URL is the customer's configuration; the URL can never reach a loopback, private or
 * link-local address outside the allow-list (checked on every connection, so DNS rebinding is
 * caught too); redirects are never followed; the body is read as a stream and the request is
 * aborted as soon as it passes MAX_IDP_RESPONSE_BYTES, so a huge or endless body costs at most
 * that much. The answer is a standard Response holding the capped body, which is what
 * openid-client expects from its custom fetch.
 */
export async function idpFetch(url: string, init: RequestInit, policy: IdpUrlPolicy, what: string): Promise<Response> {
  const parsed = parseIdpUrl(url, policy, what);
  const guard = guardFor(policy.allowedCidrs);
  const signals = [AbortSignal.timeout(policy.timeoutMs), ...(init.signal ? [init.signal as AbortSignal] : [])];
  try {
    // An IP literal never goes through the connection's lookup, so the host is checked first too.
    await guard.policy.resolveSafely(parsed.hostname);
    const res = await undiciFetch(url, { ...init, redirect: 'error', signal: AbortSignal.any(signals), dispatcher: guard.agent });
    const body = await readCapped(res, url, what);
    const nullBody = [204, 205, 304].includes(res.status);
    return new Response(nullBody ? null : new Uint8Array(body), { status: res.status, statusText: res.statusText, headers: [...res.headers] });
  } catch (err) {
    if (err instanceof BadRequestError) throw err;
    // fetch reports "fetch failed"; the cause says why (refused address, DNS, TLS, timeout).
    const cause = err instanceof UnsafeAddressError ? err : (err as { cause?: unknown }).cause;
    if (cause instanceof UnsafeAddressError) throw new BadRequestError('idp_url_not_allowed', `The ${what} URL is not allowed: ${cause.message}.`);
    const why = cause instanceof Error ? cause.message : (err as Error).message;
    throw new BadRequestError('idp_unreachable', `Could not fetch the ${what} from ${url}: ${why}.`);
  }
}

async function readCapped(res: Awaited<ReturnType<typeof undiciFetch>>, url: string, what: string): Promise<Buffer> {
  const tooLarge = () => new BadRequestError('idp_response_too_large', `The ${what} from ${url} is larger than 1 MiB.`);
  if (Number(res.headers.get('content-length') ?? 0) > MAX_IDP_RESPONSE_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream, which aborts the request.
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_IDP_RESPONSE_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A document from an IdP as text: SAML metadata by URL. */
export async function fetchIdp(url: string, opts: IdpUrlPolicy & { init?: RequestInit; what: string }): Promise<{ status: number; text: string; contentType: string }> {
  const res = await idpFetch(url, opts.init ?? {}, opts, opts.what);
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/** The policy from the service's configuration. */
export function idpUrlPolicy(config: { SSO_ALLOW_HTTP_IDP_URLS: boolean; SSO_ALLOWED_IDP_CIDRS: readonly string[]; SSO_IDP_FETCH_TIMEOUT_MS: number }): IdpUrlPolicy {
  return { allowHttp: config.SSO_ALLOW_HTTP_IDP_URLS, allowedCidrs: config.SSO_ALLOWED_IDP_CIDRS, timeoutMs: config.SSO_IDP_FETCH_TIMEOUT_MS };
}
