import type { IncomingHttpHeaders } from 'node:http';
import { injectTraceHeaders } from '@wos/platform/telemetry';

export type HeaderMap = Record<string, string | string[]>;

/* Headers that describe one connection, not the message, and so never cross a proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);
/* Recomputed for the buffered body, or owned by the gateway. */
const NOT_FORWARDED = new Set(['host', 'content-length', 'expect', 'x-request-id', 'accept-encoding', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);
const NOT_RETURNED = new Set(['content-length', 'x-request-id', 'date']);
const TRACE_HEADERS = new Set(['traceparent', 'tracestate']);
const INTERNAL_PREFIX = 'x-wos-';

function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const v = headers.connection;
  const list = Array.isArray(v) ? v.join(',') : (v ?? '');
  return new Set(list.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

export interface ForwardContext {
  requestId: string;
  /** Signed environment context; absent on unauthenticated routes. */
  internal?: Record<string, string>;
  /** The API key stays at the edge on routes the gateway authenticates. */
  dropAuthorization: boolean;
  /** Cookies stay at the edge too (a browser's token request from an Origin its environment does not allow). */
  dropCookies?: boolean;
  /** The client's address as the gateway decided it (TrustedProxies.origin). */
  clientIp: string;
  proto: string;
  host: string | undefined;
}

/**
 * Headers sent to a service. Invariants: every client-sent `x-wos-*` header is dropped before
 * the signed context is added, so a client can never choose its environment; and
 * accept-encoding is dropped, so service bodies arrive unencoded and replay byte for byte.
 */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, ctx: ForwardContext): HeaderMap {
  const out: HeaderMap = {};
  const named = connectionTokens(incoming);
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_FORWARDED.has(name) || named.has(name)) continue;
    if (name.startsWith(INTERNAL_PREFIX) || (ctx.dropAuthorization && name === 'authorization') || (ctx.dropCookies && name === 'cookie')) continue;
    if (TRACE_HEADERS.has(name)) continue;
    out[name] = value;
  }
  // With tracing on, the service continues the gateway's span (itself a child of the client's);
  // with it off, the client's trace headers pass through unchanged.
  const trace = injectTraceHeaders({});
  for (const name of TRACE_HEADERS) {
    const value = trace[name] ?? incoming[name];
    if (value !== undefined) out[name] = value;
  }
  // Replaced, never appended: the chain a client sends is not evidence (see TrustedProxies.origin),
  // and services trust exactly this one hop.
  out['x-forwarded-for'] = ctx.clientIp;
  out['x-forwarded-proto'] = ctx.proto;
  if (ctx.host) out['x-forwarded-host'] = ctx.host;
  out['x-request-id'] = ctx.requestId;
  if (ctx.internal) Object.assign(out, ctx.internal);
  return out;
}

/** Headers returned to the client: the service's, minus hop-by-hop, internal and gateway-owned ones. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders): HeaderMap {
  const out: HeaderMap = {};
  const named = connectionTokens(upstream);
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_RETURNED.has(name) || named.has(name)) continue;
    if (name.startsWith(INTERNAL_PREFIX)) continue;
    out[name] = value;
  }
  return out;
}
