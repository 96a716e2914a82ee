import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How the gateway tells a service which environment a request belongs to. Clients cannot forge
 * it: the gateway strips every incoming `x-wos-*` header, then signs the environment ID and a
 * timestamp with INTERNAL_AUTH_SECRET, which only the gateway and the services know.
 */
export const INTERNAL_HEADERS = {
  environmentId: 'x-wos-environment-id',
  timestamp: 'x-wos-timestamp',
  signature: 'x-wos-signature',
  authKind: 'x-wos-auth',
  clientId: 'x-wos-client-id',
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

/* A signed context older than this is refused, which bounds replay of a captured header set. */
const MAX_SKEW_MS = 5 * 60_000;
const AUTH_KINDS: readonly string[] = ['api_key', 'public_client'];

/* Invariant: every header the service trusts is inside the MAC, so none can be swapped alone. */
const mac = (secret: string, env: string, ts: string, kind: string, clientId: string) =>
  createHmac('sha256', secret).update(`${env}.${ts}.${kind}.${clientId}`).digest();

export function signInternalContext(
  secret: string,
  environmentId: string,
  nowMs = Date.now(),
  context: { authKind?: AuthKindName; clientId?: string } = {},
): Record<string, string> {
  const ts = String(nowMs);
  const kind = context.authKind ?? 'api_key';
  const headers: Record<string, string> = {
    [INTERNAL_HEADERS.environmentId]: environmentId,
    [INTERNAL_HEADERS.timestamp]: ts,
    [INTERNAL_HEADERS.authKind]: kind,
    [INTERNAL_HEADERS.signature]: mac(secret, environmentId, ts, kind, context.clientId ?? '').toString('hex'),
  };
  if (context.clientId) headers[INTERNAL_HEADERS.clientId] = context.clientId;
  return headers;
}

/** The signed context when the headers carry a valid, fresh signature; else undefined. */
export function readInternalContext(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  nowMs = Date.now(),
): InternalContext | undefined {
  const env = headers[INTERNAL_HEADERS.environmentId];
  const ts = headers[INTERNAL_HEADERS.timestamp];
  const sig = headers[INTERNAL_HEADERS.signature];
  const kind = headers[INTERNAL_HEADERS.authKind] ?? 'api_key';
  const clientId = headers[INTERNAL_HEADERS.clientId] ?? '';
  if (typeof env !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return undefined;
  if (typeof kind !== 'string' || !AUTH_KINDS.includes(kind) || typeof clientId !== 'string') return undefined;
  if (!/^\d{1,16}$/.test(ts) || Math.abs(nowMs - Number(ts)) > MAX_SKEW_MS) return undefined;
  const expected = mac(secret, env, ts, kind, clientId);
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { environmentId: env, authKind: kind as AuthKindName, ...(clientId ? { clientId } : {}) };
}

/** The environment ID when the headers carry a valid, fresh signature; else undefined. */
export function verifyInternalContext(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  nowMs = Date.now(),
): string | undefined {
  return readInternalContext(secret, headers, nowMs)?.environmentId;
}
