import './instrument';
import { Topic } from '@wos/contracts';
import { runMain, startService } from '@wos/platform';
import { consumerGroupId, loadAppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { radarOpenApi } from './openapi';
import { TemplateSamplesModule } from './template-samples/template-samples.module';

runMain(() => {
  const config = loadAppConfig();
  // Infrastructure comes from the service kit; modules lists only the service's domain.
  return startService({
    name: 'radar',
    config,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.radar] }, consumer: { groupId: consumerGroupId(config) } },
    modules: [TemplateSamplesModule],
    http: { openapi: radarOpenApi },
  });
});
