/*
 * The monthly export's CSV (RFC 4180: CRLF line ends, a field quoted when it holds a comma,
 * quote or line break). Pure. Every value is one the projection wrote (user IDs, ISO instants,
 * event types), so none can start a spreadsheet formula.
 */
export const EXPORT_HEADER = ['user_id', 'first_active_at', 'last_active_at', 'reason'] as const;

export interface ExportRow {
  userId: string;
  firstActiveAt: Date;
  lastActiveAt: Date;
  reason: string;
}

const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(field).join(',')}\r\n`;
}

export function exportLine(r: ExportRow): string {
  return csvLine([r.userId, r.firstActiveAt.toISOString(), r.lastActiveAt.toISOString(), r.reason]);
}

/** The month's rate-limit report: one line per bucket. */
export const RATE_LIMITS_HEADER = ['bucket', 'requests', 'limited'] as const;

export interface RateLimitExportRow {
  bucket: string;
  requests: number;
  limited: number;
}

/*
 * Bucket names are the gateway's (api_key, public_ip, "GET /events per environment"), none of
 * which starts a formula; one that would (a configured rule's name) is quoted as text anyway.
 */
const asText = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

export function rateLimitLine(r: RateLimitExportRow): string {
  return csvLine([asText(r.bucket), String(r.requests), String(r.limited)]);
}

/** What a month's CSV lists: its active users (the default) or its rate-limit buckets. */
export type ExportReport = 'active_users' | 'rate_limits';

/**
 * `usage-<environment>-<YYYY-MM>.csv` (`usage-rate-limits-…` for that report); both parts are
 * already restricted to [A-Za-z0-9_-].
 */
export function exportFileName(environmentId: string, month: string, report: ExportReport = 'active_users'): string {
  return `usage-${report === 'rate_limits' ? 'rate-limits-' : ''}${environmentId.replace(/[^A-Za-z0-9_-]/g, '')}-${month}.csv`;
}
