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

/** `usage-<environment>-<YYYY-MM>.csv`; both parts are already restricted to [A-Za-z0-9_-]. */
export function exportFileName(environmentId: string, month: string): string {
  return `usage-${environmentId.replace(/[^A-Za-z0-9_-]/g, '')}-${month}.csv`;
}
