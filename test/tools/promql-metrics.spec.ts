import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricNamesIn, exportedMetricNames } from '../support/promql-metrics';

test('metricNamesIn: metric names only, not functions, keywords, labels or durations', () => {
  assert.deepEqual(metricNamesIn('max by (job) (outbox_oldest_pending_age_seconds) > 60'), ['outbox_oldest_pending_age_seconds']);
  assert.deepEqual(
    metricNamesIn('sum by (job) (rate(http_request_duration_seconds_count{status=~"5.."}[5m])) / sum by (job) (rate(http_request_duration_seconds_count[5m])) > 0.01'),
    ['http_request_duration_seconds'],
  );
  assert.deepEqual(metricNamesIn('histogram_quantile(0.99, sum by (upstream, le) (rate(gateway_upstream_duration_seconds_bucket[5m])))'), ['gateway_upstream_duration_seconds']);
  assert.deepEqual(metricNamesIn('a_total{x="y or z"} and on (job) b_total'), ['a_total', 'b_total']);
});

test('exportedMetricNames: the TYPE lines of an exposition', () => {
  assert.deepEqual([...exportedMetricNames('# HELP a_total x\n# TYPE a_total counter\na_total 1\n# TYPE h histogram\n')], ['a_total', 'h']);
});
