import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, defaultConsumerGroupId, kafkaConfigSchema, loadConfig, redisConfigSchema } from '@wos/platform';

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3007) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend(redisConfigSchema.shape)
  .extend({
    /** Kafka consumer group; default `radar.<database name>` (defaultConsumerGroupId). */
    RADAR_KAFKA_GROUP_ID: z.string().min(1).optional(),
    /**
     * The offline GeoIP country database (MaxMind DB format) that gives an attempt its country;
     * default the one @ip-location-db/geo-whois-asn-country-mmdb ships (CC0-1.0, from NRO
     * statistics under CC BY 4.0); `off` for none.
     */
    RADAR_GEOIP_MMDB: z.string().min(1).optional(),
    /**
     * An optional city-level GeoIP database (MaxMind DB format with `location.latitude` and
     * `.longitude`, e.g. DB-IP's IP to City Lite under CC BY 4.0, or GeoLite2-City): impossible
     * travel then measures between cities. Without it, between the centroids of the countries.
     */
    RADAR_GEOIP_CITY_MMDB: z.string().min(1).optional(),
    /**
     * A directory with ip-location-db's ASN CSVs (`asn-ipv4-num.csv`, `asn-ipv6-num.csv`) for
     * credential stuffing per network; default the ones @ip-location-db/asn ships; `off` for none.
     */
    RADAR_ASN_CSV_DIR: z.string().min(1).optional(),
  });
export type AppConfig = z.infer<typeof configSchema>;

export function consumerGroupId(config: AppConfig): string {
  return config.RADAR_KAFKA_GROUP_ID ?? defaultConsumerGroupId('radar', config.DATABASE_URL);
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
