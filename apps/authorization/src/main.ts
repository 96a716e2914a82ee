import './instrument';
import { Topic } from '@wos/contracts';
import { installNotifyFence, runMain, startService } from '@wos/platform';
import { AccessIndex } from './assignments/access-index';
import { AssignmentsModule } from './assignments/assignments.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { ClaimsModule } from './claims/claims.module';
import { consumerGroupId, loadAppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { GroupsModule } from './groups/groups.module';
import { MembershipsModule } from './memberships/memberships.module';
import { authorizationOpenApi } from './openapi';
import { OrganizationsModule } from './organizations/organizations.module';
import { ResourcesModule } from './resources/resources.module';
import { SlugMigrationModule } from './slug-migration/slug-migration.module';

runMain(() => {
  const config = loadAppConfig();
  // Infrastructure comes from the service kit; modules lists only the service's domain.
  return startService({
    name: 'authorization',
    config,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.authorization] }, consumer: { groupId: consumerGroupId(config) } },
    modules: [CatalogueModule, MembershipsModule, ResourcesModule, AssignmentsModule, GroupsModule, ClaimsModule, OrganizationsModule, SlugMigrationModule],
    http: {
      openapi: authorizationOpenApi,
      configure: (fastify, app) => {
        const index = app.get(AccessIndex, { strict: false });
        installNotifyFence(fastify, () => index.fence());
      },
    },
  });
});
