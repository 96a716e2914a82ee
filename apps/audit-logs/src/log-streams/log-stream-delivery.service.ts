import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AuditLogEventWire } from '@wos/contracts';
import { Counter } from 'prom-client';
import { AddressPolicy, OutboundSender, registry, SecretBox, signatureHeader, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { datadogBatch, httpsBatch, retryDelayMs, s3Batch, splunkBatch } from '../audit-core/stream-formats';
import type { LogStreamRow, StreamConfigs } from './log-streams.dto';
import { LogStreamsRepository } from './log-streams.repository';
import { STREAM_SECRETS_CONTEXT } from '../infra/sealed-columns';

/* The sealed secrets are bound to this purpose, so no other sealed value opens as them. */
/* Batches per job: a stream far behind yields to the others between jobs. */
const BATCHES_PER_RUN = 20;

type Result = { ok: true } | { ok: false; error: string };

const streamedEvents = new Counter({ name: 'audit_log_stream_events_total', help: 'Audit-log events a destination acknowledged, by stream type', labelNames: ['type'], registers: [registry] });
const failedAttempts = new Counter({ name: 'audit_log_stream_failures_total', help: 'Failed log-stream delivery attempts, by stream type', labelNames: ['type'], registers: [registry] });

/**
 * Delivers a stream's events in chain order. Invariants: `delivered_seq` moves only after the
 * destination acknowledged every event up to it (2xx, or S3's completed PUT), and only from the
 * value this run read (two workers never both move it), so nothing is skipped; a batch whose
 * acknowledgement was not recorded is sent again (at least once; events carry their `id`). A
 * failure leaves the position and sets the next attempt (doubling delays), so a destination
 * that is down for hours loses nothing and is not hammered.
 */
@Injectable()
export class LogStreamDeliveryService implements OnModuleDestroy {
  readonly policy: AddressPolicy;
  private readonly http: OutboundSender;
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly repo: LogStreamsRepository,
    private readonly box: SecretBox,
  ) {
    this.log = logger.child({ context: LogStreamDeliveryService.name });
    this.policy = new AddressPolicy(config.AUDIT_LOGS_STREAM_ALLOWED_CIDRS, 'AUDIT_LOGS_STREAM_ALLOWED_CIDRS');
    this.http = new OutboundSender({
      timeoutMs: config.AUDIT_LOGS_STREAM_TIMEOUT_MS,
      maxResponseBytes: 64 * 1024,
      policy: this.policy,
      connections: config.AUDIT_LOGS_STREAM_CONCURRENCY,
      userAgent: 'wos-platform Audit Log Streams',
    });
  }

  /** Runs one job: batches until caught up, a failure, or BATCHES_PER_RUN. Returns events delivered. */
  async deliver(environmentId: string, streamId: string): Promise<number> {
    const stream = await this.repo.find(environmentId, streamId);
    if (!stream || stream.state !== 'active') return 0;
    let from = stream.deliveredSeq;
    let total = 0;
    for (let i = 0; i < BATCHES_PER_RUN; i++) {
      const { events, throughSeq } = await this.repo.eventsAfter(environmentId, stream.organizationId, from, this.config.AUDIT_LOGS_STREAM_BATCH_SIZE);
      if (throughSeq === from) break;
      if (events.length) {
        const result = await this.send(stream, events, from, throughSeq);
        if (!result.ok) {
          const delay = retryDelayMs(stream.failures + 1, this.config.AUDIT_LOGS_STREAM_RETRY_BASE_MS, this.config.AUDIT_LOGS_STREAM_RETRY_MAX_MS);
          await this.repo.failed(environmentId, streamId, result.error, new Date(Date.now() + delay));
          failedAttempts.inc({ type: stream.type });
          this.log.warn({ streamId, type: stream.type, error: result.error, retryInMs: delay }, 'log stream delivery failed');
          return total;
        }
      }
      if (!(await this.repo.delivered(environmentId, streamId, from, throughSeq))) return total;
      streamedEvents.inc({ type: stream.type }, events.length);
      total += events.length;
      from = throughSeq;
    }
    return total;
  }

  private async send(stream: LogStreamRow, events: AuditLogEventWire[], fromSeq: number, toSeq: number): Promise<Result> {
    const secrets = JSON.parse(this.box.openString(stream.secretsSealed, STREAM_SECRETS_CONTEXT)) as Record<string, string>;
    const post = async (url: string, body: string, headers: Record<string, string>): Promise<Result> => {
      const r = await this.http.send(url, body, headers);
      return r.ok ? { ok: true } : { ok: false, error: r.error ?? `HTTP ${r.statusCode}` };
    };
    switch (stream.type) {
      case 'datadog': {
        const c = stream.config as StreamConfigs['datadog'];
        const b = datadogBatch(events, { service: c.service, tags: c.tags });
        return post(c.url ?? `https://http-intake.logs.${c.site}/api/v2/logs`, b.body, { 'content-type': b.contentType, 'dd-api-key': secrets.api_key! });
      }
      case 'splunk': {
        const c = stream.config as StreamConfigs['splunk'];
        const b = splunkBatch(events, { index: c.index, sourcetype: c.sourcetype });
        return post(`${c.url.replace(/\/+$/, '')}/services/collector/event`, b.body, { 'content-type': b.contentType, authorization: `Splunk ${secrets.token}` });
      }
      case 'https': {
        const c = stream.config as StreamConfigs['https'];
        const b = httpsBatch(events);
        return post(c.url, b.body, { 'content-type': b.contentType, 'workos-signature': signatureHeader(b.body, [secrets.secret!]) });
      }
      case 's3':
        return this.putS3(stream.config as StreamConfigs['s3'], secrets, s3Batch(events, fromSeq + 1, toSeq, (stream.config as StreamConfigs['s3']).prefix));
    }
  }

  /* One client per attempt: S3 batches are large and rare, and credentials may change between them. */
  private async putS3(c: StreamConfigs['s3'], secrets: Record<string, string>, object: { key: string; body: string }): Promise<Result> {
    let s3: S3Client | undefined;
    try {
      // The endpoint passes the address policy before each attempt (the SDK connects itself).
      if (c.endpoint) await this.policy.resolveSafely(new URL(c.endpoint).hostname);
      s3 = new S3Client({
        region: c.region,
        forcePathStyle: c.force_path_style,
        ...(c.endpoint ? { endpoint: c.endpoint } : {}),
        ...(c.access_key_id ? { credentials: { accessKeyId: c.access_key_id, secretAccessKey: secrets.secret_access_key! } } : {}),
        requestHandler: { requestTimeout: this.config.AUDIT_LOGS_STREAM_TIMEOUT_MS, connectionTimeout: this.config.AUDIT_LOGS_STREAM_TIMEOUT_MS },
        maxAttempts: 1,
      });
      await s3.send(new PutObjectCommand({ Bucket: c.bucket, Key: object.key, Body: object.body, ContentType: 'application/x-ndjson' }));
      return { ok: true };
    } catch (err) {
      const e = err as Error & { name?: string };
      return { ok: false, error: `${e.name ?? 'Error'}: ${e.message}`.slice(0, 500) };
    } finally {
      s3?.destroy();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.http.close();
  }
}
