/*
 * UTC calendar arithmetic for usage (no Nest, no I/O). A month is `YYYY-MM`, a day `YYYY-MM-DD`,
 * both in UTC: WorkOS bills MAU per calendar month, and UTC is the only zone every replica and
 * every caller agree on.
 */

/** `YYYY-MM` with a real month; years 2000..9999 (nothing earlier can hold events). */
export const MONTH_PATTERN = /^(2\d{3}|[3-9]\d{3})-(0[1-9]|1[0-2])$/;

export interface MonthRange {
  month: string;
  /** First instant of the month (inclusive). */
  start: Date;
  /** First instant of the next month (exclusive). */
  end: Date;
}

/** The UTC month an instant falls in. */
export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** The UTC day an instant falls in. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The instants a `YYYY-MM` month covers; throws on anything else (callers validate first). */
export function monthRange(month: string): MonthRange {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new RangeError(`not a month: ${month}`);
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  return { month, start: new Date(Date.UTC(year, index, 1)), end: new Date(Date.UTC(year, index + 1, 1)) };
}

/** The month `n` months before `month` (n may be negative). */
export function shiftMonth(month: string, n: number): string {
  const { start } = monthRange(month);
  return monthOf(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - n, 1)));
}

/** Months from `newest` back to `oldest` (both included), newest first, at most `max`. */
export function monthsBackTo(newest: string, oldest: string, max: number): string[] {
  const out: string[] = [];
  for (let m = newest; out.length < max && m >= oldest; m = shiftMonth(m, 1)) out.push(m);
  return out;
}

/**
 * The days of a month a chart shows: every day from the 1st to the month's last day, or to
 * `now`'s day when the month is the current one; none for a month that has not begun.
 */
export function chartDays(month: string, now: Date): string[] {
  const { start, end } = monthRange(month);
  const last = Math.min(end.getTime() - 1, now.getTime());
  const out: string[] = [];
  for (let t = start.getTime(); t <= last; t += 86_400_000) out.push(dayOf(new Date(t)));
  return out;
}
