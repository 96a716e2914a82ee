import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@wos/platform';
import { startHarness, type Harness } from './support/harness';

/** Review M10: a public client's signed context (a client ID alone) cannot manage connections. */
describe('sso connection management needs an API-key caller', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sso_management_auth');
  });
  after(() => h?.close());

  test('list, create, get, activate and delete refuse a public client; an API-key caller gets through', async () => {
    const env = newId('environment');
    const publicClient = { authKind: 'public_client' as const, clientId: 'client_01MANAGEMENTAUTH00000000000' };
    const conn = newId('conn');
    const body = { name: 'Google', connection_type: 'GoogleOAuth', oauth: { client_id: 'x', client_secret: 'y' } };
    const refused: [string, string, unknown?][] = [
      ['GET', '/connections'],
      ['POST', '/connections', body],
      ['GET', `/connections/${conn}`],
      ['POST', `/connections/${conn}/activate`, {}],
      ['DELETE', `/connections/${conn}`],
    ];
    for (const [method, path, b] of refused) assert.equal((await h.call(env, method, path, { body: b, auth: publicClient })).status, 401, `${method} ${path}`);
    assert.equal((await h.call(env, 'GET', '/connections')).status, 200);
  });
});
