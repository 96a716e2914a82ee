import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketChart, bucketTotals, dailyChart, monthName, monthsChart } from './usage.page';

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

test('month-over-month and per-bucket charts: own title and description ids, oldest month first, totals summed per bucket', () => {
  const months = [
    { month: '2026-12', monthly_active_users: 5, active_sso_connections: 2, active_directories: 0 },
    { month: '2026-11', monthly_active_users: 10, active_sso_connections: 1, active_directories: 1 },
  ];
  const mau = monthsChart('mau-months', 'Monthly active users', months, (m) => m.monthly_active_users);
  assert.match(mau, /aria-labelledby="mau-months-title mau-months-desc"/);
  assert.match(mau, /<desc id="mau-months-desc">[^<]*from 2026-11 to 2026-12; the highest is 2026-11 with 10\./);
  assert.deepEqual(heights(mau).map((b) => b[1]), [heights(mau)[0]![1], heights(mau)[0]![1] / 2]);
  const totals = bucketTotals([
    { bucket: 'api_key', minute: '2026-12-06T10:00:00Z', requests: 3, limited: 0 },
    { bucket: 'api_key', minute: '2026-12-06T10:01:00Z', requests: 4, limited: 2 },
    { bucket: 'authenticate', minute: '2026-12-06T10:01:00Z', requests: 1, limited: 1 },
  ]);
  assert.deepEqual(totals, [{ bucket: 'api_key', requests: 7, limited: 2 }, { bucket: 'authenticate', requests: 1, limited: 1 }]);
  assert.match(bucketChart('rl-limited', 'Refused requests (429)', 60, totals, (t) => t.limited), /the highest is api_key with 2\./);
  assert.equal(bucketChart('rl-limited', 'Refused requests (429)', 60, [], (t) => t.limited), '');
  // A month's totals: the title names the month, the description the table with its numbers.
  const month = bucketChart('rl-month-requests', 'Requests', 'December 2026', totals, (t) => t.requests, 'Rate limits in December 2026, per bucket');
  assert.match(month, /<title id="rl-month-requests-title">Requests per rate-limit bucket, December 2026<\/title>/);
  assert.match(month, /in December 2026; the highest is api_key with 7\. The table &quot;Rate limits in December 2026, per bucket&quot; has the numbers\./);
});
