import { setTimeout as sleep } from 'node:timers/promises';
import { API_OPTIONS, CliUsageError, apiClient, listTable, type CliCommand, type CliContext, type CliOption } from '@wos/platform/cli';

interface EventRow {
  id: string;
  event: string;
  created_at: string;
  data?: { id?: string };
}
interface Page {
  data: EventRow[];
}

const PAGE = 100;
const FILTERS: Record<string, CliOption> = {
  events: { type: 'string', multiple: true, value: 'TYPE', description: 'only these event types (repeat, or comma separated)' },
  organization: { type: 'string', value: 'ORG_ID', description: "only this organization's events" },
};

function filters(ctx: CliContext): URLSearchParams {
  const q = new URLSearchParams();
  for (const e of ((ctx.options.events as string[] | undefined) ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) q.append('events', e);
  if (typeof ctx.options.organization === 'string') q.set('organization_id', ctx.options.organization);
  return q;
}

function positiveInt(ctx: CliContext, name: string, fallback: number): number {
  const raw = ctx.options[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,8}$/.test(raw)) throw new CliUsageError(`--${name} must be a positive whole number`);
  return Number(raw);
}

const line = (e: EventRow) => `${e.created_at}  ${e.event.padEnd(36)}  ${e.id}  ${e.data?.id ?? ''}`.trimEnd();

/**
 * Follows GET /events: starts after the newest event (or at --since, or at the oldest with
 * --from-start) and polls with the `after` cursor, which the events service sets to the last
 * event returned, so each event is printed once, in stored order.
 */
export const tailCommand: CliCommand = {
  name: 'tail',
  summary: 'follows new events live (Ctrl-C stops); with --json one event per line',
  options: {
    ...FILTERS,
    since: { type: 'string', value: 'ISO_TIME', description: 'start with the events created at or after this instant' },
    'from-start': { type: 'boolean', description: 'start with the oldest stored event' },
    count: { type: 'string', value: 'N', description: 'exit after N events' },
    interval: { type: 'string', value: 'MS', description: 'pause between polls when there is nothing new (default 1000)' },
    ...API_OPTIONS,
  },
  async run(ctx) {
    const api = apiClient(ctx);
    const base = filters(ctx);
    const max = positiveInt(ctx, 'count', Number.POSITIVE_INFINITY);
    const interval = positiveInt(ctx, 'interval', 1000);
    let after: string | undefined;
    let rangeStart = typeof ctx.options.since === 'string' ? ctx.options.since : undefined;
    if (!rangeStart && !ctx.options['from-start']) {
      const newest = await api.call<Page>('GET', `/events?${new URLSearchParams([...base, ['order', 'desc'], ['limit', '1']])}`);
      after = newest.data[0]?.id;
      if (!after) rangeStart = new Date().toISOString();
    }
    let printed = 0;
    while (!ctx.signal.aborted) {
      const q = new URLSearchParams([...base, ['limit', String(PAGE)]]);
      if (after) q.set('after', after);
      else if (rangeStart) q.set('range_start', rangeStart);
      let page: Page;
      try {
        page = await api.call<Page>('GET', `/events?${q}`);
      } catch (err) {
        if (ctx.signal.aborted) break;
        throw err;
      }
      for (const e of page.data) {
        ctx.result(e, () => line(e));
        if (++printed >= max) return 0;
      }
      if (page.data.length) after = page.data.at(-1)!.id;
      if (page.data.length < PAGE) await sleep(interval, undefined, { signal: ctx.signal }).catch(() => undefined);
    }
    return 0;
  },
};

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'one page of events, oldest first',
  options: {
    ...FILTERS,
    after: { type: 'string', value: 'EVENT_ID', description: 'the events after this one' },
    'range-start': { type: 'string', value: 'ISO_TIME', description: 'events created at or after this instant' },
    limit: { type: 'string', value: 'N', description: 'page size (default 10, at most 100)' },
    ...API_OPTIONS,
  },
  async run(ctx) {
    const q = filters(ctx);
    q.set('limit', String(positiveInt(ctx, 'limit', 10)));
    if (typeof ctx.options.after === 'string') q.set('after', ctx.options.after);
    if (typeof ctx.options['range-start'] === 'string') q.set('range_start', ctx.options['range-start']);
    const page = await apiClient(ctx).call<Page>('GET', `/events?${q}`);
    ctx.result(page, () => listTable(page as unknown as { data: Record<string, unknown>[] }, ['id', 'event', 'created_at']));
  },
};
