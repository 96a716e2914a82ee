import { Module } from '@nestjs/common';
import { ProviderClient } from '../infra/provider.client';
import { IntegrationsRepository } from './integrations.repository';
import { IntegrationsService } from './integrations.service';

/** Data integrations and the provider catalogue; their HTTP routes are ConnectionsModule's (they cascade to accounts). */
@Module({
  providers: [IntegrationsRepository, IntegrationsService, ProviderClient],
  exports: [IntegrationsService, ProviderClient],
})
export class IntegrationsModule {}
