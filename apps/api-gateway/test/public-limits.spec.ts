import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateApiKey } from '../src/credentials/api-key.secret';
import type { RunningGateway } from '../src/gateway';
import { GatewayHarness } from './support/gateway.harness';

/** Review M8: routes without an API key, and floods of unknown credentials. */
describe('api-gateway limits for public routes and credential lookups', () => {
  const h = new GatewayHarness();
  let env: { environmentId: string; apiKey: string; apiKeyId: string };
  let clientId: string;
  const callback = 'https://app.example.com/cb';

  before(async () => {
    await h.start('public_limits', {
      TRUSTED_PROXY_CIDRS: '127.0.0.1/32',
      PUBLIC_RATE_LIMIT_PER_IP: '3/60',
      PUBLIC_RATE_LIMIT_PER_CLIENT_ID: '4/60',
      CREDENTIAL_LOOKUPS_PER_IP: '3/60',
      API_KEY_CACHE_TTL_MS: '60000',
    });
    env = await h.environment();
    clientId = (await h.credentials.listClientIds(env.environmentId))[0]!.id;
    await h.credentials.addRedirectUri(env.environmentId, callback);
  });
  after(() => h.close());

  const from = (ip: string, headers: Record<string, string> = {}) => ({ ...headers, 'x-forwarded-for': ip });

  test('a client IP without an API key gets 429 with Retry-After past its limit; key callers are not counted per IP', async () => {
    const ip = '198.51.100.10';
    const acs = () => h.request('/sso/saml/acs/conn_1', { method: 'POST', body: 'SAMLResponse=x', headers: from(ip, { 'content-type': 'application/x-www-form-urlencoded' }) });
    const seen = h.upstream.count('/sso/saml/acs/conn_1');
    const statuses = [(await acs()).status, (await acs()).status, (await acs()).status];
    const limited = await acs();
    assert.deepEqual([...statuses, limited.status], [201, 201, 201, 429]);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(((await limited.json()) as { code: string }).code, 'rate_limit_exceeded');
    assert.equal(h.upstream.count('/sso/saml/acs/conn_1') - seen, 3, 'the refused request never reached the service');
    for (let i = 0; i < 4; i++) assert.equal((await h.request('/organizations', { key: env.apiKey, headers: from(ip) })).status, 200);
  });

  test('a public client is limited per client ID, across IPs', async () => {
    const jwks = (ip: string) => h.request(`/sso/jwks/${clientId}`, { headers: from(ip) });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await jwks(`203.0.113.${i + 1}`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    const other = (await h.credentials.listClientIds((await h.environment()).environmentId))[0]!.id;
    assert.equal((await h.request(`/sso/jwks/${other}`, { headers: from('203.0.113.9') })).status, 200);
  });

  test('uncached credential lookups are limited per IP; cached valid keys keep working', async () => {
    const ip = '192.0.2.50';
    assert.equal((await h.request('/organizations', { key: env.apiKey, headers: from(ip) })).status, 200, 'cached now');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.request('/organizations', { key: generateApiKey('test'), headers: from(ip) })).status);
    const refused = await h.request('/organizations', { key: generateApiKey('test'), headers: from(ip) });
    assert.deepEqual([...statuses, refused.status], [401, 401, 401, 429]);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal((await h.request('/organizations', { key: env.apiKey, headers: from(ip) })).status, 200, 'a cached key costs no lookup');
    const fresh = (await h.credentials.createApiKey(env.environmentId, { name: 'uncached' })).value;
    assert.equal((await h.request('/organizations', { key: fresh, headers: from(ip) })).status, 429, 'an uncached key from that IP waits too');
    assert.equal((await h.request('/organizations', { key: fresh, headers: from('192.0.2.51') })).status, 200);
    const clientFlood = await h.request(`/sso/authorize?client_id=client_01ARZ3NDEKTSV4RRFFQ69G5FAV&redirect_uri=${encodeURIComponent(callback)}`, { headers: from(ip) });
    assert.equal(clientFlood.status, 429, 'unknown client IDs spend the same budget');
  });

  test('a flood of unknown keys does not evict a valid one from the cache', async () => {
    const gw: RunningGateway = await h.startGateway({ API_KEY_CACHE_MAX_ENTRIES: '2', API_KEY_NEGATIVE_CACHE_MAX_ENTRIES: '2', API_KEY_CACHE_TTL_MS: '60000', CREDENTIAL_LOOKUPS_PER_IP: '1000/60' });
    const victim = await h.credentials.createApiKey(env.environmentId, { name: 'victim' });
    assert.equal((await h.request('/organizations', { key: victim.value }, gw)).status, 200);
    // Revoked in the database: from now on only the cache can say yes, so a 200 proves it was kept.
    await h.credentials.revokeApiKey(victim.id);
    for (let i = 0; i < 20; i++) assert.equal((await h.request('/organizations', { key: generateApiKey('test') }, gw)).status, 401);
    assert.equal((await h.request('/organizations', { key: victim.value }, gw)).status, 200);
  });
});
