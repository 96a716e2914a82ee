import { CliFailure, EXIT, type CliContext } from '@wos/platform/cli';
import { createPgPool, createPrismaAdapter, DomainError } from '@wos/platform';
import { PrismaClient } from '../generated/prisma/client';
import { loadAppConfig } from '../config';
import { UpstreamClient } from '../upstream/upstream.client';
import { ConsoleRepository } from './console.repository';
import { bootstrapConsole, DEFAULT_OWNER_EMAIL } from './bootstrap.commands';

/** `wos dashboard bootstrap`: with the dashboard's own configuration (its database, its peers' keys and URLs). */
export async function runBootstrap(ctx: CliContext): Promise<void> {
  const config = loadAppConfig(ctx.env);
  const pool = createPgPool(config.DATABASE_URL, 2);
  const prisma = new PrismaClient({ adapter: createPrismaAdapter(pool) });
  try {
    const o = ctx.options as Record<string, string | undefined>;
    const r = await bootstrapConsole({ config, upstream: new UpstreamClient(config), repo: new ConsoleRepository(prisma) }, { email: o.email ?? DEFAULT_OWNER_EMAIL, file: o.file });
    ctx.result(r, () => [`Dashboard  ${r.dashboard_url}`, `Owner      ${r.email}`, `Password   ${r.password}`].join('\n'));
  } catch (err) {
    if (err instanceof DomainError) throw new CliFailure(err.message, err.status === 503 ? EXIT.unavailable : EXIT.failure);
    throw err;
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }
}
