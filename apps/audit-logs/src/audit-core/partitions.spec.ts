import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { monthPartition, parsePartitionName, partitionsAhead } from './partitions';
import { retentionPeriodDays } from './retention-periods';

describe('monthly partitions', () => {
  test('a month in UTC, named by year and month', () => {
    const p = monthPartition(new Date('2026-12-31T23:59:59.999Z'));
    assert.deepEqual(p, { name: 'audit_log_events_p202612', from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });
    assert.deepEqual(parsePartitionName(p.name), p);
    assert.equal(parsePartitionName('audit_log_events_p2026'), undefined);
    assert.deepEqual(partitionsAhead(new Date('2026-11-15Z'), 2).map((x) => x.name), ['audit_log_events_p202611', 'audit_log_events_p202612', 'audit_log_events_p202701']);
  });
});

describe('retentionPeriodDays', () => {
  test("WorkOS's periods: 30 days a month up to 11, 365 days a year up to 10", () => {
    assert.equal(retentionPeriodDays('1_MONTH'), 30);
    assert.equal(retentionPeriodDays('11_MONTHS'), 330);
    assert.equal(retentionPeriodDays('1_YEAR'), 365);
    assert.equal(retentionPeriodDays('10_YEARS'), 3650);
    for (const bad of ['12_MONTHS', '11_YEARS', '1_MONTHS', '2_MONTH', '0_YEARS', '30', 'forever']) assert.equal(retentionPeriodDays(bad), undefined, bad);
  });
});
