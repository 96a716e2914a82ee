import { Module, type DynamicModule, type ForwardReference, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { bootstrapService, type ServiceOptions, type TrustProxy } from '../http/bootstrap';
import { createLogger } from '../logging/logger';
import { ServiceInfraModule, type KitConfig, type ServiceKitOptions } from './service-infra.module';

/** What every service's config has (baseConfigSchema) besides what the kit reads. */
export interface ServiceConfig extends KitConfig {
  HOST: string;
  PORT: number;
  LOG_LEVEL: string;
  INTERNAL_AUTH_SECRET?: string;
  TRUST_PROXY: TrustProxy;
  REUSE_PORT?: boolean;
}

export interface StartServiceOptions {
  name: string;
  config: ServiceConfig;
  /** Default: a pino logger named after the service at LOG_LEVEL. */
  logger?: Logger;
  /** The kit's options (prisma, outbox, consumer, redis, secrets, queues). */
  kit?: Omit<ServiceKitOptions, 'name' | 'config' | 'logger'>;
  /** The service's domain modules: everything it owns. */
  modules: (Type | DynamicModule | ForwardReference)[];
  /**
   * false for the edge (the gateway), which creates signed contexts instead of verifying them.
   * Otherwise every non-plumbing route requires a context signed for this service.
   */
  internalAuth?: false;
  /** HTTP options of the service's own: unsigned paths, OpenAPI, parsers, error schema. */
  http?: Pick<ServiceOptions, 'unsignedPathPrefixes' | 'publicClientPathPrefixes' | 'openapi' | 'bodyLimitBytes' | 'sendFrameworkError' | 'configure'>;
}

/* The root module of every service: the kit plus the service's domain modules. */
@Module({})
class ServiceRootModule {}

/**
 * Starts a service: its domain modules on the service kit, served by bootstrapService with the
 * listen address, internal auth and proxy trust its config names. main.ts and the integration
 * tests both come through here, so what runs in tests is what runs in production.
 */
export function startService(opts: StartServiceOptions): Promise<NestFastifyApplication> {
  const { name, config } = opts;
  const logger = opts.logger ?? createLogger(name, config.LOG_LEVEL);
  const module: DynamicModule = {
    module: ServiceRootModule,
    imports: [ServiceInfraModule.forService({ name, config, logger, ...opts.kit }), ...opts.modules],
  };
  return bootstrapService({
    name,
    module,
    host: config.HOST,
    port: config.PORT,
    reusePort: config.REUSE_PORT === true,
    logger,
    internalAuthSecret: opts.internalAuth === false ? undefined : config.INTERNAL_AUTH_SECRET,
    trustProxy: config.TRUST_PROXY,
    consumesEvents: opts.kit?.consumer !== undefined,
    ...opts.http,
  });
}
