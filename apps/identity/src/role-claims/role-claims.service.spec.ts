import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, ValidationError, type Logger, type Redis } from '@wos/platform';
import type { AppConfig } from '../config';
import type { RoleClaims, RoleClaimsClient } from './role-claims.client';
import { RoleClaimsService } from './role-claims.service';

/* A map with the three Redis commands the service uses. */
function fakeRedis(): Redis {
  const m = new Map<string, string>();
  return {
    get: async (k: string) => m.get(k) ?? null,
    set: async (k: string, v: string) => (m.set(k, v), 'OK'),
    incr: async (k: string) => {
      const n = Number(m.get(k) ?? 0) + 1;
      m.set(k, String(n));
      return n;
    },
  } as unknown as Redis;
}

const logger = { child: () => ({ warn: () => undefined }) } as unknown as Logger;
const config = { ROLE_CLAIMS_CACHE_SECONDS: 60 } as AppConfig;

function service(answer: () => Promise<RoleClaims>, enabled = true) {
  let calls = 0;
  const client = { enabled, fetch: () => (calls++, answer()) } as unknown as RoleClaimsClient;
  return { svc: new RoleClaimsService(client, fakeRedis(), config, logger), calls: () => calls };
}

describe('RoleClaimsService', () => {
  const claims: RoleClaims = { role: 'admin', roles: ['admin'], permissions: ['docs:read'], unknown_role_slugs: ['legacy'], default_role_slug: 'viewer' };

  test('caches per slugs until an event bumps the environment generation', async () => {
    const { svc, calls } = service(async () => claims);
    const first = await svc.forToken('env_1', 'org_1', ['admin', 'legacy']);
    assert.deepEqual(first, { role: 'admin', roles: ['admin', 'legacy'], permissions: ['docs:read'] });
    await svc.forToken('env_1', 'org_1', ['admin', 'legacy']);
    assert.equal(calls(), 1);
    await svc.invalidate('env_1');
    await svc.forToken('env_1', 'org_1', ['admin', 'legacy']);
    assert.equal(calls(), 2);
  });

  test('an unreachable authorization withholds permissions and never fails the sign-in', async () => {
    const { svc } = service(async () => {
      throw new DomainError(503, 'service_unavailable', 'down');
    });
    assert.deepEqual(await svc.forToken('env_1', 'org_1', ['admin']), { role: 'admin', roles: ['admin'], permissions: [] });
    await assert.rejects(svc.validate('env_1', 'org_1', ['admin']), (err: DomainError) => err.status === 503);
  });

  test('validation refuses unknown slugs; without authorization deployed slugs stay free-form', async () => {
    await assert.rejects(service(async () => claims).svc.validate('env_1', 'org_1', ['admin', 'legacy']), ValidationError);
    const off = service(async () => claims, false);
    await off.svc.validate('env_1', 'org_1', ['anything']);
    assert.deepEqual(await off.svc.forToken('env_1', 'org_1', ['anything']), { role: 'anything', roles: ['anything'], permissions: [] });
    assert.equal(off.calls(), 0);
  });

  test('a grant gets the wanted slugs the catalogue knows, else its default role; free-form without authorization', async () => {
    const { svc } = service(async () => claims);
    assert.deepEqual(await svc.grantableSlugs('env_1', 'org_1', ['admin', 'legacy']), ['admin']);
    // A role deleted since an invitation named it, or none named: the catalogue's default.
    assert.deepEqual(await svc.grantableSlugs('env_1', 'org_1', ['legacy']), ['viewer']);
    assert.deepEqual(await svc.grantableSlugs('env_1', 'org_1', []), ['viewer']);
    await assert.rejects(service(async () => ({ ...claims, unknown_role_slugs: ['admin'], default_role_slug: null })).svc.grantableSlugs('env_1', 'org_1', ['admin']), (err: DomainError) => err.status === 409);
    // Unreachable: nothing is granted (503), never an unvalidated default.
    await assert.rejects(service(async () => { throw new DomainError(503, 'service_unavailable', 'down'); }).svc.grantableSlugs('env_1', 'org_1', []), (err: DomainError) => err.status === 503);
    const off = service(async () => claims, false);
    assert.deepEqual(await off.svc.grantableSlugs('env_1', 'org_1', []), ['member']);
    assert.deepEqual(await off.svc.grantableSlugs('env_1', 'org_1', ['anything']), ['anything']);
  });
});
