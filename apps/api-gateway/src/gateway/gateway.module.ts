import { Module } from '@nestjs/common';
import { ApiKeyAuthService } from '../auth/api-key-auth.service';
import { ClientAuthService } from '../auth/client-auth.service';
import { HotPathRedisService } from '../infra/hot-path-redis.service';
import { CredentialsRepository } from '../credentials/credentials.repository';
import { CredentialsService } from '../credentials/credentials.service';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { OpenApiService } from '../openapi/openapi.service';
import { ProxyService } from '../proxy/proxy.service';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { RateLimitUsageService } from '../rate-limit/rate-limit-usage.service';

/** The hot path's collaborators. They are plain providers; gateway.route.ts calls them directly. */
@Module({
  providers: [HotPathRedisService, CredentialsRepository, CredentialsService, ApiKeyAuthService, ClientAuthService, RateLimitService, RateLimitUsageService, IdempotencyService, ProxyService, OpenApiService],
  exports: [CredentialsService, ApiKeyAuthService, ClientAuthService, RateLimitService, RateLimitUsageService, IdempotencyService, ProxyService, OpenApiService],
})
export class GatewayModule {}
