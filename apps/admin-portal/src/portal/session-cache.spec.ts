import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalSessionCache, SESSION_CACHE_TTL_MS, type SessionKey } from './session-cache';

const session = (environmentId: string, organizationId: string, tokenHash: string, writes = 0): SessionKey => ({ environmentId, organizationId, tokenHash, writes });
const cacheOf = (readMs = 5_000) => new PortalSessionCache({ PORTAL_READ_CACHE_MS: readMs });
/** A loader that counts its calls and answers `values` in turn (the last one repeatedly). */
function loader<T>(...values: T[]) {
  const l = Object.assign(async () => values[Math.min(l.calls++, values.length - 1)]!, { calls: 0 });
  return l;
}

describe('PortalSessionCache', () => {
  test('an entry serves its own session only: never another session, organization or environment', async () => {
    const cache = cacheOf();
    const mine = session('environment_A', 'org_A', 'a'.repeat(64));
    let loads = 0;
    const load = (name: string) => async () => {
      loads++;
      return name;
    };
    assert.equal(await cache.remember(mine, 'organization_name', load('Acme')), 'Acme');
    assert.equal(await cache.remember(mine, 'organization_name', load('ignored')), 'Acme');
    assert.equal(loads, 1);
    // The same key under another session, organization or environment is a different entry.
    for (const other of [session('environment_A', 'org_A', 'b'.repeat(64)), session('environment_A', 'org_B', 'a'.repeat(64)), session('environment_B', 'org_A', 'a'.repeat(64))]) {
      assert.equal(cache.get(other, 'organization_name'), undefined);
      assert.equal(await cache.remember(other, 'organization_name', load('Other')), 'Other');
      assert.equal(await cache.read(other, 'page:sso', load('other page')), 'other page');
    }
    assert.equal(loads, 7);
    assert.equal(await cache.remember(mine, 'organization_name', load('ignored')), 'Acme');
    assert.equal(await cache.read(mine, 'page:sso', load('mine')), 'mine');
    // Tuples that would concatenate alike stay apart.
    cache.set(session('environment_A', 'org_A', 'x'), 'y', 1);
    assert.equal(cache.get(session('environment_A', 'org_Ax', ''), 'y'), undefined);
  });

  test('a failed or empty answer is not remembered', async () => {
    const cache = cacheOf();
    const s = session('environment_A', 'org_A', 'a'.repeat(64));
    await assert.rejects(cache.remember(s, 'sp', async () => Promise.reject(new Error('sso down'))));
    assert.equal(await cache.remember(s, 'organization_name', async () => null), null);
    assert.equal(cache.get(s, 'sp'), undefined);
    assert.equal(cache.get(s, 'organization_name'), undefined);
    assert.equal(await cache.remember(s, 'organization_name', async () => 'Acme'), 'Acme');
  });

  test('a page read is kept for PORTAL_READ_CACHE_MS: fresh within it, read again after it', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const cache = cacheOf(5_000);
    const s = session('environment_A', 'org_A', 'a'.repeat(64));
    const load = loader(['domain 1'], ['domain 1', 'domain 2']);
    assert.deepEqual(await cache.read(s, 'page:domains', load), ['domain 1']);
    t.mock.timers.tick(4_999);
    assert.deepEqual(await cache.read(s, 'page:domains', load), ['domain 1']);
    assert.equal(load.calls, 1, 'within the TTL: no second read');
    t.mock.timers.tick(1);
    assert.deepEqual(await cache.read(s, 'page:domains', load), ['domain 1', 'domain 2']);
    assert.equal(load.calls, 2, 'the TTL passed: read again');
    // The session-long values keep their own (longer) TTL.
    await cache.remember(s, 'organization_name', async () => 'Acme');
    t.mock.timers.tick(SESSION_CACHE_TTL_MS - 1);
    assert.equal(cache.get(s, 'organization_name'), 'Acme');
    assert.deepEqual(await cache.read(s, 'page:domains', load), ['domain 1', 'domain 2']);
    assert.equal(load.calls, 3);
  });

  test('PORTAL_READ_CACHE_MS=0 keeps no page read', async () => {
    const cache = cacheOf(0);
    const s = session('environment_A', 'org_A', 'a'.repeat(64));
    const load = loader(['stream']);
    await cache.read(s, 'page:log_streams', load);
    await cache.read(s, 'page:log_streams', load);
    assert.equal(load.calls, 2);
    assert.equal(await cache.remember(s, 'organization_name', async () => 'Acme'), 'Acme');
    assert.equal(cache.get(s, 'organization_name'), 'Acme', 'the session-long values are still remembered');
  });

  test('errors, empty answers and what `keep` refuses are not kept; the next read asks again', async () => {
    const cache = cacheOf();
    const s = session('environment_A', 'org_A', 'a'.repeat(64));
    let calls = 0;
    const failing = async (): Promise<string[]> => {
      calls++;
      throw new Error('503 from directory-sync');
    };
    await assert.rejects(cache.read(s, 'page:dsync', failing));
    await assert.rejects(cache.read(s, 'page:dsync', failing));
    assert.equal(calls, 2, 'a failure is not kept');
    for (const empty of [[], null, undefined]) {
      const load = loader<unknown>(empty);
      await cache.read(s, 'page:x', load);
      await cache.read(s, 'page:x', load);
      assert.equal(load.calls, 2, `${JSON.stringify(empty)} is not kept`);
    }
    const noConnection = loader({ connection: null as string | null });
    await cache.read(s, 'page:sso', noConnection, (x) => x.connection !== null);
    await cache.read(s, 'page:sso', noConnection, (x) => x.connection !== null);
    assert.equal(noConnection.calls, 2, 'refused by keep: not kept');
    const withConnection = loader({ connection: 'conn_1' as string | null });
    await cache.read(s, 'page:sso', withConnection, (x) => x.connection !== null);
    await cache.read(s, 'page:sso', withConnection, (x) => x.connection !== null);
    assert.equal(withConnection.calls, 1);
  });

  test('a session whose row counts another write (made through another replica) reads afresh; its old entries are never served again', async () => {
    const cache = cacheOf();
    const before = session('environment_A', 'org_A', 'a'.repeat(64), 3);
    const load = loader(['before the write'], ['after the write']);
    await cache.read(before, 'page:domains', load);
    await cache.read(before, 'page:domains', load);
    assert.equal(load.calls, 1, 'kept while the count stands');
    const after = { ...before, writes: 4 };
    assert.equal(cache.get(after, 'page:domains'), undefined, 'nothing read before the write is there for the new count');
    assert.deepEqual(await cache.read(after, 'page:domains', load), ['after the write']);
    assert.deepEqual(await cache.read(after, 'page:domains', load), ['after the write']);
    assert.equal(load.calls, 2);
  });

  test("dropSession forgets one session's entries only; a load in flight across the drop is not kept", async () => {
    const cache = cacheOf();
    const s = session('environment_A', 'org_A', 'a'.repeat(64));
    const other = session('environment_A', 'org_A', 'b'.repeat(64));
    const load = loader(['before'], ['after']);
    const otherLoad = loader(['other']);
    await cache.read(s, 'page:domains', load);
    await cache.read(other, 'page:domains', otherLoad);
    cache.dropSession(s);
    assert.deepEqual(await cache.read(s, 'page:domains', load), ['after'], 'the render after a write reads afresh');
    await cache.read(other, 'page:domains', otherLoad);
    assert.equal(otherLoad.calls, 1, 'another session of the organization keeps its entries');

    // A render that began reading before the write, and finishes after it, must not leave its old answer behind.
    let release!: (v: string[]) => void;
    const slow = cache.read(s, 'page:streams', () => new Promise<string[]>((r) => (release = r)));
    await new Promise((r) => setImmediate(r));
    cache.dropSession(s);
    release(['stale']);
    assert.deepEqual(await slow, ['stale'], 'its caller still gets the answer');
    const fresh = loader(['fresh']);
    assert.deepEqual(await cache.read(s, 'page:streams', fresh), ['fresh']);
    assert.equal(fresh.calls, 1);
  });

  test("dropOrganization forgets every session of the organization, in that environment only", async () => {
    const cache = cacheOf();
    const a1 = session('environment_A', 'org_A', 'a'.repeat(64));
    const a2 = session('environment_A', 'org_A', 'b'.repeat(64));
    const otherOrg = session('environment_A', 'org_AB', 'a'.repeat(64));
    const otherEnv = session('environment_B', 'org_A', 'a'.repeat(64));
    for (const s of [a1, a2, otherOrg, otherEnv]) await cache.read(s, 'page:domains', async () => ['d']);
    cache.dropOrganization('environment_A', 'org_A');
    assert.equal(cache.get(a1, 'page:domains'), undefined);
    assert.equal(cache.get(a2, 'page:domains'), undefined);
    assert.deepEqual(cache.get(otherOrg, 'page:domains'), ['d']);
    assert.deepEqual(cache.get(otherEnv, 'page:domains'), ['d']);
  });

  test('bounded: the oldest sessions go first, and a session keeps a bounded number of entries', async () => {
    const cache = cacheOf();
    const first = session('environment_A', 'org_A', '0');
    cache.set(first, 'what', 1);
    for (let i = 1; i <= 2_000; i++) cache.set(session('environment_A', 'org_A', String(i)), 'what', i);
    assert.equal(cache.get(first, 'what'), undefined, 'the oldest session was dropped');
    assert.equal(cache.get(session('environment_A', 'org_A', '2000'), 'what'), 2000);
    const s = session('environment_A', 'org_A', 'many');
    for (let i = 0; i < 100; i++) cache.set(s, `sp:${i}`, i);
    assert.equal(cache.get(s, 'sp:0'), undefined, 'the oldest entry of the session was dropped');
    assert.equal(cache.get(s, 'sp:99'), 99);
  });
});
