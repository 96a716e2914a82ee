import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyInternalRequest, type Logger } from '@wos/platform';
import type { AppConfig } from '../config';
import { FlagClaimsService } from './flag-claims.service';

const KEY = 'organizations-peer-key-for-this-test';
const logger = { child: () => ({ warn: () => undefined }) } as unknown as Logger;

describe('FlagClaimsService', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: unknown } = { status: 200, body: { feature_flags: ['beta'] } };
  const seen: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.url!);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const service = (ttl = 60, base = url) => new FlagClaimsService({ ORGANIZATIONS_URL: base, INTERNAL_AUTH_PEER_KEYS: { organizations: KEY }, FEATURE_FLAG_CLAIMS_CACHE_SECONDS: ttl } as unknown as AppConfig, logger);

  test('asks organizations once per (environment, organization, user) within the cache time', async () => {
    seen.length = 0;
    const svc = service();
    assert.deepEqual(await svc.forToken('env_1', 'org_1', 'user_1'), ['beta']);
    assert.deepEqual(await svc.forToken('env_1', 'org_1', 'user_1'), ['beta']);
    assert.deepEqual(seen, ['/internal/feature-flags/claims?organization_id=org_1&user_id=user_1']);
    await svc.forToken('env_2', 'org_1', 'user_1');
    await svc.forToken('env_1', 'org_1', 'user_2');
    assert.equal(seen.length, 3);
  });

  test('a session without an organization asks for the user alone, cached apart from the organization sessions', async () => {
    seen.length = 0;
    const svc = service();
    await svc.forToken('env_1', 'org_1', 'user_1');
    assert.deepEqual(await svc.forToken('env_1', null, 'user_1'), ['beta']);
    await svc.forToken('env_1', null, 'user_1');
    assert.deepEqual(seen, ['/internal/feature-flags/claims?organization_id=org_1&user_id=user_1', '/internal/feature-flags/claims?user_id=user_1']);
  });

  test('an error or an unreachable service is an empty claim, and is not cached', async () => {
    const svc = service();
    answer = { status: 503, body: { message: 'down' } };
    assert.deepEqual(await svc.forToken('env_3', 'org_1', 'user_1'), []);
    answer = { status: 200, body: { feature_flags: ['beta', 'gamma'] } };
    assert.deepEqual(await svc.forToken('env_3', 'org_1', 'user_1'), ['beta', 'gamma']);
    assert.deepEqual(await service(60, 'http://127.0.0.1:9').forToken('env_3', 'org_1', 'user_1'), []);
  });

  test('the request is signed for organizations, for this environment and exactly this URL', async () => {
    const signed = createServer((req, res) => {
      const ctx = verifyInternalRequest(KEY, 'organizations', { method: req.method!, url: req.url!, headers: req.headers });
      res.writeHead(ctx?.environmentId === 'env_9' ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ feature_flags: ['signed'] }));
    });
    await new Promise<void>((r) => signed.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(signed.address() as AddressInfo).port}`;
      assert.deepEqual(await service(60, base).forToken('env_9', 'org_1', 'user_1'), ['signed']);
      // The stand-in only accepts env_9: a request signed for another environment gets nothing.
      assert.deepEqual(await service(60, base).forToken('env_8', 'org_1', 'user_1'), []);
    } finally {
      await new Promise<void>((r) => signed.close(() => r()));
    }
  });
});
