import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@wos/platform';
import { startHarness, type Harness } from './support/harness';
import { idpMetadataXml, newKeyPair } from './support/keys';

const ENV = newId('environment');
const CLIENT = 'client_01HZZZZZZZZZZZZZZZZZZZZZZZ';

describe('AuthorizeService rate limit', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sso_authorize_limit', { SSO_AUTHORIZE_LIMIT_PER_MINUTE: '3' });
  });
  after(async () => {
    await h?.close();
  });

  test('sign-ins started per (connection, source IP) per minute are limited with a 429 and Retry-After; other addresses and connections are unaffected (M8)', async () => {
    const { cert } = await newKeyPair();
    const make = async () =>
      (await h.call(ENV, 'POST', '/connections', { body: { name: 'L', connection_type: 'GenericSAML', saml: { idp_metadata_xml: idpMetadataXml('https://idp.example.com/m', 'https://idp.example.com/sso', cert) }, activate: true } })).body.id as string;
    const [a, b] = [await make(), await make()];
    // The browser's address as the gateway hop reports it (services trust that one hop).
    const start = (connection: string, ip: string) =>
      h.call(ENV, 'GET', `/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: 'https://app.example.com/cb', response_type: 'code', connection })}`, {
        auth: { authKind: 'public_client', clientId: CLIENT },
        headers: { 'x-forwarded-for': ip },
      });
    // Stay inside one minute window so the count is deterministic.
    if (new Date().getSeconds() > 50) await new Promise((r) => setTimeout(r, (61 - new Date().getSeconds()) * 1000));
    for (let i = 0; i < 3; i++) assert.equal((await start(a, '198.51.100.7')).status, 302);
    const limited = await start(a, '198.51.100.7');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'rate_limit_exceeded');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1 && Number(limited.headers.get('retry-after')) <= 60);
    assert.equal((await start(a, '203.0.113.9')).status, 302, 'another client of the same connection still signs in');
    assert.equal((await start(b, '198.51.100.7')).status, 302, 'the limited client on another connection');
  });

  test('without connection, organization or provider: a 422 whose message names the three parameters', async () => {
    const r = await h.call(ENV, 'GET', `/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: 'https://app.example.com/cb', response_type: 'code', state: 'xyz' })}`, {
      auth: { authKind: 'public_client', clientId: CLIENT },
    });
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'invalid_request_parameters');
    for (const name of ['connection', 'organization', 'provider']) assert.match(r.body.message, new RegExp(`'${name}'`));
    assert.deepEqual(r.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['connection', 'invalid_connection_selector']]);
  });
});
