import { CliFailure, CliUsageError, type CliCommand, type CliContext, type CliGroup, type CliOption } from './command';

/** The run command's database for a service (tools/run.sh names them wos_<app>). */
export function defaultDatabaseUrl(service: string): string {
  return `postgresql://postgres@127.0.0.1:5432/wos_${service.replace(/-/g, '_')}`;
}

/** `--database-url` of a command that works on one service's database. */
export const databaseUrlOption = (service: string): CliOption => ({ type: 'string', value: 'URL', description: `${service}'s database (default $DATABASE_URL, else ${defaultDatabaseUrl(service)})` });

/** That database: `--database-url`, else $DATABASE_URL (the service's own environment), else the run command's. */
export function databaseUrlOf(ctx: CliContext, service: string): string {
  return (ctx.options['database-url'] as string | undefined) ?? ctx.env.DATABASE_URL ?? defaultDatabaseUrl(service);
}

/** The shared `dead-letters` group with this service's command; every consuming service adds it. */
export function deadLettersGroup(service: string): CliGroup {
  return { name: 'dead-letters', summary: "messages a service's consumers or outbox relay set aside, and their replay", commands: [deadLettersCommand(service)] };
}

/**
 * `wos dead-letters <service> list|show|replay` (its consumers' dead letters) and
 * `wos dead-letters <service> outbox list|show|replay` (its outbox relay's): every service's
 * module adds this command under the shared `dead-letters` group, against its own database.
 */
export function deadLettersCommand(service: string): CliCommand {
  return {
    name: service,
    summary: `messages ${service}'s consumers (or, after "outbox", its outbox relay) set aside: list, show ID, replay ID`,
    args: 'list | show ID | replay ID | outbox list | outbox show ID | outbox replay ID',
    options: {
      group: { type: 'string', value: 'GROUP', description: 'list: only this consumer group' },
      all: { type: 'boolean', description: 'list: include the ones already replayed' },
      'wait-ms': { type: 'string', value: 'N', description: 'replay: how long to wait for a running replica to apply it, or the relay to publish it (default 30000)' },
      'database-url': databaseUrlOption(service),
    },
    details: [
      'list: the messages that were not valid envelopes, or that the consumer kept failing on.',
      'show: one dead letter with its message (value as text, key and headers).',
      'replay: asks a running replica to apply the message again through its consumer (after the fix is',
      'deployed) and waits for the outcome; applying is idempotent. Exit 1 when it failed or no replica applied it in time.',
      'outbox list|show|replay: the events the service could not publish (larger than Kafka takes). replay appends',
      'the event to the outbox again (after raising the broker\'s limit) and waits until the relay published it;',
      'exit 1 when it was set aside again or not published in time.',
    ].join('\n'),
    async run(ctx) {
      if (ctx.positionals[0] === 'outbox') return runOutbox(ctx, service);
      const { runDeadLetterCommand, DeadLetterUsageError, deadLetterDatabaseUrl } = require('../kafka/dead-letter-cli') as typeof import('../kafka/dead-letter-cli');
      const url = deadLetterDatabaseUrl({ DATABASE_URL: databaseUrlOf(ctx, service) });
      const argv = [...ctx.positionals];
      if (typeof ctx.options.group === 'string') argv.push('--group', ctx.options.group);
      if (ctx.options.all) argv.push('--all');
      if (typeof ctx.options['wait-ms'] === 'string') argv.push('--wait-ms', ctx.options['wait-ms']);
      try {
        return await runDeadLetterCommand(argv, url, (text) => ctx.result(JSON.parse(text)));
      } catch (err) {
        // "no dead letter N" is a failed lookup (exit 1); anything else it refuses is usage (exit 2).
        if (err instanceof DeadLetterUsageError) throw /^no dead letter/.test(err.message) ? new CliFailure(err.message) : new CliUsageError(err.message);
        throw err;
      }
    },
  };
}

/** `wos dead-letters <service> outbox …`: the service's outbox dead letters (outbox/outbox-dead-letter-cli.ts). */
async function runOutbox(ctx: CliContext, service: string): Promise<number> {
  const { DeadLetterUsageError, deadLetterDatabaseUrl } = require('../kafka/dead-letter-cli') as typeof import('../kafka/dead-letter-cli');
  const { runOutboxDeadLetterCommand } = require('../outbox/outbox-dead-letter-cli') as typeof import('../outbox/outbox-dead-letter-cli');
  if (typeof ctx.options.group === 'string') throw new CliUsageError('--group names a consumer group; the outbox has none');
  const url = deadLetterDatabaseUrl({ DATABASE_URL: databaseUrlOf(ctx, service) });
  const argv = ctx.positionals.slice(1);
  if (ctx.options.all) argv.push('--all');
  if (typeof ctx.options['wait-ms'] === 'string') argv.push('--wait-ms', ctx.options['wait-ms']);
  try {
    return await runOutboxDeadLetterCommand(argv, url, (text) => ctx.result(JSON.parse(text)));
  } catch (err) {
    if (err instanceof DeadLetterUsageError) throw /^no outbox dead letter/.test(err.message) ? new CliFailure(err.message) : new CliUsageError(err.message);
    throw err;
  }
}
