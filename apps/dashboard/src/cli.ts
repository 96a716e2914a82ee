import { EXIT, type CliContext, type CliModule } from '@wos/platform/cli';

/*
 * The Dashboard's `wos` command: `wos dashboard bootstrap` sets the console up (the built-in
 * environment, its audit organization, the owner with a generated password). The implementation
 * loads on first use, so listing commands never loads Prisma.
 */
export const cli: CliModule = {
  service: 'dashboard',
  groups: [
    {
      name: 'dashboard',
      summary: 'the Dashboard console: its built-in sign-in environment and owner',
      commands: [
        {
          name: 'bootstrap',
          summary: 'creates (once) the built-in environment, the audit organization and the owner; prints the owner\'s password',
          options: {
            email: { type: 'string', value: 'EMAIL', description: 'the owner\'s email (default owner@dashboard.example.com)' },
            file: { type: 'string', value: 'FILE', description: 'keeps the owner\'s credentials here (mode 0600) and reuses them on the next run' },
          },
          run: async (ctx: CliContext) => {
            const { runBootstrap } = require('./console/bootstrap.cli') as typeof import('./console/bootstrap.cli');
            await runBootstrap(ctx);
            return EXIT.ok;
          },
        },
      ],
    },
  ],
};
