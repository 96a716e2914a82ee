import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config';
import { GatewayConsoleClient, type CorsOriginView, type RedirectUriView } from '../upstream/gateway-console.client';
import { apiKeysPage, configurationPage, environmentsPage, type ConfigurationDone } from '../pages/credentials.page';
import { envPath } from '../pages/layout';
import { ConsoleService } from './console.service';

const DONE: Record<string, string> = {
  revoked: 'API key revoked: the gateway refuses it (401) once its key cache lets go of it (API_KEY_CACHE_TTL_MS, 30 s by default).',
  client_id: 'Client ID created.',
  redirect_uri: 'Redirect URI added.',
  redirect_uri_removed: 'Redirect URI removed.',
  cors_origin: 'CORS origin added.',
  cors_origin_removed: 'CORS origin removed.',
  homepage: 'Homepage URL saved.',
  switched: 'Environment switched. Scripts switch environments by API key (see "Script it").',
};
const flash = (done: unknown) => (typeof done === 'string' ? (DONE[done] ?? null) : null);
const text = (v: unknown, max = 2048) => (typeof v === 'string' ? v.slice(0, max) : undefined);
/** A removed item is gone from the lists: its ID and value travel in the redirect (shown escaped, in the scripts only). */
const removed = (id: string, value: string) => `&id=${encodeURIComponent(id)}&value=${encodeURIComponent(value)}`;

/** The configuration page's "just did": values read back from the lists by the ID the action made, or (removals) from the redirect. */
function configurationDone(q: Record<string, unknown>, now: { redirectUris: RedirectUriView[]; corsOrigins: CorsOriginView[]; homepage: string | null }): ConfigurationDone | null {
  const kind = text(q.done, 40);
  if (!kind || !DONE[kind]) return null;
  const id = text(q.id, 128);
  if (kind === 'redirect_uri') return { kind, id, value: now.redirectUris.find((r) => r.id === id)?.uri };
  if (kind === 'cors_origin') return { kind, id, value: now.corsOrigins.find((o) => o.id === id)?.origin };
  if (kind === 'homepage') return { kind, value: now.homepage ?? undefined };
  if (kind === 'client_id') return { kind, id, value: id };
  return { kind, id, value: text(q.value) };
}

