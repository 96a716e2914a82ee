/**
 * Background work that resumes from durable state (a purge, a rekey): runs `work` on start, every
 * `intervalMs`, and whenever `soon()` is called. Invariants: never two runs at once; a `soon()`
 * during a run makes it run once more afterwards, so work scheduled as a run ends is not left to
 * the next interval; a failed run is reported and retried by the next one.
 */
export class BackgroundLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly work: (stopped: () => boolean) => Promise<void>,
    private readonly onError: (err: Error) => void,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.soon(), intervalMs);
    this.timer.unref();
    this.soon();
  }

  soon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.work(() => this.stopped)
      .catch((err: Error) => this.onError(err))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.soon();
        }
      });
  }

  /** Stops the timer and waits for the run under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
