import { consolePage, curl, envPath, h, table, type ConsoleContext } from './layout';
import type { RateLimitUsageView } from '../upstream/gateway-console.client';

/** The events service's GET /usage and GET /usage/months answers (apps/events/src/usage/usage.dto.ts). */
export interface UsageView {
  month: string;
  monthly_active_users: number;
  active_sso_connections: number;
  active_directories: number;
  daily_active_users: Array<{ date: string; count: number }>;
  /** The month's exact requests and 429s per rate-limit bucket (absent from an events service older than them). */
  rate_limits?: Array<{ bucket: string; requests: number; limited: number }>;
}
export type UsageMonthView = Omit<UsageView, 'daily_active_users' | 'rate_limits'>;

/** "December 2026" for "2026-12" (UTC: a month is a UTC calendar month). */
export function monthName(month: string): string {
  const d = new Date(`${month}-01T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? month : d.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** How many days the UTC month "YYYY-MM" has (31 when it cannot be read). */
const daysIn = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate() || 31;

const W = 720;
const H = 220;
const PAD = { left: 40, right: 10, top: 14, bottom: 30 };

/** One bar: its axis label, its value, and (optionally) its slot on the x axis (0-based; default its index). */
export interface Bar { label: string; value: number; slot?: number }

/**
 * A bar chart drawn here as SVG (no script, nothing fetched). Accessible as one image:
 * role="img" named by its <title> and described by its <desc> (ids `<id>-title`, `<id>-desc`, so
 * several charts share a page); the numbers themselves are always in a table next to it. Bars
 * scale to the highest value (at least 1); `slots` fixes the x axis (a whole month), otherwise
 * one slot per bar. `showLabel` picks the bars whose label is drawn under them; `caption` repeats
 * the title visibly under the chart (where no heading names it).
 */
export function barChart(p: { id: string; title: string; desc: string; bars: Bar[]; slots?: number; showLabel?: (bar: Bar, index: number) => boolean; caption?: boolean }): string {
  const max = Math.max(1, ...p.bars.map((b) => b.value));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(p.slots ?? 0, p.bars.length, 1);
  const barW = Math.min(48, Math.max(2, slot * 0.7));
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const show = p.showLabel ?? (() => true);
  const bars = p.bars
    .map((b, i) => {
      const x = PAD.left + (b.slot ?? i) * slot + (slot - barW) / 2;
      const top = y(b.value);
      const label = show(b, i) ? `<text x="${(x + barW / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${h(b.label)}</text>` : '';
      return `<rect class="bar" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - top).toFixed(1)}"></rect>${label}`;
    })
    .join('');
  const axes = `<line class="axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}"></line><line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}"></line><text x="${PAD.left - 6}" y="${PAD.top + plotH + 4}" text-anchor="end">0</text><text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${max}</text>`;
  return `<figure class="usage-chart"><svg class="chart" role="img" aria-labelledby="${p.id}-title ${p.id}-desc" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title id="${p.id}-title">${h(p.title)}</title><desc id="${p.id}-desc">${h(p.desc)}</desc>${axes}${bars}</svg>${p.caption ? `<figcaption>${h(p.title)}</figcaption>` : ''}</figure>`;
}

/** The highest bar, for a chart's description. */
const highest = (bars: Bar[]) => bars.reduce((a, b) => (b.value > a.value ? b : a));

/**
 * The month's daily active users: the x axis is the whole month (days still to come are empty
 * slots); the table below the chart has every day's number.
 */
export function dailyChart(month: string, days: UsageView['daily_active_users']): string {
  if (!days.length) return '<p class="empty">No day of this month to chart yet.</p>';
  const bars = days.map((d, i): Bar => {
    const day = Number(d.date.slice(8, 10)) || i + 1;
    return { label: String(day), value: d.count, slot: day - 1 };
  });
  const busiest = days.reduce((a, b) => (b.count > a.count ? b : a));
  return barChart({
    id: 'dau',
    title: `Daily active users, ${monthName(month)}`,
    desc: `Bar chart of the distinct users active on each UTC day from ${days[0]!.date} to ${days[days.length - 1]!.date}; the busiest day is ${busiest.date} with ${busiest.count}. The table below has every day's number.`,
    bars,
    slots: Math.max(daysIn(month), days.length),
    showLabel: (b, i) => i === 0 || i === days.length - 1 || Number(b.label) % 5 === 0,
  });
}

/** How many months the month-over-month charts show. */
export const CHART_MONTHS = 12;

