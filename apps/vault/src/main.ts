import './instrument';
import { Topic } from '@wos/contracts';
import { runMain, startService } from '@wos/platform';
import { consumerGroupId, loadAppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { vaultOpenApi } from './openapi';
import { KeysModule } from './keys/keys.module';
import { ObjectsModule } from './objects/objects.module';

runMain(() => {
  const config = loadAppConfig();
  return startService({
    name: 'vault',
    config,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.vault] }, consumer: { groupId: consumerGroupId(config) } },
    modules: [KeysModule, ObjectsModule],
    http: { openapi: vaultOpenApi },
  });
});
