import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { DeadLetterUsageError } from '../kafka/dead-letter-cli';
import { OutboxDeadLetters } from './outbox-dead-letters';

/**
 * `wos dead-letters <service> outbox …` (libs/platform/src/cli/dead-letters.command.ts): the rows
 * the service's outbox relay set aside. Returns the exit status: 0 done, 1 the replayed row was
 * dead-lettered again or not published in time. Throws DeadLetterUsageError on bad usage.
 */
export async function runOutboxDeadLetterCommand(argv: string[], databaseUrl: string, print: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { all: { type: 'boolean', default: false }, 'wait-ms': { type: 'string', default: '30000' } },
  });
  const [command, id] = positionals;
  const needId = () => {
    if (!id || !/^\d{1,18}$/.test(id)) throw new DeadLetterUsageError('a numeric dead-letter ID is required');
    return id;
  };
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  const store = new OutboxDeadLetters(pool);
  const json = (v: unknown) => print(JSON.stringify(v, null, 2));
  try {
    switch (command) {
      case 'list':
        json(await store.list({ includeReplayed: values.all }));
        return 0;
      case 'show': {
        const row = await store.get(needId());
        if (!row) throw new DeadLetterUsageError(`no outbox dead letter ${id}`);
        json(row);
        return 0;
      }
      case 'replay': {
        const outcome = await store.replay(needId());
        if (outcome.status === 'not_found') throw new DeadLetterUsageError(`no outbox dead letter ${id}`);
        if (outcome.status === 'already_replayed') {
          json({ id, status: 'already_replayed', seq: outcome.seq });
          return 0;
        }
        return await waitForPublish(store, id!, outcome.seq, Number(values['wait-ms']), json);
      }
      default:
        throw new DeadLetterUsageError(`unknown dead-letters outbox command ${command ?? ''}`);
    }
  } finally {
    await pool.end();
  }
}

/** Waits until the service's relay published the replayed row (or set it aside again). */
async function waitForPublish(store: OutboxDeadLetters, id: string, seq: string, waitMs: number, json: (v: unknown) => void): Promise<number> {
  const deadline = Date.now() + (Number.isFinite(waitMs) ? waitMs : 30_000);
  for (;;) {
    const s = await store.replayState(seq);
    if (s.state === 'published') {
      json({ id, status: 'published', seq, published_at: s.published_at });
      return 0;
    }
    if (s.state === 'dead_lettered') {
      json({ id, status: 'dead_lettered_again', seq, dead_letter_id: s.id, error: s.error });
      return 1;
    }
    if (Date.now() > deadline) {
      json({ id, status: 'pending', seq, note: 'appended to the outbox; no running relay published it yet (it will when one runs)' });
      return 1;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
