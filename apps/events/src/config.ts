import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, kafkaConfigSchema, loadConfig, redisConfigSchema } from '@wos/platform';

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3008) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend(redisConfigSchema.shape)
  .extend({
    /** Events older than this (by their created_at) are deleted. */
    EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** How often the prune job runs. */
    EVENTS_PRUNE_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
    /** Kafka consumer group; every replica of this service must share it. */
    KAFKA_GROUP_ID: z.string().min(1).default('events'),
  });
export type AppConfig = z.infer<typeof configSchema>;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