/** One billing unit over the last CHART_MONTHS months with data, oldest first. */
export function monthsChart(id: string, unit: string, months: UsageMonthView[], value: (m: UsageMonthView) => number): string {
  const shown = months.slice().sort((a, b) => a.month.localeCompare(b.month)).slice(-CHART_MONTHS);
  if (!shown.length) return '<p class="empty">No month with usage yet.</p>';
  const bars = shown.map((m): Bar => ({ label: m.month, value: value(m) }));
  const top = highest(bars);
  return barChart({
    id,
    title: `${unit} per month`,
    caption: true,
    desc: `Bar chart of ${unit.toLowerCase()} in each UTC month from ${shown[0]!.month} to ${shown[shown.length - 1]!.month}; the highest is ${top.label} with ${top.value}. The table "Usage per month" has every month's numbers.`,
    bars,
  });
}

/** Requests (or 429s) per rate-limit bucket, summed over the window shown. */
export function bucketTotals(rows: RateLimitUsageView[]): Array<{ bucket: string; requests: number; limited: number }> {
  const totals = new Map<string, { bucket: string; requests: number; limited: number }>();
  for (const r of rows) {
    const t = totals.get(r.bucket) ?? { bucket: r.bucket, requests: 0, limited: 0 };
    t.requests += r.requests;
    t.limited += r.limited;
    totals.set(r.bucket, t);
  }
  return [...totals.values()].sort((a, b) => a.bucket.localeCompare(b.bucket));
}

/**
 * Requests (or 429s) per bucket: over the last `window` minutes (the gateway's per-minute view),
 * or in the month `window` names ("December 2026"); `tableCaption` is the caption of the table with the numbers.
 */
export function bucketChart(id: string, what: string, window: number | string, totals: ReturnType<typeof bucketTotals>, value: (t: ReturnType<typeof bucketTotals>[number]) => number, tableCaption = 'Rate-limit buckets'): string {
  if (!totals.length) return '';
  const bars = totals.map((t): Bar => ({ label: t.bucket.length > 14 ? `${t.bucket.slice(0, 13)}…` : t.bucket, value: value(t) }));
  const top = highest(bars);
  const span = typeof window === 'number' ? { title: `last ${window} minutes`, desc: `over the last ${window} minutes` } : { title: window, desc: `in ${window}` };
  return barChart({
    id,
    title: `${what} per rate-limit bucket, ${span.title}`,
    caption: true,
    desc: `Bar chart of ${what.toLowerCase()} per rate-limit bucket ${span.desc}; the highest is ${totals[bars.indexOf(top)]!.bucket} with ${top.value}. The table "${tableCaption}" has the numbers.`,
    bars,
  });
}

/** The month's exact totals per bucket (the events service's aggregates): two charts, a table and its CSV. */
export function monthRateLimits(ctx: ConsoleContext, month: string, rows: NonNullable<UsageView['rate_limits']>): string {
  const name = monthName(month);
  const caption = `Rate limits in ${name}, per bucket`;
  const csvHref = `${envPath(ctx, 'usage/export.csv')}?month=${encodeURIComponent(month)}&report=rate_limits`;
  return `${bucketChart('rl-month-requests', 'Requests', name, rows, (t) => t.requests, caption)}${bucketChart('rl-month-limited', 'Refused requests (429)', name, rows, (t) => t.limited, caption)}${table(
    caption,
    ['Bucket', 'Requests', 'Refused (429)'],
    rows.map((t) => [`<code>${h(t.bucket)}</code>`, String(t.requests), t.limited ? `<strong>${t.limited}</strong>` : '0']),
    `No request counted in ${name} yet.`,
  )}<p><a id="usage-rate-limits-csv" href="${h(csvHref)}" download>Download the rate limits of ${h(name)} (CSV)</a></p>`;
}

