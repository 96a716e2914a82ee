import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@wos/platform/testing';
import { GatewayHarness } from './support/gateway.harness';

interface UsageRow {
  bucket: string;
  minute: string;
  requests: number;
  limited: number;
}

const RULE = 'DELETE /organizations/:id per api_key';

describe('api-gateway rate-limit usage (GET /usage/rate_limits)', () => {
  const h = new GatewayHarness();
  let env: { environmentId: string; apiKey: string };
  let other: { environmentId: string; apiKey: string };

  before(async () => {
    await h.start('rate_limit_usage', { RATE_LIMIT_RULES: '[{"method":"DELETE","path":"/organizations/:id","limit":"2/60"}]' });
    env = await h.environment();
    other = await h.environment();
  });
  after(() => h.close());

  const usage = async (key: string, query = '') => {
    const res = await h.request(`/usage/rate_limits${query}`, { key });
    return { status: res.status, body: (await res.json()) as { object: string; data: UsageRow[]; code?: string; errors?: { field: string }[] } };
  };
  const total = (rows: UsageRow[], bucket: string) => rows.filter((r) => r.bucket === bucket).reduce((s, r) => ({ requests: s.requests + r.requests, limited: s.limited + r.limited }), { requests: 0, limited: 0 });

  test('each request counts against each of its buckets, and a 429 against the bucket that refused it', async () => {
    const statuses: number[] = [];
    for (const id of ['org_a', 'org_b', 'org_c', 'org_d']) statuses.push((await h.request(`/organizations/${id}`, { key: env.apiKey, method: 'DELETE' })).status);
    assert.deepEqual(statuses, [200, 200, 429, 429]);
    const rows = await waitFor(
      async () => {
        const { body } = await usage(env.apiKey);
        return total(body.data, RULE).limited === 2 ? body.data : undefined;
      },
      { message: 'the two 429s to reach the usage counts' },
    );
    assert.deepEqual(total(rows, RULE), { requests: 4, limited: 2 });
    // The general per-key bucket saw the four DELETEs (and the usage reads themselves), never refusing one.
    assert.ok(total(rows, 'api_key').requests >= 4);
    assert.equal(total(rows, 'api_key').limited, 0);
    for (const r of rows) assert.match(r.minute, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
  });

  test('another environment sees none of it', async () => {
    const { status, body } = await usage(other.apiKey);
    assert.equal(status, 200);
    assert.equal(body.object, 'list');
    assert.deepEqual(body.data.filter((r) => r.bucket === RULE), []);
  });

  test('minutes is bounded to 1..2880; anything else is a 422 naming the field', async () => {
    assert.equal((await usage(env.apiKey, '?minutes=1')).status, 200);
    assert.equal((await usage(env.apiKey, '?minutes=2880')).status, 200);
    for (const bad of ['0', '2881', '-1', '1.5', 'abc', '', '99999999999']) {
      const { status, body } = await usage(env.apiKey, `?minutes=${bad}`);
      assert.equal(status, 422, `minutes=${bad}`);
      assert.equal(body.errors?.[0]?.field, 'minutes', `minutes=${bad}`);
    }
    assert.equal((await usage(env.apiKey, '?minutes=5&minutes=6')).status, 422, 'given twice');
  });

  test('the route needs an API key', async () => {
    assert.equal((await h.request('/usage/rate_limits')).status, 401);
  });
});