/** Environments, API keys, client IDs, redirect URIs, CORS origins and the homepage URL: the gateway's settings, through its console routes. */
@Controller('dashboard')
export class CredentialsController {
  constructor(
    private readonly console: ConsoleService,
    private readonly gateway: GatewayConsoleClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('environments')
  environments(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.console.show(req, reply, null, 'environments', async (ctx) => ({ html: environmentsPage(ctx, { environments: await this.gateway.environments() }) }));
  }

  @Post('environments')
  createEnvironment(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.console.submit(req, reply, null, 'environments', 'admin', async (ctx, body) => {
      const created = await this.gateway.createEnvironment(body.name ?? '', body.kind === 'live' ? 'live' : 'test');
      const c = { ...ctx, environments: [...ctx.environments, created.environment] };
      return { html: environmentsPage(c, { environments: await this.gateway.environments(), created }), status: 201, audit: { action: 'dashboard.environment.created', target: { type: 'environment', id: created.environment.id, name: created.environment.name } } };
    });
  }

  @Get('e/:env/api-keys')
  apiKeys(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Query('done') done: unknown, @Query('id') id: unknown) {
    return this.console.show(req, reply, env, 'api-keys', async (ctx) => ({ html: apiKeysPage(ctx, { base: this.config.PUBLIC_BASE_URL, keys: await this.gateway.apiKeys(env), flash: flash(done), revokedId: done === 'revoked' && typeof id === 'string' ? id : null }) }));
  }

  /** The new key is in this response only (shown once); reloading shows the list without it. */
  @Post('e/:env/api-keys')
  createApiKey(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.submit(req, reply, env, 'api-keys', 'admin', async (ctx, body) => {
      const created = await this.gateway.createApiKey(env, body.name?.trim() || 'Secret key');
      return { html: apiKeysPage(ctx, { base: this.config.PUBLIC_BASE_URL, keys: await this.gateway.apiKeys(env), created }), status: 201, audit: { action: 'dashboard.api_key.created', target: { type: 'api_key', id: created.id, name: created.name }, environmentId: env } };
    });
  }

  @Post('e/:env/api-keys/:id/revoke')
  revokeApiKey(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') id: string) {
    return this.console.submit(req, reply, env, 'api-keys', 'admin', async (ctx) => {
      const key = await this.gateway.revokeApiKey(env, id);
      return { redirect: `${envPath(ctx, 'api-keys')}?done=revoked&id=${encodeURIComponent(key.id)}`, audit: { action: 'dashboard.api_key.revoked', target: { type: 'api_key', id: key.id, name: key.name }, environmentId: env } };
    });
  }

  @Get('e/:env/configuration')
  configuration(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Query() q: Record<string, unknown>) {
    return this.console.show(req, reply, env, 'configuration', async (ctx) => {
      const [clientIds, redirectUris, corsOrigins, homepage] = await Promise.all([this.gateway.clientIds(env), this.gateway.redirectUris(env), this.gateway.corsOrigins(env), this.gateway.homepageUrl(env)]);
      return { html: configurationPage(ctx, { base: this.config.PUBLIC_BASE_URL, clientIds, redirectUris, corsOrigins, homepage, flash: flash(q.done), done: configurationDone(q, { redirectUris, corsOrigins, homepage }) }) };
    });
  }

  @Post('e/:env/configuration/client-ids')
  createClientId(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.submit(req, reply, env, 'configuration', 'admin', async (ctx) => {
      const c = await this.gateway.createClientId(env);
      return { redirect: `${envPath(ctx, 'configuration')}?done=client_id&id=${encodeURIComponent(c.id)}`, audit: { action: 'dashboard.client_id.created', target: { type: 'client_id', id: c.id }, environmentId: env } };
    });
  }

  @Post('e/:env/configuration/redirect-uris')
  addRedirectUri(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.submit(req, reply, env, 'configuration', 'admin', async (ctx, body) => {
      const r = await this.gateway.addRedirectUri(env, body.uri ?? '');
      return { redirect: `${envPath(ctx, 'configuration')}?done=redirect_uri&id=${encodeURIComponent(r.id)}`, audit: { action: 'dashboard.redirect_uri.added', target: { type: 'redirect_uri', id: r.id, name: r.uri }, environmentId: env } };
    });
  }

  @Post('e/:env/configuration/redirect-uris/:id/delete')
  removeRedirectUri(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') id: string) {
    return this.console.submit(req, reply, env, 'configuration', 'admin', async (ctx) => {
      const uri = (await this.gateway.redirectUris(env)).find((r) => r.id === id)?.uri ?? '';
      await this.gateway.removeRedirectUri(env, id);
      return { redirect: `${envPath(ctx, 'configuration')}?done=redirect_uri_removed${removed(id, uri)}`, audit: { action: 'dashboard.redirect_uri.removed', target: { type: 'redirect_uri', id }, environmentId: env } };
    });
  }

  @Post('e/:env/configuration/cors-origins')
  addCorsOrigin(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.submit(req, reply, env, 'configuration', 'admin', async (ctx, body) => {
      const o = await this.gateway.addCorsOrigin(env, body.origin ?? '');
      return { redirect: `${envPath(ctx, 'configuration')}?done=cors_origin&id=${encodeURIComponent(o.id)}`, audit: { action: 'dashboard.cors_origin.added', target: { type: 'cors_origin', id: o.id, name: o.origin }, environmentId: env } };
    });
  }

  @Post('e/:env/configuration/cors-origins/:id/delete')
  removeCorsOrigin(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') id: string) {
    return this.console.submit(req, reply, env, 'configuration', 'admin', async (ctx) => {
      const origin = (await this.gateway.corsOrigins(env)).find((o) => o.id === id)?.origin ?? '';
      await this.gateway.removeCorsOrigin(env, id);
      return { redirect: `${envPath(ctx, 'configuration')}?done=cors_origin_removed${removed(id, origin)}`, audit: { action: 'dashboard.cors_origin.removed', target: { type: 'cors_origin', id }, environmentId: env } };
    });
  }

  @Post('e/:env/configuration/homepage')
  setHomepage(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.submit(req, reply, env, 'configuration', 'admin', async (ctx, body) => {
      await this.gateway.setHomepageUrl(env, body.url ?? '');
      return { redirect: `${envPath(ctx, 'configuration')}?done=homepage`, audit: { action: 'dashboard.app_homepage_url.updated', target: { type: 'environment', id: env, name: body.url }, environmentId: env } };
    });
  }
}
