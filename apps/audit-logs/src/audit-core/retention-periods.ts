/**
 * WorkOS's retention periods (SDK `UpdateAuditLogsRetentionRetentionPeriod`): `1_MONTH` …
 * `11_MONTHS` are 30·n days and `1_YEAR` … `10_YEARS` are 365·n days. Which of them an
 * organization may choose is the deployment's AUDIT_LOGS_RETENTION_DAYS_ALLOWED. Pure.
 */
export function retentionPeriodDays(period: string): number | undefined {
  const m = /^(\d{1,2})_(MONTH|MONTHS|YEAR|YEARS)$/.exec(period);
  if (!m) return undefined;
  const n = Number(m[1]);
  const months = m[2]!.startsWith('MONTH');
  if (n < 1 || (months && n > 11) || (!months && n > 10)) return undefined;
  if ((n === 1) !== !m[2]!.endsWith('S')) return undefined;
  return months ? n * 30 : n * 365;
}
