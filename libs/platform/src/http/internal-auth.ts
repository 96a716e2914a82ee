import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { sha256Hex } from '../crypto/secret-box';

/**
 * How the gateway (and a service calling another) tells a service which environment a request
 * belongs to. Clients cannot forge it: the gateway strips every incoming `x-wos-*` header, then
 * signs the context with the *target service's* key. Invariants:
 *  - the MAC covers every header the service trusts plus the request itself: the audience (the
 *    target service), the method, the path with its query, and the SHA-256 of the body, so a
 *    captured header set is good for that one request to that one service only;
 *  - each service verifies with its own key (`INTERNAL_AUTH_SECRET`) and holds only the keys of
 *    the services it calls (`INTERNAL_AUTH_PEER_KEYS`), so one compromised service cannot mint a
 *    context for any other service it does not already call;
 *  - a context older or newer than MAX_SKEW_MS is refused. There is no nonce store: within the
 *    window the exact same request to the same service can be repeated, which is no more than a
 *    party able to capture it could cause by forwarding it (see docs/ARCHITECTURE.md).
 */
export const INTERNAL_HEADERS = {
  environmentId: 'x-wos-environment-id',
  timestamp: 'x-wos-timestamp',
  signature: 'x-wos-signature',
  authKind: 'x-wos-auth',
  clientId: 'x-wos-client-id',
  audience: 'x-wos-audience',
  contentSha256: 'x-wos-content-sha256',
} as const;

/**
 * How the gateway authenticated the caller: `api_key` (a secret key of the environment) or
 * `public_client` (only a client ID, as a browser redirect or a PKCE public client sends).
 */
export type AuthKindName = 'api_key' | 'public_client';
export interface InternalContext {
  environmentId: string;
  authKind: AuthKindName;
  /** The client ID the caller named, when the gateway resolved the environment from one. */
  clientId?: string;
}

/** A verified context, with the body digest the caller signed (the receiver must compare it). */
export interface VerifiedInternalContext extends InternalContext {
  contentSha256: string;
}

/** What is signed about the request itself. `path` is the request target: path and query, as sent. */
export interface InternalRequestTarget {
  method: string;
  path: string;
  body?: string | Uint8Array;
}

export interface SignOptions {
  authKind?: AuthKindName;
  clientId?: string;
  nowMs?: number;
}

/*
 * 30 s either way: long enough for a slow upstream hop plus the clock skew NTP-synchronised pods
 * show (milliseconds; a badly drifting node is an operational fault that fails loudly here),
 * short enough that a captured request is stale almost at once.
 */
export const MAX_SKEW_MS = 30_000;
const AUTH_KINDS: readonly string[] = ['api_key', 'public_client'];
const VERSION = 'wos-internal-v2';

export const EMPTY_SHA256 = sha256Hex('');

/*
 * A process holds a handful of keys (its own and its callees'), each used for every request: the
 * imported key object is kept, rather than made from the string per request (the hot path).
 */
const keyObjects = new Map<string, KeyObject>();
function keyObject(key: string): KeyObject {
  let k = keyObjects.get(key);
  if (!k) {
    k = createSecretKey(Buffer.from(key, 'utf8'));
    if (keyObjects.size >= 64) keyObjects.clear();
    keyObjects.set(key, k);
  }
  return k;
}

/* Newlines cannot occur in header values or a request target, so the fields cannot run together. */
const mac = (key: string, fields: string[]) => createHmac('sha256', keyObject(key)).update([VERSION, ...fields].join('\n')).digest();

/** The `x-wos-*` headers authenticating one request to `audience` (a service name, e.g. `sso`). */
export function signInternalRequest(
  key: string,
  audience: string,
  environmentId: string,
  target: InternalRequestTarget,
  opts: SignOptions = {},
): Record<string, string> {
  const ts = String(opts.nowMs ?? Date.now());
  const kind = opts.authKind ?? 'api_key';
  const clientId = opts.clientId ?? '';
  const content = target.body?.length ? sha256Hex(Buffer.from(target.body)) : EMPTY_SHA256;
  const signature = mac(key, [audience, target.method.toUpperCase(), target.path, content, environmentId, ts, kind, clientId]);
  const headers: Record<string, string> = {
    [INTERNAL_HEADERS.environmentId]: environmentId,
    [INTERNAL_HEADERS.timestamp]: ts,
    [INTERNAL_HEADERS.authKind]: kind,
    [INTERNAL_HEADERS.audience]: audience,
    [INTERNAL_HEADERS.contentSha256]: content,
    [INTERNAL_HEADERS.signature]: signature.toString('hex'),
  };
  if (clientId) headers[INTERNAL_HEADERS.clientId] = clientId;
  return headers;
}

/**
 * The signed context when the headers carry a valid, fresh signature for this request to this
 * service; else undefined. The body is not read here: compare `contentSha256` with the digest of
 * the bytes received before acting on them (the platform's bootstrap does).
 */
export function verifyInternalRequest(
  key: string,
  audience: string,
  req: { method: string; url: string; headers: Record<string, string | string[] | undefined> },
  nowMs = Date.now(),
): VerifiedInternalContext | undefined {
  const h = req.headers;
  const env = h[INTERNAL_HEADERS.environmentId];
  const ts = h[INTERNAL_HEADERS.timestamp];
  const sig = h[INTERNAL_HEADERS.signature];
  const kind = h[INTERNAL_HEADERS.authKind] ?? 'api_key';
  const clientId = h[INTERNAL_HEADERS.clientId] ?? '';
  const content = h[INTERNAL_HEADERS.contentSha256];
  if (h[INTERNAL_HEADERS.audience] !== audience) return undefined;
  if (typeof env !== 'string' || typeof ts !== 'string' || typeof sig !== 'string' || typeof content !== 'string') return undefined;
  if (typeof kind !== 'string' || !AUTH_KINDS.includes(kind) || typeof clientId !== 'string') return undefined;
  if (!/^\d{1,16}$/.test(ts) || Math.abs(nowMs - Number(ts)) > MAX_SKEW_MS || !/^[0-9a-f]{64}$/.test(content)) return undefined;
  const expected = mac(key, [audience, req.method.toUpperCase(), req.url, content, env, ts, kind, clientId]);
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { environmentId: env, authKind: kind as AuthKindName, ...(clientId ? { clientId } : {}), contentSha256: content };
}
