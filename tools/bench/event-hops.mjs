// Per-hop breakdown of the last run's event-visibility scenario, read from the databases the
// benchmark leaves behind (wos_bench_organizations, wos_bench_events):
//   outbox wait  outbox.created_at (now() of the POST's transaction, i.e. its start) -> outbox.published_at
//                (now() of the relay's batch transaction); includes the POST transaction itself
//   to stored    outbox.published_at -> events.received_at (the events consumer's insert)
// Usage: node tools/bench/event-hops.mjs [POSTGRES_URL]
import pg from 'pg';
import { summarize } from './lib.mjs';

const base = new URL(process.argv[2] ?? process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const db = (name) => {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return new pg.Client({ connectionString: u.toString() });
};

const orgs = db('wos_bench_organizations');
const events = db('wos_bench_events');
await orgs.connect();
await events.connect();
try {
  const { rows: outbox } = await orgs.query(
    `SELECT event_id, payload->'data'->>'name' AS name, created_at, published_at FROM outbox
     WHERE payload->>'event' = 'organization.created' AND payload->'data'->>'name' LIKE 'visibility % seq %'
        OR payload->>'event' = 'organization.created' AND payload->'data'->>'name' LIKE 'visibility % conc %'`,
  );
  const { rows: stored } = await events.query('SELECT id, received_at FROM events WHERE id = ANY($1)', [outbox.map((r) => r.event_id)]);
  const receivedAt = new Map(stored.map((r) => [r.id, r.received_at]));
  for (const kind of ['seq', 'conc']) {
    const mine = outbox.filter((r) => r.name.includes(` ${kind} `) && r.published_at && receivedAt.has(r.event_id));
    const wait = mine.map((r) => r.published_at - r.created_at);
    const toStored = mine.map((r) => receivedAt.get(r.event_id) - r.published_at);
    const fmt = (s) => `p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms`;
    console.log(`${kind === 'seq' ? 'sequential' : 'concurrent'} (${mine.length} events)`);
    console.log(`  POST transaction start -> relay batch: ${fmt(summarize(wait))}; ${wait.filter((ms) => ms > 900).length} over 900 ms`);
    console.log(`  relay batch -> Kafka -> stored by events: ${fmt(summarize(toStored))}`);
  }
} finally {
  await orgs.end();
  await events.end();
}
