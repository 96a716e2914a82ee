import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_EVENT_TYPES } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConsoleService } from '../console/console.service';
import { envPath } from '../pages/layout';
import { eventRow, eventsPage, settingsPage, webhookPage, webhooksPage, type AttemptView, type AuthkitSettingsView, type EndpointView, type EventView, type WebhookDone } from '../pages/activity.page';
import { query, UpstreamClient } from '../upstream/upstream.client';

// Internal types (the gateway's usage counts) never reach /events, so they are no filter.
const ALL_TYPES = [...PUBLIC_EVENT_TYPES].sort();
const GROUPS = [...new Set(ALL_TYPES.map((t) => t.split('.')[0]!))];
/** The events service takes at most 100 types per query. */
const typesOf = (group: unknown) => (typeof group === 'string' && GROUPS.includes(group) ? ALL_TYPES.filter((t) => t.split('.')[0] === group) : ALL_TYPES).slice(0, 100);
const orgFilter = (v: unknown) => (typeof v === 'string' && /^org_[0-9A-Za-z]{10,40}$/.test(v) ? v : '');
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;
/** The redirect's account of a redelivery or replay, for its scripts; anything malformed is dropped. */
function webhookDone(q: Record<string, unknown>): WebhookDone | null {
  if (q.done === 'redelivery' && typeof q.event === 'string' && /^event_[0-9A-Za-z]{10,40}$/.test(q.event)) return { kind: 'redelivery', eventId: q.event };
  if (q.done === 'replay' && typeof q.range_start === 'string' && typeof q.range_end === 'string' && ISO.test(q.range_start) && ISO.test(q.range_end)) return { kind: 'replay', rangeStart: q.range_start, rangeEnd: q.range_end };
  return null;
}
const endpointId = (v: string) => (/^we_[0-9A-Za-z]{10,40}$/.test(v) ? v : 'we_invalid');

