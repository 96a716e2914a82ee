import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Topic } from '@wos/contracts';
import { startService } from '@wos/platform';
import { consumerGroupId, type AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { organizationsOpenApi } from './openapi';
import { OrganizationsModule } from './organizations/organizations.module';
import { DomainsModule } from './domains/domains.module';
import { FeatureFlagsModule } from './feature-flags/feature-flags.module';

/** Starts the service; main.ts and the integration tests both come through here. */
export function startOrganizationsService(config: AppConfig): Promise<NestFastifyApplication> {
  return startService({
    name: 'organizations',
    config,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.organizations] }, consumer: { groupId: consumerGroupId(config) } },
    modules: [OrganizationsModule, DomainsModule, FeatureFlagsModule],
    http: { openapi: organizationsOpenApi },
  });
}
