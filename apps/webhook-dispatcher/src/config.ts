import { z } from 'zod';
import { ALL_DOMAIN_TOPICS } from '@wos/contracts';
import { baseConfigSchema, databaseConfigSchema, kafkaConfigSchema, loadConfig, LOOPBACK_CIDRS, loopbackConfigSchema, redisConfigSchema, secretsConfigSchema } from '@wos/platform';
import { parseDuration, parseSchedule } from './delivery/retry-schedule';

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const duration = (fallback: string) => z.string().default(fallback).transform((s, ctx) => {
  try {
    return parseDuration(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3009) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend(redisConfigSchema.shape)
  .extend(secretsConfigSchema.shape)
  .extend(loopbackConfigSchema.shape)
  .extend({
    PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:8080'),
    /** Kafka consumer group; every replica of this service must share it. */
    KAFKA_GROUP_ID: z.string().min(1).default('webhook-dispatcher'),
    /** Topics to deliver from; all domain topics unless set (the benchmark adds its own). */
    WEBHOOK_KAFKA_TOPICS: z.string().default(ALL_DOMAIN_TOPICS.join(',')).transform(list),
    /**
     * Waits between attempts (`30s,2m,…`); its length + 1 is the number of attempts. The default is
     * 12 attempts over about 3 days (the last one 71.9 h after the first).
     */
    WEBHOOK_RETRY_SCHEDULE: z.string().default('30s,2m,5m,15m,30m,1h,2h,4h,8h,16h,40h').transform((s, ctx) => {
      try {
        return parseSchedule(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
    /** A 2xx within this time counts as delivered; anything slower is a failed attempt. */
    WEBHOOK_TIMEOUT: duration('15s'),
    /** At most this many bytes of a receiver's response are read (the rest is discarded). */
    WEBHOOK_MAX_RESPONSE_BYTES: z.coerce.number().int().min(0).max(1_048_576).default(4096),
    /** An endpoint whose attempts have all failed for this long is disabled (disabled_reason=failing). */
    WEBHOOK_DISABLE_AFTER: duration('5d'),
    /** How long the previous secret keeps signing after a rotation, unless the request says otherwise. */
    WEBHOOK_SECRET_GRACE: duration('24h'),
    /** How often the reconciler rebuilds missing BullMQ jobs from Postgres. */
    WEBHOOK_RECONCILE_INTERVAL: duration('30s'),
    /** A pending delivery this far past its due time with no job running is rescheduled. */
    WEBHOOK_RECONCILE_GRACE: duration('10s'),
    /**
     * Parallel HTTP attempts per process. High by default: an attempt mostly waits (on the
     * receiver, and on the batched claim and record statements), it hardly computes.
     */
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(200),
    /**
     * CIDRs that endpoint URLs may resolve to even though they are loopback, private or
     * link-local (for example `127.0.0.0/8,::1/128` in tests). Default: loopback with
     * ALLOW_LOOPBACK_URLS=true, else none.
     */
    WEBHOOK_ALLOWED_CIDRS: z.string().optional(),
    /** Accept `http://` endpoint URLs (development and tests). HTTPS is always accepted. Default: ALLOW_LOOPBACK_URLS. */
    WEBHOOK_ALLOW_HTTP: z.enum(['true', 'false']).optional(),
  })
  .transform((c) => ({
    ...c,
    WEBHOOK_ALLOWED_CIDRS: c.WEBHOOK_ALLOWED_CIDRS === undefined ? (c.ALLOW_LOOPBACK_URLS ? [...LOOPBACK_CIDRS] : []) : list(c.WEBHOOK_ALLOWED_CIDRS),
    WEBHOOK_ALLOW_HTTP: c.WEBHOOK_ALLOW_HTTP === undefined ? c.ALLOW_LOOPBACK_URLS : c.WEBHOOK_ALLOW_HTTP === 'true',
  }));
export type AppConfig = z.infer<typeof configSchema>;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
