/*
 * L12: where the gateway accepts an API key as `client_secret` (routes whose auth is
 * `api_key_or_client_id`: the Python SDK's confidential-client style, and the Node SDK's body copy
 * of its key), the key authenticates the request at the gateway and goes no further.
 * Invariant: on those routes no `client_secret` travels past the gateway, whether in the query, a
 * form body or a JSON body (the Authorization header is dropped for every API-key caller). Other
 * routes never read the field, so it authenticates nothing there: it reaches the service as an
 * ordinary body field, which the service's strict DTO refuses as unknown (422).
 */

const FIELD = 'client_secret';

function formName(pair: string): string {
  const eq = pair.indexOf('=');
  const raw = (eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** An `a=1&b=2` string without its `client_secret` pairs; the other pairs keep their exact bytes. */
function withoutFormField(encoded: string): string {
  return encoded
    .split('&')
    .filter((pair) => formName(pair) !== FIELD)
    .join('&');
}

export interface StrippedRequest {
  url: string;
  body: Buffer | undefined;
}

/**
 * The URL and body to forward, without any `client_secret`. Form bodies and the query keep
 * every other byte; a JSON object body is re-serialised without the field. A body the gateway
 * cannot parse is forwarded as it is: the gateway did not read a secret from it either (see
 * requestParams in caller.ts), and the service refuses it as malformed.
 */
export function withoutClientSecret(url: string, contentType: string, body: Buffer | undefined): StrippedRequest {
  const q = url.indexOf('?');
  // No shortcut on the raw bytes: `client%5Fsecret` or `client\u005fsecret` decode to the same name.
  const strippedUrl = q === -1 ? url : stripQuery(url.slice(0, q), url.slice(q + 1));
  if (!body?.length) return { url: strippedUrl, body };
  const text = body.toString('utf8');
  if (contentType.includes('application/x-www-form-urlencoded')) return { url: strippedUrl, body: Buffer.from(withoutFormField(text)) };
  if (!text.trim().startsWith('{')) return { url: strippedUrl, body };
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.hasOwn(parsed, FIELD)) return { url: strippedUrl, body };
    delete parsed[FIELD];
    return { url: strippedUrl, body: Buffer.from(JSON.stringify(parsed)) };
  } catch {
    return { url: strippedUrl, body };
  }
}

function stripQuery(path: string, query: string): string {
  const kept = withoutFormField(query);
  return kept ? `${path}?${kept}` : path;
}