/** Events (a live tail), webhooks (endpoints, delivery log, redeliver, replay) and AuthKit settings of the selected environment. */
@Controller('dashboard/e/:env')
export class ActivityPagesController {
  constructor(
    private readonly console: ConsoleService,
    private readonly upstream: UpstreamClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('events')
  events(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Query() q: Record<string, unknown>) {
    return this.console.show(req, reply, env, 'events', async (ctx) => {
      const types = typesOf(q.group);
      const org = orgFilter(q.organization_id);
      const list = await this.upstream.must<{ data: EventView[] }>('events', env, 'GET', `/events${query({ events: types.join(','), organization_id: org, order: 'desc', limit: 50 })}`);
      const jsonUrl = `${envPath(ctx, 'events.json')}${query({ group: typeof q.group === 'string' && GROUPS.includes(q.group) ? q.group : undefined, organization_id: org }) || '?'}`;
      return { html: eventsPage(ctx, { base: this.config.PUBLIC_BASE_URL, events: list.data, types: types.join(','), organizationId: org, groups: GROUPS, jsonUrl }) };
    });
  }

  /** The tail's JSON twin: rows (escaped HTML) of the events after `after`, newest first. Session-bound like every page. */
  @Get('events.json')
  eventsJson(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Query() q: Record<string, unknown>) {
    return this.console.show(req, reply, env, 'events', async () => {
      const after = typeof q.after === 'string' && /^event_[0-9A-Za-z]{10,40}$/.test(q.after) ? q.after : undefined;
      const list = await this.upstream.must<{ data: EventView[] }>('events', env, 'GET', `/events${query({ events: typesOf(q.group).join(','), organization_id: orgFilter(q.organization_id), after, order: 'asc', limit: 50 })}`);
      // Without `after` there is nothing to add: the page already shows the latest.
      const fresh = after ? list.data.slice().reverse() : [];
      return { json: { rows: fresh.map(eventRow), newest: fresh[0]?.id ?? after ?? null } };
    });
  }

  @Get('webhooks')
  webhooks(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.show(req, reply, env, 'webhooks', async (ctx) => {
      const list = await this.upstream.must<{ data: EndpointView[] }>('webhook-dispatcher', env, 'GET', '/webhook_endpoints?limit=100');
      return { html: webhooksPage(ctx, { base: this.config.PUBLIC_BASE_URL, endpoints: list.data }) };
    });
  }

  /** The signing secret is in this response only. */
  @Post('webhooks')
  createWebhook(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.submit(req, reply, env, 'webhooks', 'admin', async (ctx, body) => {
      const events = String(body.events ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(0, 200);
      const created = await this.upstream.must<EndpointView & { secret: string }>('webhook-dispatcher', env, 'POST', '/webhook_endpoints', { body: { endpoint_url: String(body.endpoint_url ?? '').trim(), events } });
      const list = await this.upstream.must<{ data: EndpointView[] }>('webhook-dispatcher', env, 'GET', '/webhook_endpoints?limit=100');
      return { html: webhooksPage(ctx, { base: this.config.PUBLIC_BASE_URL, endpoints: list.data, created }), status: 201, audit: { action: 'dashboard.webhook_endpoint.created', target: { type: 'webhook_endpoint', id: created.id, name: created.endpoint_url }, environmentId: env } };
    });
  }

  @Get('webhooks/:id')
  webhook(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') id: string, @Query() q: Record<string, unknown>) {
    return this.console.show(req, reply, env, 'webhooks', async (ctx) => {
      const endpoint = await this.upstream.must<EndpointView>('webhook-dispatcher', env, 'GET', `/webhook_endpoints/${endpointId(id)}`);
      const attempts = await this.upstream.must<{ data: AttemptView[] }>('webhook-dispatcher', env, 'GET', `/webhook_endpoints/${endpoint.id}/delivery_attempts?limit=50`);
      return { html: webhookPage(ctx, { base: this.config.PUBLIC_BASE_URL, endpoint, attempts: attempts.data, done: webhookDone(q) }) };
    });
  }

  @Post('webhooks/:id/redeliver')
  redeliver(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') id: string) {
    return this.console.submit(req, reply, env, 'webhooks', 'admin', async (ctx, body) => {
      const we = endpointId(id);
      await this.upstream.must('webhook-dispatcher', env, 'POST', `/webhook_endpoints/${we}/redeliveries`, { body: { event_id: String(body.event_id ?? '') } });
      return { redirect: `${envPath(ctx, `webhooks/${we}`)}?done=redelivery&event=${encodeURIComponent(String(body.event_id ?? '').slice(0, 64))}`, audit: { action: 'dashboard.webhook.redelivered', target: { type: 'webhook_endpoint', id: we, name: String(body.event_id ?? '').slice(0, 64) }, environmentId: env } };
    });
  }

  @Post('webhooks/:id/replay')
  replay(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') id: string) {
    return this.console.submit(req, reply, env, 'webhooks', 'admin', async (ctx, body) => {
      const we = endpointId(id);
      const hours = [1, 24, 168].includes(Number(body.hours)) ? Number(body.hours) : 1;
      const end = new Date();
      const range = { range_start: new Date(end.getTime() - hours * 3_600_000).toISOString(), range_end: end.toISOString() };
      await this.upstream.must('webhook-dispatcher', env, 'POST', `/webhook_endpoints/${we}/replays`, { body: range });
      return { redirect: `${envPath(ctx, `webhooks/${we}`)}?done=replay${query(range).replace('?', '&')}`, audit: { action: 'dashboard.webhook.replayed', target: { type: 'webhook_endpoint', id: we }, environmentId: env } };
    });
  }

  @Get('settings')
  settings(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Query('done') done: unknown) {
    return this.console.show(req, reply, env, 'settings', async (ctx) => {
      const settings = await this.upstream.must<AuthkitSettingsView>('identity', env, 'GET', '/user_management/authkit/settings');
      return { html: settingsPage(ctx, { base: this.config.PUBLIC_BASE_URL, settings, done: done === 'saved' || done === 'email' ? done : null }) };
    });
  }

  @Post('settings')
  saveSettings(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.submit(req, reply, env, 'settings', 'admin', async (ctx, body) => {
      const name = String(body.brand_name ?? '').trim();
      const color = String(body.primary_color ?? '').trim();
      await this.upstream.must('identity', env, 'PATCH', '/user_management/authkit/settings', {
        body: { sign_up_policy: body.sign_up_policy, require_mfa: body.require_mfa === 'true', branding: { name: name || null, primary_color: color || null } },
      });
      return { redirect: `${envPath(ctx, 'settings')}?done=saved`, audit: { action: 'dashboard.authkit_settings.updated', target: { type: 'environment', id: env }, environmentId: env } };
    });
  }

  /** The environment's email settings; identity validates them (a refusal is shown with its fields), an empty field is null (the default). */
  @Post('settings/email')
  saveEmailSettings(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.submit(req, reply, env, 'settings', 'admin', async (ctx, body) => {
      const text = (v: unknown) => String(v ?? '').trim() || null;
      const email = { from_name: text(body.from_name), from_address: text(body.from_address), reply_to: text(body.reply_to), delivery: body.delivery };
      await this.upstream.must('identity', env, 'PATCH', '/user_management/authkit/settings', { body: { email } });
      return { redirect: `${envPath(ctx, 'settings')}?done=email`, audit: { action: 'dashboard.authkit_email_settings.updated', target: { type: 'environment', id: env, name: `delivery: ${email.delivery}` }, environmentId: env } };
    });
  }
}
