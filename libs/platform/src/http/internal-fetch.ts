import type { IncomingHttpHeaders } from 'node:http';
import { getGlobalDispatcher, request, type Dispatcher } from 'undici';
import { DomainError } from '../errors/errors';
import { bufferedDispatch } from './buffered-dispatch';
import { signInternalRequest, type AuthKindName } from './internal-auth';

export interface InternalCaller {
  /** The target service's key (internalAuthKeyFor(config, audience)). */
  key: string;
  /** The target service's name, as it boots (`organizations`, `sso`). */
  audience: string;
  environmentId: string;
  authKind?: AuthKindName;
  clientId?: string;
}

export interface InternalFetchInit extends RequestInit {
  /**
   * The body streams as it arrives (a CSV download) instead of being read whole before the
   * Response is answered. Off by default: see internalFetch.
   */
  stream?: boolean;
}

/* Statuses whose response carries no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A request to another service with the environment context signed for exactly this request: the
 * method, the path and query the URL resolves to, and the body (a string, or none). It answers a
 * standard `Response`, but is sent through undici's dispatcher rather than `fetch`: fetch's spec
 * machinery cost about 260 µs more CPU per call on the reference machine (client and server
 * together 442 against 181 µs), on every hop between services. Differences from `fetch`, by
 * design: redirects are never followed (a caller reads the 3xx and its Location, as
 * `redirect: 'manual'` did; internal routes answer what they mean), and a refused connection
 * rejects with the socket's error (`ECONNREFUSED`) rather than `TypeError('fetch failed')`. An
 * aborted `signal` rejects with its reason, as fetch does (a timeout is a `TimeoutError`).
 *
 * The answer is read whole before the Response is made (bufferedDispatch): internal answers are
 * small JSON, and undici's streaming `request()` kept per-call objects alive through young-GC
 * scavenges (docs/benchmarks.md, GC pauses). `init.stream` keeps the streaming path for downloads.
 */
export async function internalFetch(url: string, caller: InternalCaller, init: InternalFetchInit = {}): Promise<Response> {
  const target = new URL(url);
  if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new TypeError('internalFetch signs string bodies only');
  const method = (init.method ?? 'GET').toUpperCase();
  const path = `${target.pathname}${target.search}`;
  const signed = signInternalRequest(caller.key, caller.audience, caller.environmentId, { method, path, body: init.body ?? undefined }, { authKind: caller.authKind, clientId: caller.clientId });
  const headers = { ...(init.headers as Record<string, string> | undefined), ...signed };
  const body = init.body ?? undefined;
  const signal = init.signal ?? undefined;
  const noBody = (status: number) => NULL_BODY_STATUSES.has(status) || method === 'HEAD';
  if (!init.stream) {
    const res = await bufferedDispatch(getGlobalDispatcher(), { origin: target.origin, path, method: method as Dispatcher.HttpMethod, headers, body, signal });
    return new Response(noBody(res.statusCode) ? null : res.body, { status: res.statusCode, headers: toHeaders(res.headers) });
  }
  const res = await request(target, { method: method as Dispatcher.HttpMethod, headers, body, signal });
  if (noBody(res.statusCode)) {
    res.body.resume();
    return new Response(null, { status: res.statusCode, headers: toHeaders(res.headers) });
  }
  // A Node stream is an async iterable, which Response takes as a streaming body.
  return new Response(res.body as unknown as ReadableStream<Uint8Array>, { status: res.statusCode, headers: toHeaders(res.headers) });
}

/** The 503 a caller answers when another service could not: the request may be retried. */
export function serviceUnavailable(service: string): DomainError {
  return new DomainError(503, 'service_unavailable', `The ${service} service is unavailable; retry the request.`);
}

/**
 * A call to another service's internal JSON API (GET, or `method` with a JSON `body`): its parsed
 * answer, or null on 404 (absent in this environment). Invariant: a value or null only from the
 * service's own answer; an unreachable service, a timeout, another status or a body that is not
 * JSON is serviceUnavailable(caller.audience), so what depends on the answer is refused rather
 * than done on a guess.
 */
export async function internalJson<T>(url: string, caller: InternalCaller, opts: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; timeoutMs?: number } = {}): Promise<T | null> {
  const { method = 'GET', body, timeoutMs = 5_000 } = opts;
  let res: Response;
  try {
    res = await internalFetch(url, caller, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw serviceUnavailable(caller.audience);
  }
  if (res.status === 404) return null;
  if (!res.ok) throw serviceUnavailable(caller.audience);
  try {
    return (await res.json()) as T;
  } catch {
    throw serviceUnavailable(caller.audience);
  }
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}
