import './instrument';
import { acceptFormBodies, runMain, startService } from '@wos/platform';
import { loadAppConfig } from './config';
import { ConsoleModule } from './console/console.module';
import { PrismaService } from './infra/prisma.service';
import { dashboardOpenApi } from './openapi';

/** The console's pages: the browser's session cookie is the credential, never a signed context. */
export const PAGE_PATHS = ['/dashboard'];

runMain(() => {
  const config = loadAppConfig();
  // Infrastructure comes from the service kit; modules lists only the service's domain. The
  // console publishes no events and consumes none: its changes are other services' API calls.
  return startService({
    name: 'dashboard',
    config,
    kit: { prisma: PrismaService },
    modules: [ConsoleModule],
    http: {
      openapi: dashboardOpenApi,
      unsignedPathPrefixes: PAGE_PATHS,
      // Pasted IdP metadata may be large; the sso service bounds it at 512 KiB.
      configure: (fastify) => acceptFormBodies(fastify, PAGE_PATHS, 600 * 1024),
    },
  });
});
