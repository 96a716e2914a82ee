import { consolePage, curl, envPath, h, table, type ConsoleContext } from './layout';
import type { RateLimitUsageView } from '../upstream/gateway-console.client';

/** The events service's GET /usage and GET /usage/months answers (apps/events/src/usage/usage.dto.ts). */
export interface UsageView {
  month: string;
  monthly_active_users: number;
  active_sso_connections: number;
  active_directories: number;
  daily_active_users: Array<{ date: string; count: number }>;
}
export type UsageMonthView = Omit<UsageView, 'daily_active_users'>;

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

/**
 * The month's daily active users as a bar chart, drawn here as SVG (no script, nothing fetched).
 * Accessible as one image: role="img" named by its <title> and described by its <desc>; the
 * numbers themselves are in the table next to it. The x axis is the whole month (days still to
 * come are empty slots); bars scale to the month's highest day (at least 1).
 */
export function dailyChart(month: string, days: UsageView['daily_active_users']): string {
  if (!days.length) return '<p class="empty">No day of this month to chart yet.</p>';
  const max = Math.max(1, ...days.map((d) => d.count));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(daysIn(month), days.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const busiest = days.reduce((a, b) => (b.count > a.count ? b : a));
  const bars = days
    .map((d, i) => {
      const day = Number(d.date.slice(8, 10)) || i + 1;
      const x = PAD.left + (day - 1) * slot + (slot - barW) / 2;
      const top = y(d.count);
      const label = i === 0 || i === days.length - 1 || day % 5 === 0 ? `<text x="${(x + barW / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${day}</text>` : '';
      return `<rect class="bar" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - top).toFixed(1)}"></rect>${label}`;
    })
    .join('');
  const axes = `<line class="axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}"></line><line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}"></line><text x="${PAD.left - 6}" y="${PAD.top + plotH + 4}" text-anchor="end">0</text><text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${max}</text>`;
  const title = `Daily active users, ${monthName(month)}`;
  const desc = `Bar chart of the distinct users active on each UTC day from ${days[0]!.date} to ${days[days.length - 1]!.date}; the busiest day is ${busiest.date} with ${busiest.count}. The table below has every day's number.`;
  return `<figure class="usage-chart"><svg class="chart" role="img" aria-labelledby="dau-title dau-desc" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title id="dau-title">${h(title)}</title><desc id="dau-desc">${h(desc)}</desc>${axes}${bars}</svg></figure>`;
}

export function usagePage(
  ctx: ConsoleContext,
  p: { base: string; usage: UsageView; months: UsageMonthView[]; rateLimits: RateLimitUsageView[] | null; rateLimitMinutes: number },
): string {
  const u = p.usage;
  const m = u.month;
  // The picker offers every month with data, and the one shown even when it has none.
  const months = p.months.some((x) => x.month === m) ? p.months : [{ month: m, monthly_active_users: u.monthly_active_users } as UsageMonthView, ...p.months];
  const picker = `<form method="get" action="${h(envPath(ctx, 'usage'))}" aria-label="Choose a month"><div class="field"><label for="f-month">Month (UTC)</label><select id="f-month" name="month">${months
    .map((x) => `<option value="${h(x.month)}"${x.month === m ? ' selected' : ''}>${h(monthName(x.month))} (${x.monthly_active_users} active users)</option>`)
    .join('')}</select></div><button type="submit" class="secondary">Show month</button></form>`;
  const stat = (id: string, label: string, n: number) => `<div><dt id="${id}-label">${h(label)}</dt><dd id="${id}" aria-labelledby="${id}-label">${n}</dd></div>`;
  const stats = `<dl class="stats" aria-label="Billing units, ${h(monthName(m))}">${stat('usage-mau', 'Monthly active users', u.monthly_active_users)}${stat('usage-sso', 'Active SSO connections', u.active_sso_connections)}${stat('usage-directories', 'Active directories', u.active_directories)}</dl>`;
  const csvHref = `${envPath(ctx, 'usage/export.csv')}?month=${encodeURIComponent(m)}`;
  const csv = `<p><a id="usage-csv" href="${h(csvHref)}" download>Download the active users of ${h(monthName(m))} (CSV)</a></p>`;
  const daily = table(`Daily active users, ${monthName(m)}`, ['Date (UTC)', 'Active users'], u.daily_active_users.map((d) => [h(d.date), String(d.count)]), 'No day yet.');
  const limits =
    p.rateLimits === null
      ? '<p class="notice warn" role="status">The gateway cannot read its rate-limit counts right now (its Redis is unavailable); reload to try again.</p>'
      : table(
          `Requests per minute and rate-limit bucket, last ${p.rateLimitMinutes} minutes, newest first`,
          ['Minute (UTC)', 'Bucket', 'Requests', 'Refused (429)'],
          p.rateLimits
            .slice()
            .reverse()
            .map((r) => [h(r.minute.slice(0, 16).replace('T', ' ')), `<code>${h(r.bucket)}</code>`, String(r.requests), r.limited ? `<strong>${r.limited}</strong>` : '0']),
          `No request counted in the last ${p.rateLimitMinutes} minutes.`,
        );
  return consolePage(ctx, {
    title: 'Usage',
    section: 'usage',
    body: `${picker}<h2>${h(monthName(m))}</h2>${stats}<p class="hint">A monthly active user signed up, signed in or had their profile updated in the UTC month; a connection or directory counts if it was active at any time in it.</p>${csv}<h2>Daily active users</h2>${dailyChart(m, u.daily_active_users)}${daily}<h2>Rate limits</h2>${limits}`,
    scripts: [
      { what: `Usage of ${monthName(m)}`, cli: `npx wos usage --month ${m}`, curl: curl(p.base, 'GET', `/usage?month=${m}`) },
      { what: 'Active users as CSV', cli: `npx wos usage --month ${m} --csv`, curl: curl(p.base, 'GET', `/usage/export.csv?month=${m}`) },
      { what: 'Usage per month', curl: curl(p.base, 'GET', '/usage/months') },
      { what: `Rate-limit usage, last ${p.rateLimitMinutes} minutes`, curl: curl(p.base, 'GET', `/usage/rate_limits?minutes=${p.rateLimitMinutes}`) },
    ],
  });
}
