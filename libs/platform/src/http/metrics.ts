import { Registry, collectDefaultMetrics, Histogram, Counter, Gauge } from 'prom-client';

/** One metrics catalogue per process; services add their own metrics to `registry`. */
export const registry = new Registry();
// The event-loop-lag monitor samples on a libuv timer; prom-client's default (10 ms) wakes an idle
// process 100 times a second. One sample a second still records every stall (a blocked loop
// delays the next sample by the stall's length, which the lag histogram keeps) at 1 wake-up a second.
collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1000 });

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

/**
 * `observe` for a histogram on a hot path: each label set's child is made once and kept, where
 * `histogram.labels(...)` validates the labels and allocates a child on every call. Label values
 * must come from bounded sets (methods, route templates, statuses, upstream names), as for any
 * Prometheus label; the cache is cleared past 4,096 sets so a mistake cannot grow it forever.
 */
export function labelledObserver(histogram: Histogram<string>): (seconds: number, ...labels: string[]) => void {
  const children = new Map<string, { observe(value: number): void }>();
  return (seconds, ...labels) => {
    const key = labels.join('\u0000');
    let child = children.get(key);
    if (!child) {
      if (children.size >= 4096) children.clear();
      child = histogram.labels(...labels);
      children.set(key, child);
    }
    child.observe(seconds);
  };
}

/** Records one HTTP request's duration (the platform's onResponse hook). */
export const observeHttpDuration = labelledObserver(httpDuration);

export const eventsPublished = new Counter({
  name: 'outbox_events_published_total',
  help: 'Outbox rows published to Kafka',
  registers: [registry],
});

export const eventsConsumed = new Counter({
  name: 'kafka_events_consumed_total',
  help: 'Domain events applied by a consumer',
  labelNames: ['group'] as const,
  registers: [registry],
});

export const outboxDeadLetters = new Counter({
  name: 'outbox_dead_letters_total',
  help: 'Outbox rows set aside because Kafka can never take them (too large)',
  labelNames: ['topic'] as const,
  registers: [registry],
});

export const consumerCommits = new Counter({
  name: 'kafka_consumer_offset_commits_total',
  help: 'Offset commits a consumer group member sent (passed-over messages are committed in bulk)',
  labelNames: ['group'] as const,
  registers: [registry],
});

export const consumerDeadLetters = new Counter({
  name: 'consumer_dead_letters_total',
  help: 'Consumed messages set aside in the dead-letter table (invalid, or failing after retries)',
  labelNames: ['group', 'topic'] as const,
  registers: [registry],
});

/*
 * Backlogs, for dashboards and alerts (deploy/observability). Set by the outbox relay that holds
 * the lock (other replicas export nothing) and by each consumer after every batch it applies.
 */
export const outboxBacklog = new Gauge({
  name: 'outbox_backlog_rows',
  help: 'Outbox rows not yet published (sampled by the leading relay at most every 5 s; 0 when it finds none)',
  registers: [registry],
});

export const outboxOldestPending = new Gauge({
  name: 'outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest unpublished outbox row (sampled with outbox_backlog_rows)',
  registers: [registry],
});

export const consumerLag = new Gauge({
  name: 'kafka_consumer_lag_messages',
  help: "Messages behind the partition's high watermark after the consumer's last batch",
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [registry],
});

/*
 * Round trips to the stores, counted where they are sent (a Postgres statement per query a pg
 * client sends, BEGIN and COMMIT included; a Redis command per command the app's client sends,
 * MULTI and EXEC included). The benchmarks divide their deltas by the requests of a phase
 * (tools/bench/authkit.mjs: statements and Redis commands per sign-in).
 */
export const dbStatements = new Counter({
  name: 'db_statements_total',
  help: "SQL statements sent to Postgres: `pool` is the service's pg pool (Prisma and hand-written SQL) for requests and background work, `consumer` the same pool while consumers apply events, `outbox_relay` the relay's session",
  labelNames: ['source'] as const,
  registers: [registry],
});

export const redisCommands = new Counter({
  name: 'redis_commands_total',
  help: "Commands sent by the service's Redis client (BullMQ's own connections are not counted)",
  registers: [registry],
});
