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
} as const;

/* A signed context older than this is refused, which bounds replay of a captured header set. */
const MAX_SKEW_MS = 5 * 60_000;

export function signInternalContext(secret: string, environmentId: string, nowMs = Date.now()): Record<string, string> {
  const ts = String(nowMs);
  const sig = createHmac('sha256', secret).update(`${environmentId}.${ts}`).digest('hex');
  return { [INTERNAL_HEADERS.environmentId]: environmentId, [INTERNAL_HEADERS.timestamp]: ts, [INTERNAL_HEADERS.signature]: sig };
}

/** Returns the environment ID when the headers carry a valid, fresh signature; else undefined. */
export function verifyInternalContext(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  nowMs = Date.now(),
): string | undefined {
  const env = headers[INTERNAL_HEADERS.environmentId];
  const ts = headers[INTERNAL_HEADERS.timestamp];
  const sig = headers[INTERNAL_HEADERS.signature];
  if (typeof env !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return undefined;
  if (!/^\d{1,16}$/.test(ts) || Math.abs(nowMs - Number(ts)) > MAX_SKEW_MS) return undefined;
  const expected = createHmac('sha256', secret).update(`${env}.${ts}`).digest();
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return env;
}
