import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { ConsumerDeadLetters } from './dead-letters';
import { databaseConfigSchema, loadConfig } from '../config/config';

/** The dead-letter commands need only the service's database (DATABASE_URL, parsed like the service's). */
export function deadLetterDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return loadConfig(databaseConfigSchema.pick({ DATABASE_URL: true }), env).DATABASE_URL;
}

export class DeadLetterUsageError extends Error {}

/**
 * `wos dead-letters <service> …` (libs/platform/src/cli/dead-letters.command.ts). Returns the exit status:
 * 0 done, 1 the replay failed or did not finish in time. Throws DeadLetterUsageError on bad usage.
 */
export async function runDeadLetterCommand(argv: string[], databaseUrl: string, print: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { group: { type: 'string' }, all: { type: 'boolean', default: false }, 'wait-ms': { type: 'string', default: '30000' } },
  });
  const [command, id] = positionals;
  const needId = () => {
    if (!id || !/^\d{1,18}$/.test(id)) throw new DeadLetterUsageError('a numeric dead-letter ID is required');
    return id;
  };
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  const store = new ConsumerDeadLetters(pool);
  const json = (v: unknown) => print(JSON.stringify(v, null, 2));
  try {
    switch (command) {
      case 'list':
        json(await store.list({ group: values.group, includeReplayed: values.all }));
        return 0;
      case 'show': {
        const row = await store.get(needId());
        if (!row) throw new DeadLetterUsageError(`no dead letter ${id}`);
        json({ ...row, message_key: row.message_key?.toString('utf8') ?? null, message_value: row.message_value?.toString('utf8') ?? null });
        return 0;
      }
      case 'replay': {
        const outcome = await store.requestReplay(needId());
        if (outcome === 'not_found') throw new DeadLetterUsageError(`no dead letter ${id}`);
        if (outcome === 'already_replayed') {
          json({ id, status: 'already_replayed' });
          return 0;
        }
        return await waitForReplay(store, id!, Number(values['wait-ms']), json);
      }
      default:
        throw new DeadLetterUsageError(`unknown dead-letters command ${command ?? ''}`);
    }
  } finally {
    await pool.end();
  }
}

async function waitForReplay(store: ConsumerDeadLetters, id: string, waitMs: number, json: (v: unknown) => void): Promise<number> {
  const deadline = Date.now() + (Number.isFinite(waitMs) ? waitMs : 30_000);
  for (;;) {
    const row = await store.get(id);
    if (row?.replayed_at) {
      json({ id, status: 'replayed', replayed_at: row.replayed_at });
      return 0;
    }
    if (row?.replay_error && !row.replay_requested_at) {
      json({ id, status: 'failed', error: row.replay_error });
      return 1;
    }
    if (Date.now() > deadline) {
      json({ id, status: 'pending', note: 'requested; no running replica applied it yet (it will when one runs)' });
      return 1;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
