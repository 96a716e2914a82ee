/**
 * Monthly partitions of audit_log_events, in UTC: `audit_log_events_pYYYYMM` holds
 * [first of the month, first of the next month). Names are the only record of the bounds the
 * service relies on, so never rename a partition by hand. Pure.
 */
export interface MonthPartition {
  name: string;
  from: Date;
  to: Date;
}

const NAME = /^audit_log_events_p(\d{4})(\d{2})$/;

export function monthPartition(at: Date): MonthPartition {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const from = new Date(Date.UTC(y, m, 1));
  const to = new Date(Date.UTC(y, m + 1, 1));
  return { name: `audit_log_events_p${y}${String(m + 1).padStart(2, '0')}`, from, to };
}

/** The partition named `name`, or undefined when the name is not one of ours. */
export function parsePartitionName(name: string): MonthPartition | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  return monthPartition(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
}

/** The current month's partition and the next `ahead` ones. */
export function partitionsAhead(now: Date, ahead: number): MonthPartition[] {
  return Array.from({ length: ahead + 1 }, (_, i) => monthPartition(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1))));
}
