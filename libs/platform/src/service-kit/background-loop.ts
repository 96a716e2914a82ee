import { outsideAnyRequest } from '../http/request-context';

/**
 * A service's background work that resumes from durable state (a sweep, a purge, a rekey, a
 * mail outbox): `work` runs on `start`, every `intervalMs`, and whenever `soon()` is called.
 * The one way apps run periodic work; each app only says what one run does.
 *
 * Invariants:
 * - never two runs at once (per loop, hence per process; replicas keep apart through their rows);
 * - a `soon()` during a run makes exactly one more run after it, so work scheduled as a run ends
 *   is not left to the next interval, and its promise settles when that run has ended;
 * - a failed run goes to `onError` and never rejects; the next run retries what it left;
 * - after `stop()` (which waits for the run under way) nothing runs, and `soon()` resolves at once;
 * - a run is the service's work, never a request's, even when a request's `soon()` started it: its
 *   log lines and calls carry no request ID (it may serve what many requests asked for).
 */
export class BackgroundLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /* Callers of soon() not yet served: the next run to begin serves them all. */
  private waiting?: { promise: Promise<void>; resolve: () => void };
  private stopped = false;

  constructor(
    private readonly work: (stopped: () => boolean) => Promise<unknown>,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Runs now (unless `immediately` is false), then every `intervalMs`; the timer never keeps the process alive. */
  start(intervalMs: number, { immediately = true }: { immediately?: boolean } = {}): void {
    this.timer = setInterval(() => void this.soon(), intervalMs);
    this.timer.unref();
    if (immediately) void this.soon();
  }

  /** Runs the work now, or once more after the run under way; settles when that run has ended. */
  soon(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.waiting) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiting = { promise, resolve };
    }
    const { promise } = this.waiting;
    this.running ??= outsideAnyRequest(() => this.runWhileAsked());
    return promise;
  }

  /** Stops the timer and waits for the run under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async runWhileAsked(): Promise<void> {
    try {
      let served: (() => void) | undefined;
      do {
        served = this.waiting?.resolve;
        this.waiting = undefined;
        await this.work(() => this.stopped).catch((err: Error) => this.onError(err));
        served?.();
      } while (this.waiting && !this.stopped);
    } finally {
      // Stopped with callers still waiting: nothing more will run for them.
      this.waiting?.resolve();
      this.waiting = undefined;
      this.running = undefined;
    }
  }
}
