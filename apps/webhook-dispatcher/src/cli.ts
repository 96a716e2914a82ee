import { apiCommand, apiDeleteCommand, apiClient, CliUsageError, deadLettersGroup, listTable, requireArg, requireOption, secretsGroup, type CliCommand, type CliContext, type CliModule, type CliOption } from '@wos/platform/cli';

/* The webhook dispatcher's `wos` commands: endpoints and deliveries through the gateway's HTTP API. */

const endpointId = (ctx: CliContext) => encodeURIComponent(requireArg(ctx, 0, 'an ENDPOINT_ID'));
const eventList = (ctx: CliContext) => ((ctx.options.events as string[] | undefined) ?? []).flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean);
const EVENTS: CliOption = { type: 'string', multiple: true, value: 'TYPE', description: 'an event type to deliver (repeat, or comma separated)' };
const status = (value: 'enabled' | 'disabled') => async (ctx: CliContext) =>
  ctx.result(await apiClient(ctx).call('PATCH', `/webhook_endpoints/${endpointId(ctx)}`, { status: value }));

export const cli: CliModule = {
  service: 'webhook-dispatcher',
  groups: [
    {
      name: 'webhooks',
      summary: 'webhook endpoints, their secrets and deliveries',
      commands: [
        apiCommand('list', 'lists endpoints', async (ctx) => {
          const page = await apiClient(ctx).call<{ data: Record<string, unknown>[] }>('GET', '/webhook_endpoints?limit=100');
          ctx.result(page, () => listTable(page, ['id', 'endpoint_url', 'status', 'events']));
        }),
        apiCommand('get', 'one endpoint, with why it was disabled', async (ctx) => ctx.result(await apiClient(ctx).call('GET', `/webhook_endpoints/${endpointId(ctx)}`)), {}, 'ENDPOINT_ID'),
        apiCommand(
          'create',
          'registers an endpoint; prints its signing secret',
          async (ctx) => {
            const events = eventList(ctx);
            ctx.result(await apiClient(ctx).call('POST', '/webhook_endpoints', { endpoint_url: requireOption(ctx, 'url'), events }));
          },
          { url: { type: 'string', value: 'URL', description: 'https URL (http and loopback need ALLOW_LOOPBACK_URLS=true); required' }, events: EVENTS },
        ),
        apiCommand('enable', 'enables an endpoint', status('enabled'), {}, 'ENDPOINT_ID'),
        apiCommand('disable', 'disables an endpoint', status('disabled'), {}, 'ENDPOINT_ID'),
        apiDeleteCommand('/webhook_endpoints', 'deletes an endpoint', 'ENDPOINT_ID'),
        apiCommand(
          'attempts',
          "the endpoint's delivery log (first 100 attempts)",
          async (ctx) => {
            const page = await apiClient(ctx).call<{ data: Record<string, unknown>[] }>('GET', `/webhook_endpoints/${endpointId(ctx)}/delivery_attempts?limit=100`);
            ctx.result(page, () => listTable(page, ['event_id', 'attempt', 'state', 'response_status_code', 'latency_ms', 'created_at']));
          },
          {},
          'ENDPOINT_ID',
        ),
        apiCommand(
          'redeliver',
          'sends one event to the endpoint again, now',
          async (ctx) => ctx.result(await apiClient(ctx).call('POST', `/webhook_endpoints/${endpointId(ctx)}/redeliveries`, { event_id: requireOption(ctx, 'event') })),
          { event: { type: 'string', value: 'EVENT_ID', description: 'required' } },
          'ENDPOINT_ID',
        ),
        apiCommand(
          'replay',
          "sends the endpoint's subscribed events of a time range again (POST /webhook_endpoints/:id/replays)",
          async (ctx) => {
            const hours = ctx.options.hours === undefined ? undefined : Number(ctx.options.hours);
            if (hours !== undefined && !(hours > 0)) throw new CliUsageError('--hours must be a positive number');
            const end = typeof ctx.options.until === 'string' ? ctx.options.until : new Date().toISOString();
            const start = typeof ctx.options.since === 'string' ? ctx.options.since : hours ? new Date(Date.parse(end) - hours * 3_600_000).toISOString() : undefined;
            if (!start) throw new CliUsageError('give --since ISO_TIME or --hours N');
            ctx.result(await apiClient(ctx).call('POST', `/webhook_endpoints/${endpointId(ctx)}/replays`, { range_start: start, range_end: end }));
          },
          {
            since: { type: 'string', value: 'ISO_TIME', description: 'the start of the range' },
            until: { type: 'string', value: 'ISO_TIME', description: 'the end of the range (default now)' },
            hours: { type: 'string', value: 'N', description: 'instead of --since: the N hours before --until' },
          },
          'ENDPOINT_ID',
        ),
        apiCommand(
          'rotate-secret',
          'a new signing secret; the old one keeps signing for the grace period',
          async (ctx) => {
            const grace = ctx.options['grace-seconds'];
            ctx.result(await apiClient(ctx).call('POST', `/webhook_endpoints/${endpointId(ctx)}/rotate_secret`, grace === undefined ? {} : { grace_period_seconds: Number(grace) }));
          },
          { 'grace-seconds': { type: 'string', value: 'N', description: 'how long the old secret keeps signing (default 86400; 0 switches at once)' } },
          'ENDPOINT_ID',
        ),
      ],
    },
    deadLettersGroup('webhook-dispatcher'),
    secretsGroup('webhook-dispatcher', () => (require('./infra/sealed-columns') as typeof import('./infra/sealed-columns')).SEALED_COLUMNS),
  ],
};
