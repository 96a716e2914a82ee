const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `30s`, `2m`, `1h`, `5d`, or a bare number of milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a duration (use 250ms, 30s, 2m, 1h or 5d)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!);
}

/** The waits between attempts; attempt n+1 happens `waits[n-1]` after attempt n. */
export function parseSchedule(text: string): number[] {
  const waits = text.split(',').map((s) => s.trim()).filter(Boolean).map(parseDuration);
  if (waits.length > 50) throw new Error('at most 50 retries');
  return waits;
}

/**
 * When the attempt after `attemptsMade` failed attempts is due, or null when the schedule is
 * exhausted and the delivery has failed for good.
 */
export function nextAttemptAt(schedule: readonly number[], attemptsMade: number, now: Date): Date | null {
  const wait = schedule[attemptsMade - 1];
  return wait === undefined ? null : new Date(now.getTime() + wait);
}
