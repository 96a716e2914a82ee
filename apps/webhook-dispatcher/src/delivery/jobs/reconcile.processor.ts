import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Counter } from 'prom-client';
import { BackgroundLoop, registry, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { DeliveryRepository, type DeliveryKey } from '../delivery.repository';
import { DeliveryService, jobId } from '../delivery.service';

const rescheduled = new Counter({ name: 'webhook_reconciled_jobs_total', help: 'Jobs the reconciler (re)added from Postgres', registers: [registry] });

const PAGE = 2000;

/**
 * Rebuilds the BullMQ schedule from Postgres, so no pending delivery is ever left without a
 * job: once at startup over every pending delivery (each job delayed to its due time), then
 * every WEBHOOK_RECONCILE_INTERVAL over deliveries overdue by more than WEBHOOK_RECONCILE_GRACE
 * and not leased. That covers a crash between commit and enqueue, kill -9, and Redis losing
 * everything (FLUSHALL, a failover without persistence). Re-adding is safe: an ID already in
 * Redis is left alone, and the claim in Postgres stops anything sent twice.
 */
@Injectable()
export class ReconcileProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;
  private readonly loop: BackgroundLoop;
  /* The first pass that succeeds offers every pending delivery; later ones repair the overdue. */
  private startupDone = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly repo: DeliveryRepository,
    private readonly deliveries: DeliveryService,
  ) {
    this.log = logger.child({ context: ReconcileProcessor.name });
    this.loop = new BackgroundLoop(
      (stopped) => this.pass(stopped),
      (err) => this.log.warn({ err: err.message }, 'reconcile pass failed; will retry'),
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.WEBHOOK_RECONCILE_INTERVAL);
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass; returns how many jobs it added (startup: offered) or promoted. */
  private async reconcile(all: boolean, stopped: () => boolean): Promise<number> {
    const dueBefore = all ? null : new Date(Date.now() - this.config.WEBHOOK_RECONCILE_GRACE);
    let after: { at: Date; eventId: string; endpointId: string } | null = null;
    let total = 0;
    while (!stopped()) {
      const rows = await this.repo.pendingForReconcile(dueBefore, after, PAGE);
      if (!rows.length) break;
      const keys = rows.map((r) => ({ eventId: r.event_id, endpointId: r.endpoint_id, generation: r.generation }));
      if (all) {
        const now = Date.now();
        const delays = new Map(rows.map((r) => [jobId({ eventId: r.event_id, endpointId: r.endpoint_id, generation: r.generation }), r.next_attempt_at.getTime() - now]));
        await this.deliveries.schedule(keys, (k) => delays.get(jobId(k)) ?? 0);
        total += rows.length;
      } else {
        total += await this.repairOverdue(keys);
      }
      const last = rows[rows.length - 1]!;
      after = { at: last.next_attempt_at, eventId: last.event_id, endpointId: last.endpoint_id };
      if (rows.length < PAGE) break;
    }
    return total;
  }

  /**
   * Overdue in Postgres means its job is missing, waiting behind others, delayed past the due
   * time (promoted here), or held by a dead worker (BullMQ hands it back once its lock expires).
   */
  private async repairOverdue(keys: DeliveryKey[]): Promise<number> {
    const missing: DeliveryKey[] = [];
    let promoted = 0;
    const states: Record<string, number> = {};
    for (const k of keys) {
      const job = await this.deliveries.queue.getJob(jobId(k));
      const state = job ? await job.getState() : 'missing';
      states[state] = (states[state] ?? 0) + 1;
      if (!job) missing.push(k);
      else if (state === 'delayed') promoted += await job.promote().then(() => 1, () => 0);
    }
    await this.deliveries.schedule(missing);
    this.log.debug({ states }, 'overdue deliveries by job state');
    return missing.length + promoted;
  }

  private async pass(stopped: () => boolean): Promise<void> {
    const all = !this.startupDone;
    const n = await this.reconcile(all, stopped);
    this.startupDone = !stopped();
    rescheduled.inc(n);
    if (all || n) this.log.info({ jobs: n, startup: all }, 'reconciled the delivery schedule from Postgres');
  }
}
