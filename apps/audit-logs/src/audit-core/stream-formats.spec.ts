import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditLogEventWire } from '@wos/contracts';
import { datadogBatch, httpsBatch, retryDelayMs, s3Batch, splunkBatch } from './stream-formats';

const ev = (i: number): AuditLogEventWire => ({
  object: 'audit_log_event',
  id: `audit_log_event_${i}`,
  organization_id: 'org_1',
  action: 'document.updated',
  version: null,
  occurred_at: `2026-12-0${i}T10:00:00.000Z`,
  actor: { id: 'user_1', type: 'user' },
  targets: [],
  context: { location: '203.0.113.7' },
  created_at: '2026-12-09T00:00:00.000Z',
});

describe('log-stream formats', () => {
  test('Datadog: an array of entries carrying the event, tagged by organization and action', () => {
    const entries = JSON.parse(datadogBatch([ev(1), ev(2)], { service: 'svc', tags: 'team:sec' }).body) as Record<string, unknown>[];
    assert.equal(entries.length, 2);
    assert.deepEqual([entries[0]!.service, entries[0]!.ddtags, entries[0]!.date], ['svc', 'organization_id:org_1,action:document.updated,team:sec', '2026-12-01T10:00:00.000Z']);
    assert.deepEqual(entries[1]!.audit_log_event, ev(2));
  });
  test('Splunk HEC: one event object per line, time in epoch seconds, index only when set', () => {
    const lines = splunkBatch([ev(1), ev(2)], { sourcetype: '_json' }).body.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!.time, Date.parse('2026-12-01T10:00:00.000Z') / 1000);
    assert.equal('index' in lines[0]!, false);
    assert.equal(JSON.parse(splunkBatch([ev(1)], { sourcetype: 's', index: 'audit' }).body).index, 'audit');
  });
  test('HTTPS: a list envelope; S3: JSON lines under organization, day and positions', () => {
    assert.deepEqual(JSON.parse(httpsBatch([ev(1)]).body), { object: 'list', data: [ev(1)] });
    const o = s3Batch([ev(3), ev(4)], 11, 12, 'wos/');
    assert.equal(o.key, 'wos/org_1/2026/12/03/000000000011-000000000012.jsonl');
    assert.deepEqual(o.body.trim().split('\n').map((l) => JSON.parse(l)), [ev(3), ev(4)]);
  });
  test('retry delays double from the base and stop at the maximum', () => {
    assert.deepEqual([1, 2, 3, 4, 10, 1000].map((n) => retryDelayMs(n, 1000, 10_000)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});
