/*
 * Errors that say a dependency (Postgres, Redis, another service) could not be reached or dropped
 * the connection, by code or by the message its client gives: Node's socket errors, Postgres'
 * connection-exception class (08) and shutdown codes (57P01-57P03), too many connections, Prisma's
 * "cannot reach" / "closed the connection" / pool-timeout codes, our own `service_unavailable`,
 * and the clients' own wording.
 */
const OUTAGE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '53300',
  'P1001', 'P1002', 'P1008', 'P1017', 'P2024',
  // serviceUnavailable(): another of our services could not be reached or answered 5xx.
  'service_unavailable',
]);
const OUTAGE_MESSAGE =
  /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH)\b|Connection terminated|connection error and is not queryable|Can't reach database server|Server has closed the connection|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Connection is closed\./i;

/**
 * True when `err` (or an error it wraps, through `cause`) is a dependency outage rather than
 * something wrong with what was being done. A consumer retries such a failure for as long as it
 * lasts instead of counting it toward dead-lettering the message: a restart of Postgres must
 * never turn good events into dead letters.
 */
export function isDependencyOutage(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, originalCode, message } = e as { code?: unknown; originalCode?: unknown; message?: unknown };
    if (typeof code === 'string' && (OUTAGE_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof originalCode === 'string' && (OUTAGE_CODES.has(originalCode) || originalCode.startsWith('08'))) return true;
    if (typeof message === 'string' && OUTAGE_MESSAGE.test(message)) return true;
  }
  return false;
}
