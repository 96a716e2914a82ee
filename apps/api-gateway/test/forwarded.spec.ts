import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningGateway } from '../src/gateway';
import { GatewayHarness } from './support/gateway.harness';
import type { EchoedRequest } from './support/echo.upstream';

/** Review M3: who the client is, as the gateway tells the services (X-Forwarded-*). */
describe('api-gateway X-Forwarded-For, -Proto and -Host', () => {
  const h = new GatewayHarness();
  let key: string;
  let behindProxy: RunningGateway;

  before(async () => {
    await h.start('forwarded', { PUBLIC_RATE_LIMIT_PER_IP: '2/60' });
    key = (await h.environment()).apiKey;
    // The test client is the "load balancer": it connects from 127.0.0.1.
    behindProxy = await h.startGateway({ TRUSTED_PROXY_CIDRS: '127.0.0.1/32, 10.0.0.0/8', PUBLIC_RATE_LIMIT_PER_IP: '2/60' });
  });
  after(() => h.close());

  const echoed = async (res: Response) => (await res.json()) as EchoedRequest;
  const spoof = { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' };

  test('without trusted proxies a client-sent chain is replaced by the socket address', async () => {
    const echo = await echoed(await h.request('/organizations', { key, headers: spoof }));
    assert.equal(echo.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(echo.headers['x-forwarded-proto'], 'http');
    assert.equal(echo.headers['x-forwarded-host'], `127.0.0.1:${h.gateway.port}`);
  });

  test('behind a trusted proxy the right-most untrusted address is the client', async () => {
    const echo = await echoed(
      await h.request('/organizations', { key, headers: { 'x-forwarded-for': '1.2.3.4, 198.51.100.7, 10.0.0.3', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' } }, behindProxy),
    );
    assert.equal(echo.headers['x-forwarded-for'], '198.51.100.7', 'one address: the services trust exactly this hop');
    assert.equal(echo.headers['x-forwarded-proto'], 'https');
    assert.equal(echo.headers['x-forwarded-host'], 'api.example.com');
  });

  test('public limits count the address the gateway decided, so a client cannot rotate out of them', async () => {
    const acs = (gw: RunningGateway, forwardedFor: string) =>
      h.request('/sso/saml/acs/conn_1', { method: 'POST', body: 'SAMLResponse=x', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor } }, gw);
    // Directly exposed: the chain is ignored, every request is 127.0.0.1's.
    assert.deepEqual([(await acs(h.gateway, '203.0.113.1')).status, (await acs(h.gateway, '203.0.113.2')).status, (await acs(h.gateway, '203.0.113.3')).status], [201, 201, 429]);
    // Behind the proxy: each end client has its own budget.
    assert.deepEqual([(await acs(behindProxy, '198.51.100.1')).status, (await acs(behindProxy, '198.51.100.1')).status, (await acs(behindProxy, '198.51.100.1')).status], [201, 201, 429]);
    assert.equal((await acs(behindProxy, '198.51.100.2')).status, 201);
  });
});
