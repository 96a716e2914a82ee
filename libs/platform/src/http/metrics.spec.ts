import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { labelledObserver } from './metrics';

test('labelledObserver records each observation under its own label set, as histogram.labels() would', async () => {
  const registry = new Registry();
  const histogram = new Histogram({ name: 'test_duration_seconds', help: 'test', labelNames: ['method', 'status'] as const, buckets: [0.01, 1], registers: [registry] });
  const observe = labelledObserver(histogram);
  observe(0.005, 'GET', '200');
  observe(0.5, 'GET', '200');
  observe(2, 'POST', '201');
  const values = (await histogram.get()).values;
  const count = (method: string, status: string) => values.find((v) => v.metricName === 'test_duration_seconds_count' && v.labels.method === method && v.labels.status === status)?.value;
  assert.equal(count('GET', '200'), 2);
  assert.equal(count('POST', '201'), 1);
  const bucket = (le: number) => values.find((v) => v.metricName === 'test_duration_seconds_bucket' && v.labels.method === 'GET' && (v.labels as Record<string, unknown>).le === le)?.value;
  assert.equal(bucket(0.01), 1);
  assert.equal(bucket(1), 2);
  // Kept children still record after a reset (each observe looks its series up afresh).
  histogram.reset();
  observe(0.005, 'GET', '200');
  assert.equal((await histogram.get()).values.find((v) => v.metricName === 'test_duration_seconds_count' && v.labels.method === 'GET')?.value, 1);
});
