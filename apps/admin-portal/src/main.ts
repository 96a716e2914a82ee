import './instrument';
import { acceptFormBodies, runMain, startService } from '@wos/platform';
import { consumerGroupId, loadAppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { ItContactsModule } from './it-contacts/it-contacts.module';
import { LinksModule } from './links/links.module';
import { adminPortalOpenApi } from './openapi';
import { acceptMultipartForms } from './portal/multipart-form';
import { PortalModule } from './portal/portal.module';

/** The portal pages: the browser's session cookie (or the link's token) is the credential, never a signed context. */
export const PAGE_PATHS = ['/portal/o'];

runMain(() => {
  const config = loadAppConfig();
  // Infrastructure comes from the service kit; modules lists only the service's domain.
  return startService({
    name: 'admin-portal',
    config,
    kit: { prisma: PrismaService, consumer: { groupId: consumerGroupId(config) } },
    modules: [LinksModule, ItContactsModule, PortalModule],
    http: {
      openapi: adminPortalOpenApi,
      unsignedPathPrefixes: PAGE_PATHS,
      // Pasted or uploaded IdP metadata may be large; the sso service bounds it at 512 KiB.
      configure: (fastify) => {
        acceptFormBodies(fastify, PAGE_PATHS, 600 * 1024);
        acceptMultipartForms(fastify, PAGE_PATHS, 600 * 1024);
      },
    },
  });
});