export function usagePage(
  ctx: ConsoleContext,
  p: { base: string; usage: UsageView; months: UsageMonthView[]; rateLimits: RateLimitUsageView[] | null; rateLimitMinutes: number },
): string {
  const u = p.usage;
  const m = u.month;
  // The picker offers every month with data, and the one shown even when it has none.
  const months = p.months.some((x) => x.month === m) ? p.months : [{ month: m, monthly_active_users: u.monthly_active_users, active_sso_connections: u.active_sso_connections, active_directories: u.active_directories }, ...p.months];
  const picker = `<form method="get" action="${h(envPath(ctx, 'usage'))}" aria-label="Choose a month"><div class="field"><label for="f-month">Month (UTC)</label><select id="f-month" name="month">${months
    .map((x) => `<option value="${h(x.month)}"${x.month === m ? ' selected' : ''}>${h(monthName(x.month))} (${x.monthly_active_users} active users)</option>`)
    .join('')}</select></div><button type="submit" class="secondary">Show month</button></form>`;
  const stat = (id: string, label: string, n: number) => `<div><dt id="${id}-label">${h(label)}</dt><dd id="${id}" aria-labelledby="${id}-label">${n}</dd></div>`;
  const stats = `<dl class="stats" aria-label="Billing units, ${h(monthName(m))}">${stat('usage-mau', 'Monthly active users', u.monthly_active_users)}${stat('usage-sso', 'Active SSO connections', u.active_sso_connections)}${stat('usage-directories', 'Active directories', u.active_directories)}</dl>`;
  const csvHref = `${envPath(ctx, 'usage/export.csv')}?month=${encodeURIComponent(m)}`;
  const csv = `<p><a id="usage-csv" href="${h(csvHref)}" download>Download the active users of ${h(monthName(m))} (CSV)</a></p>`;
  const daily = table(`Daily active users, ${monthName(m)}`, ['Date (UTC)', 'Active users'], u.daily_active_users.map((d) => [h(d.date), String(d.count)]), 'No day yet.');
  const totals = p.rateLimits ? bucketTotals(p.rateLimits) : [];
  const limits =
    p.rateLimits === null
      ? '<p class="notice warn" role="status">The gateway cannot read its rate-limit counts right now (its Redis is unavailable); reload to try again.</p>'
      : `${bucketChart('rl-requests', 'Requests', p.rateLimitMinutes, totals, (t) => t.requests)}${bucketChart('rl-limited', 'Refused requests (429)', p.rateLimitMinutes, totals, (t) => t.limited)}${table(
          `Rate-limit buckets, last ${p.rateLimitMinutes} minutes`,
          ['Bucket', 'Requests', 'Refused (429)'],
          totals.map((t) => [`<code>${h(t.bucket)}</code>`, String(t.requests), t.limited ? `<strong>${t.limited}</strong>` : '0']),
          `No request counted in the last ${p.rateLimitMinutes} minutes.`,
        )}${table(
          `Requests per minute and rate-limit bucket, last ${p.rateLimitMinutes} minutes, newest first`,
          ['Minute (UTC)', 'Bucket', 'Requests', 'Refused (429)'],
          p.rateLimits
            .slice()
            .reverse()
            .map((r) => [h(r.minute.slice(0, 16).replace('T', ' ')), `<code>${h(r.bucket)}</code>`, String(r.requests), r.limited ? `<strong>${r.limited}</strong>` : '0']),
          `No request counted in the last ${p.rateLimitMinutes} minutes.`,
        )}`;
  const history = months.slice().sort((a, b) => b.month.localeCompare(a.month));
  const monthsTable = table('Usage per month', ['Month (UTC)', 'Monthly active users', 'Active SSO connections', 'Active directories'], history.map((x) => [h(monthName(x.month)), String(x.monthly_active_users), String(x.active_sso_connections ?? 0), String(x.active_directories ?? 0)]), 'No month yet.');
  const perMonth = `<h2>Month over month</h2>${monthsChart('mau-months', 'Monthly active users', months, (x) => x.monthly_active_users)}${monthsChart('sso-months', 'Active SSO connections', months, (x) => x.active_sso_connections ?? 0)}${monthsChart('dir-months', 'Active directories', months, (x) => x.active_directories ?? 0)}${monthsTable}`;
  const monthLimits = `<h3>${h(monthName(m))}</h3><p class="hint">Exact counts from every gateway replica, up to the last minute that has ended.</p>${monthRateLimits(ctx, m, u.rate_limits ?? [])}<h3>Last ${p.rateLimitMinutes} minutes</h3>`;
  return consolePage(ctx, {
    title: 'Usage',
    section: 'usage',
    body: `${picker}<h2>${h(monthName(m))}</h2>${stats}<p class="hint">A monthly active user signed up, signed in or had their profile updated in the UTC month; a connection or directory counts if it was active at any time in it.</p>${csv}<h2>Daily active users</h2>${dailyChart(m, u.daily_active_users)}${daily}${perMonth}<h2>Rate limits</h2>${monthLimits}${limits}`,
    scripts: [
      { what: `Usage of ${monthName(m)}`, cli: `npx wos usage --month ${m}`, curl: curl(p.base, 'GET', `/usage?month=${m}`) },
      { what: 'Active users as CSV', cli: `npx wos usage --month ${m} --csv`, curl: curl(p.base, 'GET', `/usage/export.csv?month=${m}`) },
      { what: `Rate limits of ${monthName(m)} as CSV`, cli: `npx wos usage --month ${m} --rate-limits --csv`, curl: curl(p.base, 'GET', `/usage/export.csv?month=${m}&report=rate_limits`) },
      { what: 'Usage per month', cli: 'npx wos usage --months', curl: curl(p.base, 'GET', '/usage/months') },
      { what: `Rate-limit usage, last ${p.rateLimitMinutes} minutes`, cli: `npx wos usage --rate-limits --minutes ${p.rateLimitMinutes}`, curl: curl(p.base, 'GET', `/usage/rate_limits?minutes=${p.rateLimitMinutes}`) },
    ],
  });
}
