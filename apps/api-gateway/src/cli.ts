import { parseArgs } from 'node:util';
import { ConfigError, DomainError, createPgPool, createPrismaAdapter } from '@wos/platform';
import { PrismaClient } from './generated/prisma/client';
import { loadCliConfig } from './config';
import { CredentialsRepository } from './credentials/credentials.repository';
import { CredentialsService } from './credentials/credentials.service';
import { COMMANDS, UsageError, type CommandArgs } from './cli/credentials.commands';

const USAGE = `Usage: node apps/api-gateway/dist/src/cli.js <command> [options]

  environments create --name NAME [--kind test|live] [--json]
  environments list [--json]
  api-keys create --environment ID [--name NAME] [--rate-limit PER_MINUTE] [--json]
  api-keys list --environment ID [--json]
  api-keys revoke API_KEY_ID [--json]
  client-ids create --environment ID [--json]
  client-ids list --environment ID [--json]
  redirect-uris add --environment ID --uri URI [--json]
  redirect-uris list --environment ID [--json]
  redirect-uris remove --environment ID --uri URI [--json]
  cors-origins add --environment ID --origin ORIGIN [--json]
  cors-origins list --environment ID [--json]
  cors-origins remove --environment ID --origin ORIGIN [--json]
  dev-credentials --file PATH   (creates a Development environment allowing http://localhost:3000/callback)

DATABASE_URL selects the database (default postgresql://postgres@127.0.0.1:5432/wos_api_gateway).
Exit status: 0 on success, 2 on any error.`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      kind: { type: 'string' },
      json: { type: 'boolean', default: false },
      environment: { type: 'string' },
      'rate-limit': { type: 'string' },
      file: { type: 'string' },
      uri: { type: 'string' },
      origin: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(USAGE), 0;
  const [group = '', action = ''] = positionals;
  const twoWord = COMMANDS[`${group} ${action}`];
  const command = twoWord ?? COMMANDS[group];
  if (!command) throw new UsageError(group ? `unknown command "${positionals.slice(0, 2).join(' ')}"` : 'no command given');
  const args: CommandArgs = {
    positionals: positionals.slice(twoWord ? 2 : 1),
    name: values.name,
    kind: values.kind,
    json: values.json,
    environment: values.environment,
    rateLimit: values['rate-limit'],
    file: values.file,
    uri: values.uri,
    origin: values.origin,
  };
  const pool = createPgPool(loadCliConfig().DATABASE_URL, 2);
  const prisma = new PrismaClient({ adapter: createPrismaAdapter(pool) });
  try {
    await command(new CredentialsService(new CredentialsRepository(prisma)), args, (text) => console.log(text));
    return 0;
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }
}

function describeError(err: unknown): string {
  if (err instanceof UsageError) return `${err.message}\n\n${USAGE}`;
  if (err instanceof DomainError || err instanceof ConfigError) return err.message;
  const e = err as { code?: string; message?: string };
  if (e.code === 'P2021' || e.code === 'P1003') {
    return 'The gateway database or its tables do not exist yet. Run, with the same DATABASE_URL: node tools/migrate.mjs api-gateway';
  }
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return `${e.message}\n\n${USAGE}`;
  }
  // Prisma's messages start with a code frame; the cause is the last line.
  const lines = (e.message ?? String(err)).split('\n').filter((l) => l.trim());
  return lines[lines.length - 1] ?? 'unknown error';
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`error: ${describeError(err)}`);
    process.exitCode = 2;
  },
);
