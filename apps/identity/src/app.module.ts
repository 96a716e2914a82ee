import { Module } from '@nestjs/common';
import { HealthRegistry } from '@wos/platform';

/**
 * The identity service is scaffolded but its product (AuthKit user management) is not built yet: it serves only
 * /health, /ready and /metrics, and the gateway answers its future routes with a 404.
 */
@Module({ providers: [HealthRegistry] })
export class AppModule {}
