import { Module } from '@nestjs/common';
import { ProviderClient } from '../infra/provider.client';
import { IntegrationsRepository } from './integrations.repository';
import { IntegrationsService } from './integrations.service';
import { OrgConfigsController } from './org-configs.controller';
import { OrgConfigsRepository } from './org-configs.repository';
import { OrgConfigsService } from './org-configs.service';
import { TokenLookupCache } from './token-lookup.cache';

/**
 * Data integrations, the provider catalogue and organizations' settings per provider. The
 * integration routes are ConnectionsModule's (their deletes and installations reach accounts).
 */
@Module({
  controllers: [OrgConfigsController],
  providers: [IntegrationsRepository, IntegrationsService, OrgConfigsRepository, OrgConfigsService, ProviderClient, TokenLookupCache],
  exports: [IntegrationsService, OrgConfigsService, ProviderClient, TokenLookupCache],
})
export class IntegrationsModule {}
