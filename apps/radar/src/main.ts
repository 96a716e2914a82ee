import './instrument';
import { Topic } from '@wos/contracts';
import { runMain, startService } from '@wos/platform';
import { AttemptsModule } from './attempts/attempts.module';
import { consumerGroupId, loadAppConfig } from './config';
import { DirectoryUsersModule } from './directory-users/directory-users.module';
import { OrganizationDomainsModule } from './organization-domains/organization-domains.module';
import { PrismaService } from './infra/prisma.service';
import { ListsModule } from './lists/lists.module';
import { radarOpenApi } from './openapi';
import { SettingsModule } from './settings/settings.module';

runMain(() => {
  const config = loadAppConfig();
  // Infrastructure comes from the service kit; modules lists only the service's domain.
  return startService({
    name: 'radar',
    config,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.radar] }, consumer: { groupId: consumerGroupId(config) }, redis: true },
    modules: [AttemptsModule, ListsModule, SettingsModule, DirectoryUsersModule, OrganizationDomainsModule],
    http: { openapi: radarOpenApi },
  });
});
