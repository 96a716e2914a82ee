import './instrument';
import { Topic } from '@wos/contracts';
import { runMain, startService } from '@wos/platform';
import { consumerGroupId, loadAppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { adminPortalOpenApi } from './openapi';
import { TemplateSamplesModule } from './template-samples/template-samples.module';

runMain(() => {
  const config = loadAppConfig();
  // Infrastructure comes from the service kit; modules lists only the service's domain.
  return startService({
    name: 'admin-portal',
    config,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.adminPortal] }, consumer: { groupId: consumerGroupId(config) } },
    modules: [TemplateSamplesModule],
    http: { openapi: adminPortalOpenApi },
  });
});
