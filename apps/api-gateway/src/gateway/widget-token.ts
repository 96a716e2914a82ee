/*
 * A widget token is a compact RS256 JWS that identity signs with the environment's keys
 * (apps/identity/src/widgets). The gateway cannot verify it (the keys are identity's) and does
 * not need to: it only reads which client ID the token names, to find the environment it signs
 * for the service and whose CORS origins apply. Identity then verifies the token against that
 * environment's keys, so a token edited to name another client fails there.
 */

/** Longer than any token identity issues (a few hundred bytes), short enough to parse cheaply. */
const MAX_TOKEN_LENGTH = 4096;
const COMPACT_JWS = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/** The `client_id` claim of the Bearer widget token, unverified; undefined when there is none. */
export function widgetTokenClientId(authorization: string | undefined): string | undefined {
  if (!authorization || authorization.length > MAX_TOKEN_LENGTH) return undefined;
  const payload = COMPACT_JWS.exec(authorization)?.[2];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const clientId = claims && typeof claims === 'object' ? (claims as Record<string, unknown>).client_id : undefined;
    return typeof clientId === 'string' ? clientId : undefined;
  } catch {
    return undefined;
  }
}
