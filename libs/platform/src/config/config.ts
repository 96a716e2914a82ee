import { z } from 'zod';
import { isIP } from 'node:net';
import { ConfigError } from './config-error';
import { parsePeerKeys } from './peer-keys';
import { productionSecretProblems } from './production-secrets';

/** Variables every service reads. Each service extends this schema in its own src/config.ts. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** This service's own internal-auth key: requests addressed to it must be signed with it. */
  INTERNAL_AUTH_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** `<service>=<key>,…`: the keys of the services this one calls (the gateway: all of them). */
  INTERNAL_AUTH_PEER_KEYS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parsePeerKeys(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /**
   * Proxies whose X-Forwarded-For entries `req.ip` believes: a hop count (default 1, the gateway)
   * or comma-separated CIDRs of the proxies (the gateway's pod network).
   */
  TRUST_PROXY: z
    .string()
    .default('1')
    .transform((value, ctx) => {
      if (/^\d{1,2}$/.test(value)) return Number(value);
      const cidrs = value.split(',').map((c) => c.trim()).filter(Boolean);
      if (!cidrs.length || cidrs.some((c) => !isIP(c.split('/')[0] ?? ''))) {
        ctx.addIssue({ code: 'custom', message: 'must be a hop count or comma-separated CIDRs' });
        return z.NEVER;
      }
      return cidrs;
    }),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /**
   * "true": this process is one of several replicas of the service on one host, all listening on
   * PORT (SO_REUSEPORT: the kernel spreads incoming connections over them). The run command sets
   * it for a service started with more than one replica (WOS_REPLICAS); in Kubernetes each
   * replica is a pod with an address of its own and this stays off. Off unless exactly "true",
   * so a second process started on a taken port by mistake still fails with EADDRINUSE.
   */
  REUSE_PORT: z
    .enum(['true', 'false'], { message: 'must be "true" or "false"' })
    .default('false')
    .transform((v) => v === 'true'),
});

export const databaseConfigSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export const kafkaConfigSchema = z.object({
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
});

export const redisConfigSchema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
});

export { ConfigError };

/**
 * Parses the environment once at boot. Invariant: this is the only place a service reads
 * process.env, and an invalid value stops the process before it binds a port.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  // Production never runs on a secret that was published with the project (L13).
  const data = parsed.data as Record<string, unknown>;
  if (data.NODE_ENV === 'production') {
    const problems = productionSecretProblems(data);
    if (problems.length) throw new ConfigError(`Refusing to start with NODE_ENV=production:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return parsed.data;
}
