/**
 * Application-level group commit: callers `run(item)` concurrently; items queue while
 * `parallel` statements are in flight and the next statement takes everything queued (up to
 * `max`). Under load one commit (one WAL flush) serves many deliveries; when idle an item goes
 * out at once. Callers must tolerate a statement failing (for example a deadlock between two
 * parallel statements touching the same endpoint rows): its items are rejected, not lost.
 */
export class StatementBatch<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly execute: (items: I[]) => Promise<O[]>,
    private readonly max = 500,
    private readonly parallel = 1,
  ) {}

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.running < this.parallel) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.max);
        try {
          const out = await this.execute(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(out[i]!));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running--;
    }
  }
}
