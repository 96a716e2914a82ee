import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientResponseHeaders, upstreamRequestHeaders } from './proxy.headers';

describe('proxy.headers', () => {
  const base = { requestId: 'req_1', clientIp: '10.0.0.1', proto: 'http', host: 'api.local' };

  test('strips x-wos-*, hop-by-hop and gateway-owned headers, then adds the signed context', () => {
    const out = upstreamRequestHeaders(
      {
        'x-wos-environment-id': 'environment_forged',
        'x-wos-anything': '1',
        connection: 'keep-alive, x-custom-hop',
        'x-custom-hop': 'a',
        'transfer-encoding': 'chunked',
        'content-length': '3',
        'x-request-id': 'client-chosen',
        authorization: 'Bearer sk_test_x',
        'accept-encoding': 'gzip',
        'content-type': 'application/json',
        'user-agent': 'workos-node/11.0.0',
        'idempotency-key': 'k',
      },
      { ...base, dropAuthorization: true, internal: { 'x-wos-environment-id': 'environment_real' } },
    );
    assert.deepEqual(out, {
      'content-type': 'application/json',
      'user-agent': 'workos-node/11.0.0',
      'idempotency-key': 'k',
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'api.local',
      'x-request-id': 'req_1',
      'x-wos-environment-id': 'environment_real',
    });
  });

  test('keeps Authorization on pass-through routes and replaces a client-sent X-Forwarded-For', () => {
    const out = upstreamRequestHeaders({ authorization: 'Bearer token', 'x-forwarded-for': '1.1.1.1' }, { ...base, dropAuthorization: false });
    assert.equal(out.authorization, 'Bearer token');
    assert.equal(out['x-forwarded-for'], '10.0.0.1');
  });

  test('returns the service headers minus content-length, request ID, date and internal ones', () => {
    const out = clientResponseHeaders({
      'content-type': 'application/json; charset=utf-8',
      'content-length': '2',
      'x-request-id': 'req_upstream',
      date: 'x',
      'keep-alive': 'timeout=65',
      'x-wos-debug': '1',
      'set-cookie': ['a=1', 'b=2'],
    });
    assert.deepEqual(out, { 'content-type': 'application/json; charset=utf-8', 'set-cookie': ['a=1', 'b=2'] });
  });
});
