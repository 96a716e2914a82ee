import type { IncomingHttpHeaders } from 'node:http';
import { getGlobalDispatcher, request, type Dispatcher } from 'undici';
import { DomainError } from '../errors/errors';
import { bufferedDispatch } from './buffered-dispatch';
import { signInternalRequest, type AuthKindName } from './internal-auth';
import { currentRequestId } from './request-context';

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

/** Another service's answer, read whole: what `internalCall` gives instead of a `Response`. */
export interface InternalAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface InternalCallInit {
  method?: string;
  headers?: Record<string, string>;
  /** Signed as sent; only strings (JSON the caller has serialised) are taken. */
  body?: string;
  /**
   * The most the answer's headers may take, and then each pause in its body (undici's
   * `headersTimeout` and `bodyTimeout`, whose timers undici shares between requests).
   */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A request to another service with the environment context signed for exactly this request: the
 * method, the path and query the URL resolves to, and the body. Sent through undici's dispatcher
 * rather than `fetch` (whose spec machinery cost about 260 µs more CPU per call on the reference
 * machine, client and server together 442 against 181 µs), and answered as status, headers and a
 * Buffer read whole (bufferedDispatch: internal answers are small JSON, and undici's streaming
 * `request()` kept per-call objects alive through young-GC scavenges; docs/benchmarks.md, GC
 * pauses). Redirects are never followed: a caller reads the 3xx and its Location. A refused
 * connection rejects with the socket's error (`ECONNREFUSED`), a timeout with undici's
 * (`UND_ERR_HEADERS_TIMEOUT`), an aborted `signal` with its reason.
 *
 * The hot paths between services use this rather than internalFetch: a `Response` and its
 * `Headers` per call, and an `AbortSignal.timeout()` whose timer outlives the call by its whole
 * timeout, cost about 10 µs per call in a tight loop and several times that under load
 * (docs/benchmarks.md, per-request layers).
 */
export async function internalCall(url: string, caller: InternalCaller, init: InternalCallInit = {}): Promise<InternalAnswer> {
  const { target, path, method, headers } = signedRequest(url, caller, init.method, init.headers, init.body);
  const timeouts = init.timeoutMs === undefined ? {} : { headersTimeout: init.timeoutMs, bodyTimeout: init.timeoutMs };
  const res = await bufferedDispatch(getGlobalDispatcher(), { origin: target.origin, path, method, headers, body: init.body, signal: init.signal, ...timeouts });
  return { status: res.statusCode, headers: res.headers, body: res.body };
}

/**
 * The target, and the caller's headers with the signed context for exactly this method, path and
 * query, and body. Inside a request, the call carries that request's ID (`x-request-id`), which
 * the callee takes as its own, so one ID names the request in every service it reached.
 */
function signedRequest(url: string, caller: InternalCaller, methodName: string | undefined, callerHeaders: Record<string, string> | undefined, body: string | undefined) {
  const target = new URL(url);
  const method = (methodName ?? 'GET').toUpperCase() as Dispatcher.HttpMethod;
  const path = `${target.pathname}${target.search}`;
  const signed = signInternalRequest(caller.key, caller.audience, caller.environmentId, { method, path, body }, { authKind: caller.authKind, clientId: caller.clientId });
  const requestId = currentRequestId();
  return { target, path, method, headers: requestId === undefined ? { ...callerHeaders, ...signed } : { 'x-request-id': requestId, ...callerHeaders, ...signed } };
}

/**
 * internalCall answered as a standard `Response`, for callers written against fetch. Differences
 * from `fetch` are internalCall's. `init.stream` sends through undici's streaming `request()`
 * instead, so the body streams as it arrives (a CSV download).
 */
export async function internalFetch(url: string, caller: InternalCaller, init: InternalFetchInit = {}): Promise<Response> {
  if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new TypeError('internalFetch signs string bodies only');
  const method = (init.method ?? 'GET').toUpperCase();
  const body = init.body ?? undefined;
  const noBody = (status: number) => NULL_BODY_STATUSES.has(status) || method === 'HEAD';
  if (!init.stream) {
    const res = await internalCall(url, caller, { method, headers: init.headers as Record<string, string> | undefined, body, signal: init.signal ?? undefined });
    return new Response(noBody(res.status) ? null : res.body, { status: res.status, headers: toHeaders(res.headers) });
  }
  const { target, headers } = signedRequest(url, caller, method, init.headers as Record<string, string> | undefined, body);
  const res = await request(target, { method: method as Dispatcher.HttpMethod, headers, body, signal: init.signal ?? undefined });
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
  let res: InternalAnswer;
  try {
    res = await internalCall(url, caller, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      timeoutMs,
    });
  } catch {
    throw serviceUnavailable(caller.audience);
  }
  if (res.status === 404) return null;
  if (res.status < 200 || res.status > 299) throw serviceUnavailable(caller.audience);
  try {
    return JSON.parse(res.body.toString('utf8')) as T;
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
