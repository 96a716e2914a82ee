import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalSessionCache, type SessionKey } from './session-cache';

const session = (environmentId: string, organizationId: string, tokenHash: string): SessionKey => ({ environmentId, organizationId, tokenHash });

describe('PortalSessionCache', () => {
  test('an entry serves its own session only: never another session, organization or environment', async () => {
    const cache = new PortalSessionCache();
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
    }
    assert.equal(loads, 4);
    assert.equal(await cache.remember(mine, 'organization_name', load('ignored')), 'Acme');
    // Tuples that would concatenate alike stay apart.
    cache.set(session('environment_A', 'org_A', 'x'), 'y', 1);
    assert.equal(cache.get(session('environment_A', 'org_Ax', ''), 'y'), undefined);
  });

  test('a failed or empty answer is not remembered', async () => {
    const cache = new PortalSessionCache();
    const s = session('environment_A', 'org_A', 'a'.repeat(64));
    await assert.rejects(cache.remember(s, 'sp', async () => Promise.reject(new Error('sso down'))));
    assert.equal(await cache.remember(s, 'organization_name', async () => null), null);
    assert.equal(cache.get(s, 'sp'), undefined);
    assert.equal(cache.get(s, 'organization_name'), undefined);
    assert.equal(await cache.remember(s, 'organization_name', async () => 'Acme'), 'Acme');
  });
});
