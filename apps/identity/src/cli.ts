import { DEAD_LETTER_USAGE, DeadLetterUsageError, deadLetterDatabaseUrl, runDeadLetterCommand } from '@wos/platform/dead-letters';

const USAGE = `Usage: node apps/identity/dist/src/cli.js dead-letters <list|show|replay> [options]

${DEAD_LETTER_USAGE}

Prints JSON. Exit status: 0 on success, 1 when a replay failed or did not finish in time, 2 on a usage or other error.`;

/** Identity's operator commands: today the dead letters of its organization-events consumer. */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (argv[0] !== 'dead-letters') throw new DeadLetterUsageError(argv[0] ? `unknown command ${argv[0]}` : 'a command is required');
  return runDeadLetterCommand(argv.slice(1), deadLetterDatabaseUrl());
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof DeadLetterUsageError ? `${err.message}\n\n${USAGE}` : err.message);
    process.exit(2);
  },
);
