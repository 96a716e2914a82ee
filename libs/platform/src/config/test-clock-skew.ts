import { ConfigError } from './config';

/** The test hook's variable: milliseconds added to this process's clock (chaos suite, docs/reliability.md). */
export const TEST_CLOCK_SKEW_VAR = 'WOS_TEST_CLOCK_SKEW_MS';
const MAX_SKEW_MS = 24 * 3600_000;

/**
 * Shifts `Date.now()` and `new Date()` of this whole process by WOS_TEST_CLOCK_SKEW_MS, so a
 * test can run one service with a clock that is wrong the way a drifting node's is. Invariants:
 * refused (ConfigError) under NODE_ENV=production, whatever the value; a no-op when unset; only
 * wall-clock reads move (timers and `performance.now()` keep real time, as on a skewed node).
 * Returns the skew applied.
 */
export function applyTestClockSkew(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TEST_CLOCK_SKEW_VAR];
  if (raw === undefined || raw === '') return 0;
  if (env.NODE_ENV === 'production') throw new ConfigError(`${TEST_CLOCK_SKEW_VAR} is a test hook and is refused in NODE_ENV=production`);
  const skew = Number(raw);
  if (!Number.isInteger(skew) || Math.abs(skew) > MAX_SKEW_MS) throw new ConfigError(`${TEST_CLOCK_SKEW_VAR} must be an integer number of milliseconds within ±${MAX_SKEW_MS}, got "${raw}"`);
  if (skew === 0) return 0;
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + skew);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + skew;
    }
  }
  globalThis.Date = SkewedDate as DateConstructor;
  return skew;
}
