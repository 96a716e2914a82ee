import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartDays, dayOf, MONTH_PATTERN, monthOf, monthRange, monthsBackTo, shiftMonth } from './calendar';

test('monthOf and dayOf are UTC, whatever the instant was written with', () => {
  assert.equal(monthOf(new Date('2026-11-30T23:30:00-02:00')), '2026-12');
  assert.equal(dayOf(new Date('2026-11-30T23:30:00-02:00')), '2026-12-01');
  assert.equal(monthOf(new Date('2027-01-01T00:30:00+01:00')), '2026-12');
});

test('monthRange covers the month exactly, across year ends and leap years', () => {
  const dec = monthRange('2026-12');
  assert.equal(dec.start.toISOString(), '2026-12-01T00:00:00.000Z');
  assert.equal(dec.end.toISOString(), '2027-01-01T00:00:00.000Z');
  assert.equal(monthRange('2028-02').end.toISOString(), '2028-03-01T00:00:00.000Z');
  assert.throws(() => monthRange('2026-13'), RangeError);
});

test('MONTH_PATTERN takes YYYY-MM from 2000 on and nothing else', () => {
  for (const ok of ['2000-01', '2026-12', '9999-09']) assert.ok(MONTH_PATTERN.test(ok), ok);
  for (const bad of ['1999-12', '2026-00', '2026-13', '2026-1', '2026-012', '26-12', '2026-12-01', ' 2026-12', '2026-12\n']) assert.ok(!MONTH_PATTERN.test(bad), bad);
});

test('shiftMonth and monthsBackTo walk months across year ends, newest first, bounded', () => {
  assert.equal(shiftMonth('2027-01', 1), '2026-12');
  assert.equal(shiftMonth('2026-12', -1), '2027-01');
  assert.equal(shiftMonth('2026-03', 15), '2024-12');
  assert.deepEqual(monthsBackTo('2027-02', '2026-11', 24), ['2027-02', '2027-01', '2026-12', '2026-11']);
  assert.deepEqual(monthsBackTo('2027-02', '2026-11', 2), ['2027-02', '2027-01']);
  assert.equal(monthsBackTo('2026-12', '2000-01', 24).length, 24);
  assert.deepEqual(monthsBackTo('2026-12', '2027-01', 24), []);
});

test('chartDays lists a past month whole, the current month up to today, and nothing of a future month', () => {
  const now = new Date('2026-12-03T10:00:00Z');
  assert.equal(chartDays('2026-11', now).length, 30);
  assert.equal(chartDays('2028-02', new Date('2029-01-01T00:00:00Z')).length, 29);
  assert.deepEqual(chartDays('2026-12', now), ['2026-12-01', '2026-12-02', '2026-12-03']);
  assert.deepEqual(chartDays('2027-01', now), []);
});
