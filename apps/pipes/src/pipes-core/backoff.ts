/** Wait before the next refresh after `failures` consecutive provider errors: 2^n s, capped. */
export function refreshBackoffMs(failures: number, maxSeconds: number): number {
  return Math.min(maxSeconds, 2 ** Math.min(Math.max(failures, 1), 20)) * 1000;
}
