import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyChart, monthName } from './usage.page';

const heights = (svg: string) => [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);

test('usage chart: one labelled image, a bar per day placed on its day of the whole month, scaled to the busiest day', () => {
  const svg = dailyChart('2026-02', [
    { date: '2026-02-01', count: 1 },
    { date: '2026-02-02', count: 4 },
    { date: '2026-02-03', count: 0 },
  ]);
  assert.match(svg, /<svg class="chart" role="img" aria-labelledby="dau-title dau-desc"/);
  assert.match(svg, /<title id="dau-title">Daily active users, February 2026<\/title>/);
  assert.match(svg, /<desc id="dau-desc">[^<]*from 2026-02-01 to 2026-02-03; the busiest day is 2026-02-02 with 4\./);
  const bars = heights(svg);
  assert.equal(bars.length, 3);
  assert.equal(bars[1]![1], 4 * bars[0]![1], 'heights are proportional');
  assert.equal(bars[2]![1], 0);
  // February 2026 has 28 slots: the third day sits in the first ninth of the axis, not at its end.
  assert.ok(bars[2]![0] < 40 + (720 - 50) / 9);
  assert.doesNotMatch(svg, /<script/);
});

test('usage chart: an all-zero month draws empty bars against a scale of 1; no days is a sentence, not an empty image', () => {
  const bars = heights(dailyChart('2026-12', [{ date: '2026-12-01', count: 0 }]));
  assert.deepEqual(bars.map((b) => b[1]), [0]);
  assert.match(dailyChart('2026-12', []), /^<p class="empty">/);
});

test('usage month names are the UTC month, and an unreadable month is shown as given (escaped by the caller)', () => {
  assert.equal(monthName('2026-01'), 'January 2026');
  assert.equal(monthName('2026-12'), 'December 2026');
  assert.equal(monthName('nonsense'), 'nonsense');
});
