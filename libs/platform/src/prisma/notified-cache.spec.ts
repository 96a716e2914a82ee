import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import pino from 'pino';
import { testInfra, uniqueSuffix, waitFor } from '../testing/testing';
import { NotifiedCache } from './notified-cache';

/* Real Postgres: the cache answers from memory only while its LISTEN connection is up, and a NOTIFY or a reconnection drops what it held. */
describe('NotifiedCache', () => {
  const channel = `notified_cache_${uniqueSuffix().replace(/\W/g, '_').toLowerCase()}`;
  const loads: string[] = [];
  let failNext = false;
  let version = 0;
  let cache: NotifiedCache<string>;
  let admin: Client;

  const notify = (key: string) => admin.query('SELECT pg_notify($1, $2)', [channel, key]);
  /** Waits until a get of `key` is answered from memory (the listener is connected and the entry stored). */
  const cached = async (key: string) =>
    waitFor(
      async () => {
        await cache.get(key);
        const n = loads.length;
        await cache.get(key);
        return loads.length === n;
      },
      { timeoutMs: 10_000, intervalMs: 50, message: `${key} answered from the cache` },
    );

  before(async () => {
    admin = new Client({ connectionString: testInfra.postgresAdminUrl });
    await admin.connect();
    cache = new NotifiedCache({
      databaseUrl: testInfra.postgresAdminUrl,
      channel,
      load: async (key) => {
        loads.push(key);
        if (failNext) {
          failNext = false;
          throw new Error('database down');
        }
        return `${key}@${version}`;
      },
      maxEntries: 2,
      ttlMs: 60_000,
      log: pino({ level: 'silent' }),
    });
    cache.start();
  });
  after(async () => {
    await cache.stop();
    await admin.end();
  });

  test('a NOTIFY of a key drops it: the next get reads again', async () => {
    await cached('a');
    version++;
    await notify('a');
    await waitFor(async () => (await cache.get('a')) === `a@${version}`, { timeoutMs: 2000, intervalMs: 10, message: 'a re-read after its NOTIFY' });
  });

  test('fence: a NOTIFY committed before the call has been applied when it resolves', async () => {
    for (let round = 0; round < 20; round++) {
      await cached('g');
      version++;
      await notify('g');
      await cache.fence();
      const n = loads.length;
      assert.equal(await cache.get('g'), `g@${version}`, `round ${round}: the value read after the fence`);
      assert.equal(loads.length, n + 1);
    }
  });

  test('a failed read is not kept', async () => {
    failNext = true;
    await assert.rejects(cache.get('f'), /database down/);
    assert.equal(await cache.get('f'), `f@${version}`);
  });

  test('at most maxEntries keys, the oldest dropped first', async () => {
    await cached('x');
    await cached('y');
    await cached('z');
    const n = loads.length;
    await cache.get('x');
    assert.equal(loads.length, n + 1, 'x, the oldest, was dropped');
  });

  test('while the LISTEN connection is lost nothing is served from memory; after it is back, nothing from before', async () => {
    await cached('k');
    const before = version;
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`listen:${channel}`]);
    version++;
    // Lost (nothing cached) or already reconnected (cache cleared): either way the new value, never `before`'s.
    await waitFor(async () => (await cache.get('k')) === `k@${version}`, { timeoutMs: 5000, intervalMs: 20, message: 'k re-read after the connection was lost' });
    assert.notEqual(version, before);
    // Reconnected and trusted again: what it answers from memory was read after the reconnection.
    await cached('k');
    assert.equal(await cache.get('k'), `k@${version}`);
  });

  test('with weigh, at most maxWeight of loaded values, the oldest dropped first', async () => {
    const weighedLoads: string[] = [];
    const weighed = new NotifiedCache<string>({
      databaseUrl: testInfra.postgresAdminUrl,
      channel: `${channel}_weighed`,
      load: async (key) => (weighedLoads.push(key), key),
      weigh: (value) => value.length,
      maxWeight: 10,
      maxEntries: 100,
      ttlMs: 60_000,
      log: pino({ level: 'silent' }),
    });
    weighed.start();
    try {
      await waitFor(() => weighed.serving || undefined, { timeoutMs: 10_000, intervalMs: 20, message: 'listening' });
      await weighed.get('aaaa');
      await weighed.get('bbbb');
      await weighed.get('aaaa');
      assert.deepEqual(weighedLoads, ['aaaa', 'bbbb'], '8 of 10: both kept');
      await weighed.get('cccc');
      await weighed.get('bbbb');
      await weighed.get('cccc');
      assert.deepEqual(weighedLoads, ['aaaa', 'bbbb', 'cccc'], '12 of 10: the oldest (aaaa) dropped, bbbb and cccc kept');
      await weighed.get('aaaa');
      assert.equal(weighedLoads.length, 4, 'aaaa read again');
    } finally {
      await weighed.stop();
    }
  });

  test('a NOTIFY of a scope drops every key in it and no other (scopesOf)', async () => {
    const scopedLoads: string[] = [];
    const scoped = new NotifiedCache<string>({
      databaseUrl: testInfra.postgresAdminUrl,
      channel: `${channel}_scoped`,
      // Keys `environment/owner/name`: scopes are the environment and the owner within it.
      scopesOf: (key) => {
        const [env, owner] = key.split('/');
        return [env!, `${env}/${owner}`];
      },
      load: async (key) => (scopedLoads.push(key), `${key}@${scopedLoads.length}`),
      maxEntries: 100,
      ttlMs: 60_000,
      log: pino({ level: 'silent' }),
    });
    scoped.start();
    try {
      const keys = ['e1/a/x', 'e1/b/y', 'e2/a/z'];
      const held = async () => {
        const n = scopedLoads.length;
        for (const k of keys) await scoped.get(k);
        return scopedLoads.slice(n);
      };
      await waitFor(async () => (await held()).length === 0 || undefined, { timeoutMs: 10_000, intervalMs: 50, message: 'all three answered from the cache' });
      const scopedNotify = (scope: string) => admin.query('SELECT pg_notify($1, $2)', [`${channel}_scoped`, scope]);
      await scopedNotify('e1/a');
      await waitFor(async () => (await held()).join() === 'e1/a/x' || undefined, { timeoutMs: 2000, intervalMs: 10, message: 'only e1/a/x re-read after e1/a' });
      await scopedNotify('e1');
      await waitFor(async () => (await held()).join() === 'e1/a/x,e1/b/y' || undefined, { timeoutMs: 2000, intervalMs: 10, message: 'both keys of e1 re-read after e1, not e2/a/z' });
      scoped.forgetScope('e2');
      assert.deepEqual(await held(), ['e2/a/z'], "this process's own change drops its scope at once");
    } finally {
      await scoped.stop();
    }
  });
});
