import './instrument';
import { Topic } from '@wos/contracts';
import { runMain, startService } from '@wos/platform';
import { consumerGroupId, loadAppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { authorizationOpenApi } from './openapi';
import { TemplateSamplesModule } from './template-samples/template-samples.module';

runMain(() => {
  const config = loadAppConfig();
  // Infrastructure comes from the service kit; modules lists only the service's domain.
  return startService({
    name: 'authorization',
    config,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.authorization] }, consumer: { groupId: consumerGroupId(config) } },
    modules: [TemplateSamplesModule],
    http: { openapi: authorizationOpenApi },
  });
});
