import { Agent, fetch as undiciFetch, type RequestInit } from 'undici';
import { AddressPolicy, BadRequestError, UnsafeAddressError } from '@wos/platform';

const MAX_BYTES = 1024 * 1024;

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

/**
 * Fetches an IdP document (metadata, discovery, token or userinfo response) with a timeout and
 * a size cap. Invariants: a failure is a 400 naming the URL, never a 500, because the URL is
 * the customer's configuration; the URL can never reach a loopback, private or link-local
 * address outside the allow-list (checked on every connection, so DNS rebinding is caught too).
 */
export async function fetchIdp(
  url: string,
  opts: { allowHttp: boolean; allowedCidrs: readonly string[]; timeoutMs: number; init?: RequestInit; what: string },
): Promise<{ status: number; text: string; contentType: string }> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && !(opts.allowHttp && parsed.protocol === 'http:')) {
    throw new BadRequestError('invalid_idp_url', `The ${opts.what} URL must use https.`);
  }
  const guard = guardFor(opts.allowedCidrs);
  let res: Awaited<ReturnType<typeof undiciFetch>>;
  try {
    // An IP literal never goes through the connection's lookup, so the host is checked first too.
    await guard.policy.resolveSafely(parsed.hostname);
    res = await undiciFetch(url, { ...opts.init, redirect: 'error', signal: AbortSignal.timeout(opts.timeoutMs), dispatcher: guard.agent });
  } catch (err) {
    // fetch reports "fetch failed"; the cause says why (refused address, DNS, TLS, timeout).
    const cause = err instanceof UnsafeAddressError ? err : (err as { cause?: unknown }).cause;
    if (cause instanceof UnsafeAddressError) throw new BadRequestError('idp_url_not_allowed', `The ${opts.what} URL is not allowed: ${cause.message}.`);
    const why = cause instanceof Error ? cause.message : (err as Error).message;
    throw new BadRequestError('idp_unreachable', `Could not fetch the ${opts.what} from ${url}: ${why}.`);
  }
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > MAX_BYTES) throw new BadRequestError('idp_response_too_large', `The ${opts.what} from ${url} is larger than 1 MiB.`);
  return { status: res.status, text: buf.toString('utf8'), contentType: res.headers.get('content-type') ?? '' };
}
