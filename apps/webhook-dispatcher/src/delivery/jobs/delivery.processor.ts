import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DelayedError, type Job, type Worker } from 'bullmq';
import { Counter, Histogram } from 'prom-client';
import { createWorker, newId, QueueName, registry, SecretBox, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { DeliveryRepository, type AttemptRecord, type ClaimedDelivery, type DeliveryKey } from '../delivery.repository';
import type { DeliveryJob } from '../delivery.service';
import { nextAttemptAt } from '../retry-schedule';
import { signatureHeader } from '@wos/platform';
import { AddressPolicy, OutboundSender } from '@wos/platform';
import { withSpanFrom } from '@wos/platform/telemetry';
import { SpanKind } from '@opentelemetry/api';

const WORKERS = 4;

const attemptsTotal = new Counter({ name: 'webhook_attempts_total', help: 'Webhook delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] });
const stepSeconds = new Histogram({
  name: 'webhook_attempt_step_seconds',
  help: 'Where a delivery job spends its time: queued (added to picked up), claim, send, record',
  labelNames: ['step'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
  registers: [registry],
});
const attemptLatency = new Histogram({
  name: 'webhook_attempt_duration_seconds',
  help: 'Duration of webhook delivery attempts',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
  registers: [registry],
});

/**
 * Makes delivery attempts. Each job: claim the attempt in Postgres (a lease), POST the stored
 * body signed now, record the outcome in Postgres, then either finish the job or move it back
 * to delayed until the next attempt is due. Invariant: Postgres decides whether and when to
 * send; a job that wakes early, late, twice, or for an old generation can only find nothing
 * to claim.
 */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly workers: Worker<DeliveryJob>[] = [];
  private readonly sender: OutboundSender;
  private readonly log: Logger;
  /** The lease outlives the attempt's own timeout, so no other worker starts it meanwhile. */
  private readonly leaseMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly repo: DeliveryRepository,
    private readonly box: SecretBox,
  ) {
    this.log = logger.child({ context: DeliveryProcessor.name });
    this.sender = new OutboundSender({
      timeoutMs: config.WEBHOOK_TIMEOUT,
      maxResponseBytes: config.WEBHOOK_MAX_RESPONSE_BYTES,
      policy: new AddressPolicy(config.WEBHOOK_ALLOWED_CIDRS, 'WEBHOOK_ALLOWED_CIDRS'),
      connections: config.WEBHOOK_CONCURRENCY,
      userAgent: 'WorkOS Webhooks (self-hosted)',
    });
    this.leaseMs = config.WEBHOOK_TIMEOUT + 15_000;
  }

  onApplicationBootstrap(): void {
    // A BullMQ worker fetches its jobs one Redis round trip at a time, which caps one worker
    // far below what the HTTP side can do; several workers (connections) fetch in parallel.
    // A job held by a dead process goes back to waiting once its lock lapses: with these
    // values about 10 to 20 s after a kill -9 instead of BullMQ's default of about a minute.
    const workers = Math.min(WORKERS, this.config.WEBHOOK_CONCURRENCY);
    for (let i = 0; i < workers; i++) {
      this.workers.push(
        createWorker(QueueName.WebhookDeliveries, this.config.REDIS_URL, (job, token) => this.traced(job as Job<DeliveryJob>, token), this.log, Math.ceil(this.config.WEBHOOK_CONCURRENCY / workers), {
          lockDuration: 10_000,
          stalledInterval: 5_000,
          maxStalledCount: 5,
        }) as Worker<DeliveryJob>,
      );
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.sender.close();
  }

  /** A delivery attempt is a span in the trace of the event that caused it (the job's `trace`). */
  private traced(job: Job<DeliveryJob>, token: string | undefined): Promise<string> {
    return withSpanFrom('webhook deliver', job.data.trace, SpanKind.CLIENT, () => this.process(job, token));
  }

  private async process(job: Job<DeliveryJob>, token: string | undefined): Promise<string> {
    const key = job.data;
    if (job.attemptsMade === 0 && !job.delay) stepSeconds.labels('queued').observe(Math.max(0, Date.now() - job.timestamp) / 1000);
    const t0 = performance.now();
    const claimed = await this.repo.claim(key, this.leaseMs);
    const t1 = performance.now();
    stepSeconds.labels('claim').observe((t1 - t0) / 1000);
    if ('kind' in claimed) {
      if (claimed.kind === 'done') return 'nothing to do';
      if (claimed.kind === 'endpoint_disabled') {
        await this.repo.failForDisabledEndpoint(key);
        return 'endpoint disabled';
      }
      return this.delayUntil(job, token, claimed.at);
    }
    const result = await this.sender.send(claimed.endpointUrl, claimed.body, { 'workos-signature': signatureHeader(claimed.body, this.secrets(key.endpointId, claimed)) });
    const t2 = performance.now();
    stepSeconds.labels('send').observe((t2 - t1) / 1000);
    attemptsTotal.labels(result.ok ? 'succeeded' : 'failed').inc();
    attemptLatency.observe(result.latencyMs / 1000);
    const next = result.ok ? null : nextAttemptAt(this.config.WEBHOOK_RETRY_SCHEDULE, claimed.attempts + 1, new Date());
    const recorded = await this.recordWhileLeased(key, claimed, { attemptId: newId('webhook_attempt'), ...result, nextAttemptAt: next }, t0 + this.leaseMs);
    stepSeconds.labels('record').observe((performance.now() - t2) / 1000);
    if (!recorded) return 'already recorded';
    if (result.ok) return 'delivered';
    if (await this.repo.disableIfFailingTooLong(key.endpointId, this.config.WEBHOOK_DISABLE_AFTER)) {
      this.log.warn({ endpointId: key.endpointId, environmentId: claimed.environmentId }, 'webhook endpoint disabled after failing continuously');
    }
    if (!next) {
      this.log.info({ ...key, attempts: claimed.attempts + 1, error: result.error }, 'webhook delivery failed for good');
      return 'failed';
    }
    return this.delayUntil(job, token, next);
  }

  /**
   * Records an attempt. A failed write (Postgres restarting, a dropped connection) is tried again
   * while the claim's lease holds: the receiver may already have answered, and a record given up
   * early would let the delivery be claimed and sent again. Past the lease the error goes to
   * BullMQ, and the delivery is sent again once claimable (webhooks are at least once: a database
   * outage longer than the lease can re-send an answered delivery, as a kill -9 between the answer
   * and the record can).
   */
  private async recordWhileLeased(key: DeliveryKey, claimed: ClaimedDelivery, record: AttemptRecord, leaseEndsAt: number): Promise<boolean> {
    for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
      try {
        return await this.repo.record(key, claimed, record);
      } catch (err) {
        if (performance.now() + wait >= leaseEndsAt) throw err;
        this.log.warn({ ...key, err: (err as Error).message }, 'could not record a delivery attempt; trying again while its lease holds');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** BullMQ's documented way to re-delay the running job: move it, then throw DelayedError. */
  private async delayUntil(job: Job<DeliveryJob>, token: string | undefined, at: Date): Promise<never> {
    await job.moveToDelayed(Math.max(at.getTime(), Date.now() + 1), token);
    throw new DelayedError();
  }

  /** The current secret, and during a rotation's grace period the previous one first. */
  private secrets(endpointId: string, c: ClaimedDelivery): string[] {
    const current = this.open(c.secretSealed, endpointId);
    if (c.previousSecretSealed && c.previousSecretExpiresAt && c.previousSecretExpiresAt.getTime() > Date.now()) {
      return [this.open(c.previousSecretSealed, endpointId), current];
    }
    return [current];
  }

  /* Opened secrets by sealed value: a rotation seals anew, so a stale entry is never used. */
  private readonly opened = new Map<string, string>();
  private open(sealed: string, endpointId: string): string {
    const key = `${endpointId} ${sealed}`;
    let secret = this.opened.get(key);
    if (secret === undefined) {
      secret = this.box.openString(sealed, endpointId);
      if (this.opened.size >= 10_000) this.opened.clear();
      this.opened.set(key, secret);
    }
    return secret;
  }
}
