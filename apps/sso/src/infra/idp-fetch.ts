import { BadRequestError } from '@wos/platform';

const MAX_BYTES = 1024 * 1024;

/**
 * Fetches an IdP document (metadata, discovery, token or userinfo response) with a timeout and
 * a size cap. Invariant: a failure is a 400 naming the URL, never a 500, because the URL is
 * the customer's configuration.
 */
export async function fetchIdp(
  url: string,
  opts: { allowHttp: boolean; timeoutMs: number; init?: RequestInit; what: string },
): Promise<{ status: number; text: string; contentType: string }> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && !(opts.allowHttp && parsed.protocol === 'http:')) {
    throw new BadRequestError('invalid_idp_url', `The ${opts.what} URL must use https.`);
  }
  let res: Response;
  try {
    res = await fetch(url, { ...opts.init, redirect: 'error', signal: AbortSignal.timeout(opts.timeoutMs) });
  } catch (err) {
    throw new BadRequestError('idp_unreachable', `Could not fetch the ${opts.what} from ${url}: ${(err as Error).message}.`);
  }
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > MAX_BYTES) throw new BadRequestError('idp_response_too_large', `The ${opts.what} from ${url} is larger than 1 MiB.`);
  return { status: res.status, text: buf.toString('utf8'), contentType: res.headers.get('content-type') ?? '' };
}
