import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { signInternalRequest } from '@wos/platform';
import { SECRET, startHarness, type Harness } from './support';

const ENV = 'environment_01MANAGEMENTAUTH000000000000';
const CLIENT = 'client_01MANAGEMENTAUTH00000000000';

/**
 * Review M10: a signed context the gateway made for a public client (a client ID alone) must not
 * reach management routes, which act with the environment's full authority.
 */
describe('identity management routes need an API-key caller', () => {
  let h: Harness;
  let port: number;
  before(async () => {
    h = await startHarness('identity_management_auth');
    port = (h.app.getHttpServer().address() as AddressInfo).port;
  });
  after(() => h?.close());

  const asPublicClient = async (method: string, path: string, body?: unknown) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: {
        ...signInternalRequest(SECRET, 'identity', ENV, { method, path, body: payload }, { authKind: 'public_client', clientId: CLIENT }),
        'content-type': 'application/json',
      },
      body: payload,
    });
    return res.status;
  };

  test('users, memberships, invitations, factors, sessions and one-time codes refuse a public client', async () => {
    const created = await h.call(ENV, 'POST', '/user_management/users', { email: 'mgmt@example.com' });
    assert.equal(created.status, 201);
    const userId = created.body.id as string;
    const refused: [string, string, unknown?][] = [
      ['GET', '/user_management/users'],
      ['POST', '/user_management/users', { email: 'other@example.com' }],
      ['GET', `/user_management/users/${userId}`],
      ['GET', `/user_management/users/${userId}/identities`],
      ['GET', `/user_management/users/${userId}/sessions`],
      ['GET', `/user_management/users/${userId}/auth_factors`],
      ['POST', '/user_management/sessions/revoke', { session_id: 'session_01AAAAAAAAAAAAAAAAAAAAAAAA' }],
      ['GET', `/user_management/organization_memberships?user_id=${userId}`],
      ['GET', '/user_management/invitations'],
      ['POST', '/user_management/magic_auth', { email: 'mgmt@example.com' }],
      ['POST', '/user_management/password_reset', { email: 'mgmt@example.com' }],
      ['POST', `/user_management/users/${userId}/email_verification/send`, {}],
      ['POST', '/auth/factors/enroll', { type: 'totp', totp_issuer: 'x', totp_user: 'y' }],
      ['POST', '/api_keys/validations', { value: 'sk_ak_x' }],
      ['DELETE', '/api_keys/api_key_01AAAAAAAAAAAAAAAAAAAAAAAA'],
      ['GET', '/organizations/org_01AAAAAAAAAAAAAAAAAAAAAAAA/api_keys'],
      ['GET', `/user_management/users/${userId}/api_keys`],
      ['GET', '/user_management/waitlists'],
      ['POST', '/user_management/waitlists/default/entries', { email: 'wait@example.com' }],
      ['POST', '/user_management/waitlist_entries/waitlist_entry_01AAAAAAAAAAAAAAAAAAAAAAAA/approve'],
      ['POST', '/passwordless/sessions', { type: 'MagicLink', email: 'mgmt@example.com', redirect_uri: 'https://app.example.com/cb' }],
    ];
    for (const [method, path, body] of refused) assert.equal(await asPublicClient(method, path, body), 401, `${method} ${path}`);
    assert.equal((await h.call(ENV, 'GET', `/user_management/users/${userId}`)).status, 200, 'an API-key caller still gets through');
  });
});
