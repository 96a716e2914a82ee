import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@wos/platform';
import { startHarness, type Harness } from './support/harness';

const CLIENT = 'client_01HPUBLICPATHS0000000000000';

/**
 * A public client (a client ID alone) reaches sso's browser entry and token endpoint only: every
 * management route refuses its signed context before routing (PUBLIC_CLIENT_PATHS), whatever the
 * gateway's route table says.
 */
describe('sso: the paths a public client may reach', () => {
  let h: Harness;
  const env = newId('environment');
  before(async () => {
    h = await startHarness('sso_public_client_paths');
  });
  after(() => h?.close());

  const asPublicClient = (method: string, path: string, body?: unknown) => h.call(env, method, path, { body, auth: { authKind: 'public_client', clientId: CLIENT } });

  test('connections and their certificates refuse a public client before routing; an API-key caller still gets through', async () => {
    const id = newId('conn');
    for (const [method, path, body] of [
      ['GET', '/connections'],
      ['GET', `/connections/${id}`],
      ['GET', `/connections/${id}/certificates`],
      ['POST', '/connections', { connection_type: 'GenericSAML', name: 'Evil' }],
      ['DELETE', `/connections/${id}`],
    ] as [string, string, unknown?][]) {
      const res = await asPublicClient(method, path, body);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.deepEqual(res.body, { message: 'This endpoint requires an API key.', code: 'unauthorized' }, `${method} ${path}`);
    }
    assert.equal((await h.call(env, 'GET', '/connections')).status, 200);
    assert.equal((await h.call(env, 'GET', `/connections/${id}`)).status, 404, 'an API-key caller reaches the route');
  });

  test('the browser entry and the token endpoint still take a public client', async () => {
    const authorize = await asPublicClient('GET', `/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: 'https://app.example.com/cb', response_type: 'code', connection: newId('conn') })}`);
    assert.notEqual(authorize.status, 401, authorize.text);
    const token = await h.call(env, 'POST', '/sso/token', { form: { client_id: CLIENT, grant_type: 'authorization_code', code: 'not-a-code' }, auth: { authKind: 'public_client', clientId: CLIENT } });
    assert.notEqual(token.status, 401, token.text);
    assert.equal(token.body.error, 'invalid_grant', token.text);
  });
});
