import { EXIT, type CliCommand, type CliContext, type CliModule, type CliOption } from '@wos/platform/cli';

/*
 * The gateway's `wos` commands: environments, API keys, client IDs, redirect URIs and CORS
 * origins, straight against the gateway's database. The implementations load on first use
 * (./cli/credentials.commands), so listing the commands never loads Prisma.
 */

const DATABASE: Record<string, CliOption> = {
  'database-url': { type: 'string', value: 'URL', description: "the gateway's database (default $DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/wos_api_gateway)" },
};
const ENVIRONMENT: Record<string, CliOption> = { environment: { type: 'string', value: 'ID', description: 'the environment (environment_…), required' } };

function command(key: string, summary: string, options: Record<string, CliOption> = {}, args?: string): CliCommand {
  const name = key.includes(' ') ? key.split(' ')[1]! : '';
  return {
    name,
    summary,
    args,
    options: { ...options, ...DATABASE },
    run: async (ctx: CliContext) => {
      const { runCredentialsCommand } = require('./cli/credentials.commands') as typeof import('./cli/credentials.commands');
      await runCredentialsCommand(key, ctx);
      return EXIT.ok;
    },
  };
}

export const cli: CliModule = {
  service: 'api-gateway',
  groups: [
    {
      name: 'environments',
      summary: 'environments, each with its first API key and client ID',
      commands: [
        command('environments create', 'creates an environment; prints its API key (shown once) and client ID', {
          name: { type: 'string', value: 'NAME', description: 'its name, required' },
          kind: { type: 'string', value: 'test|live', description: 'sk_test_ or sk_live_ keys (default test)' },
        }),
        command('environments list', 'lists every environment'),
      ],
    },
    {
      name: 'api-keys',
      summary: "an environment's API keys (stored as hashes, shown once)",
      commands: [
        command('api-keys create', 'creates a key; prints it once', {
          ...ENVIRONMENT,
          name: { type: 'string', value: 'NAME', description: 'a label' },
          'rate-limit': { type: 'string', value: 'PER_MINUTE', description: "this key's own requests per minute (default RATE_LIMIT_DEFAULT)" },
        }),
        command('api-keys list', 'lists the keys, obfuscated', ENVIRONMENT),
        command('api-keys revoke', 'revokes a key at once', {}, 'API_KEY_ID'),
      ],
    },
    {
      name: 'client-ids',
      summary: "an environment's client IDs",
      commands: [command('client-ids create', 'creates a client ID', ENVIRONMENT), command('client-ids list', 'lists the client IDs', ENVIRONMENT)],
    },
    {
      name: 'redirect-uris',
      summary: "an environment's redirect URIs (compared byte for byte)",
      commands: [
        command('redirect-uris add', 'allows a redirect URI', { ...ENVIRONMENT, uri: { type: 'string', value: 'URI', description: 'the URI, required' } }),
        command('redirect-uris list', 'lists the redirect URIs', ENVIRONMENT),
        command('redirect-uris remove', 'removes a redirect URI', { ...ENVIRONMENT, uri: { type: 'string', value: 'URI', description: 'the URI, required' } }),
      ],
    },
    {
      name: 'cors-origins',
      summary: "an environment's CORS origins for public-client routes",
      commands: [
        command('cors-origins add', 'allows an origin', { ...ENVIRONMENT, origin: { type: 'string', value: 'ORIGIN', description: 'scheme://host[:port], required' } }),
        command('cors-origins list', 'lists the origins', ENVIRONMENT),
        command('cors-origins remove', 'removes an origin', { ...ENVIRONMENT, origin: { type: 'string', value: 'ORIGIN', description: 'the origin, required' } }),
      ],
    },
    {
      name: 'dev-credentials',
      summary: 'seeds the development environment once (the run command calls it)',
      commands: [
        command('dev-credentials', 'writes a Development environment\'s key, client ID and ID to a file (mode 0600), reusing it while its key works; allows http://localhost:3000/callback', {
          file: { type: 'string', value: 'PATH', description: 'the credentials file, required' },
        }),
      ],
    },
  ],
};
