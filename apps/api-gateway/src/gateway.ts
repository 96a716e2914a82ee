import type { AddressInfo } from 'node:net';
import { Topic } from '@wos/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, HealthRegistry, startService, type Logger } from '@wos/platform';
import { PrismaService } from './infra/prisma.service';
import { GatewayModule } from './gateway/gateway.module';
import { LOGGER, type AppConfig } from './config';
import { ApiKeyAuthService } from './auth/api-key-auth.service';
import { IdempotencyService } from './idempotency/idempotency.service';
import { OpenApiService } from './openapi/openapi.service';
import { ProxyService } from './proxy/proxy.service';
import { RateLimitService } from './rate-limit/rate-limit.service';
import { RateLimitUsageService } from './rate-limit/rate-limit-usage.service';
import { registerGatewayRoutes } from './gateway/gateway.route';
import { ClientAuthService } from './auth/client-auth.service';
import { registerInternalRoutes } from './internal/redirect-uris.route';
import { registerConsoleRoutes } from './internal/console.route';
import { CredentialsService } from './credentials/credentials.service';
import { startAdminServer } from './admin/admin.server';

export interface RunningGateway {
  app: NestFastifyApplication;
  /** The bound port (useful with PORT=0). */
  port: number;
  url: string;
  /** The admin port: /health, /ready, /metrics. */
  adminPort: number;
  adminUrl: string;
  close(): Promise<void>;
}

/** Starts the gateway with the given configuration; main.ts and the tests both use this. */
export async function startGateway(config: AppConfig, logger: Logger = createLogger('api-gateway', config.LOG_LEVEL)): Promise<RunningGateway> {
  const app = await startService({
    name: 'api-gateway',
    config,
    logger,
    // The outbox carries the rate-limit usage counts to the events service; Kafka is no readiness
    // condition of the edge (the counts wait in the outbox while it is down).
    kit: { prisma: PrismaService, redis: true, secrets: true, outbox: { topics: [Topic.gatewayUsage], kafkaReadiness: false } },
    modules: [GatewayModule],
    // The gateway is the edge that creates the signed context (its internal routes,
    // registerInternalRoutes and registerConsoleRoutes, verify the context themselves).
    internalAuth: false,
    http: {
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      configure: (fastify, nest) => {
        registerInternalRoutes(fastify, { config, clients: nest.get(ClientAuthService) });
        registerConsoleRoutes(fastify, { config, credentials: nest.get(CredentialsService), rateLimitUsage: nest.get(RateLimitUsageService) });
        registerGatewayRoutes(fastify, {
          config,
          logger: nest.get(LOGGER),
          auth: nest.get(ApiKeyAuthService),
          clients: nest.get(ClientAuthService),
          credentials: nest.get(CredentialsService),
          rateLimit: nest.get(RateLimitService),
          rateLimitUsage: nest.get(RateLimitUsageService),
          idempotency: nest.get(IdempotencyService),
          proxy: nest.get(ProxyService),
          openapi: nest.get(OpenApiService),
        });
      },
    },
  });
  const { port } = app.getHttpServer().address() as AddressInfo;
  let admin;
  try {
    admin = await startAdminServer(app.get(HealthRegistry), config.ADMIN_HOST ?? config.HOST, config.ADMIN_PORT, config.REUSE_PORT);
  } catch (err) {
    await app.close();
    throw err;
  }
  logger.info({ port: admin.port }, 'api-gateway admin port (/health, /ready, /metrics) listening');
  const url = (host: string, p: number) => {
    const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${h.includes(':') ? `[${h}]` : h}:${p}`;
  };
  return {
    app,
    port,
    url: url(config.HOST, port),
    adminPort: admin.port,
    adminUrl: url(config.ADMIN_HOST ?? config.HOST, admin.port),
    close: async () => {
      await app.close();
      await admin.server.close();
    },
  };
}
