import { Redis } from 'ioredis';
import type { AppName } from '@wos/platform/stack';
import type { E2e } from '../support/e2e-stack';
import type { KafkaBroker } from '../support/kafka-broker';
import type { PostgresCluster } from '../support/postgres-cluster';

/** How long each fault lasts: the durations (full) or a few seconds each (short). */
export interface Durations {
  killedMs: number;
  kafkaMs: number;
  postgresMs: number;
  redisMs: number;
  receiverMs: number;
  skewMs: number;
}

export const FULL: Durations = { killedMs: 10_000, kafkaMs: 60_000, postgresMs: 30_000, redisMs: 30_000, receiverMs: 120_000, skewMs: 60_000 };
export const SHORT: Durations = { killedMs: 1_000, kafkaMs: 5_000, postgresMs: 3_000, redisMs: 5_000, receiverMs: 5_000, skewMs: 5_000 };

/** The clock skew of the skewed service (the issue's +90 s). */
export const CLOCK_SKEW_MS = 90_000;
/** The service whose clock is skewed; see docs/reliability.md for why this one. */
export const SKEWED_APP: AppName = 'webhook-dispatcher';

export interface FaultContext {
  e: E2e;
  broker: KafkaBroker;
  /** The suite's own Postgres cluster, which holds every database of the stack. */
  postgres: PostgresCluster;
  /** The chaos webhook receiver answers 500 while this is true. */
  receiverDown: { value: boolean };
}

/**
 * One fault: `inject` makes it, holds it for its duration and returns when the fault is lifted
 * (the restarted process ready, the broker back...): recovery is timed from then.
 */
export interface Fault {
  name: string;
  inject(ctx: FaultContext): Promise<void>;
}

const hold = (ms: number) => new Promise((r) => setTimeout(r, ms));

function killed(app: AppName, d: Durations): Fault {
  return {
    name: `kill -9 ${app}`,
    async inject({ e }) {
      await e.stack.kill(app, 'SIGKILL');
      await hold(d.killedMs);
      e.stack.spawnApp(app);
      await e.stack.waitReady(app, 180_000);
    },
  };
}

export function faultCatalogue(apps: AppName[], d: Durations): Fault[] {
  return [
    ...apps.map((app) => killed(app, d)),
    {
      name: `Kafka stopped ${d.kafkaMs / 1000} s`,
      async inject({ broker }) {
        await broker.stop();
        await hold(d.kafkaMs);
        await broker.start();
      },
    },
    {
      // pg_ctlcluster stop -m fast cuts every session; until start, connections are refused.
      name: `Postgres restarted, down ${d.postgresMs / 1000} s`,
      async inject({ postgres }) {
        await postgres.stop();
        await hold(d.postgresMs);
        await postgres.start();
      },
    },
    {
      name: `Redis FLUSHALL, stopped ${d.redisMs / 1000} s`,
      async inject({ e }) {
        const redis = new Redis(e.redisUrl, { maxRetriesPerRequest: 1 });
        try {
          await redis.flushall();
        } finally {
          redis.disconnect();
        }
        await e.stopRedis();
        await hold(d.redisMs);
        await e.startRedis();
      },
    },
    {
      name: `receiver answers 500 for ${d.receiverMs / 1000} s`,
      async inject({ receiverDown }) {
        receiverDown.value = true;
        await hold(d.receiverMs);
        receiverDown.value = false;
      },
    },
    {
      name: `${SKEWED_APP} clock +${CLOCK_SKEW_MS / 1000} s for ${d.skewMs / 1000} s`,
      async inject({ e }) {
        await e.stack.kill(SKEWED_APP, 'SIGTERM');
        e.stack.spawnApp(SKEWED_APP, { WOS_TEST_CLOCK_SKEW_MS: String(CLOCK_SKEW_MS) });
        await e.stack.waitReady(SKEWED_APP, 180_000);
        await hold(d.skewMs);
        await e.stack.kill(SKEWED_APP, 'SIGTERM');
        e.stack.spawnApp(SKEWED_APP);
        await e.stack.waitReady(SKEWED_APP, 180_000);
      },
    },
  ];
}
