import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConsoleService } from '../console/console.service';
import { envPath } from '../pages/layout';
import { connectionPage, connectionsPage, directoriesPage, directoryPage, organizationPage, organizationsPage, type ConnectionView, type DirectoryView, type OrganizationView, type ScimRequestView, type SsoSignInView } from '../pages/organizations.page';
import { query, UpstreamClient } from '../upstream/upstream.client';

/* The connection page lists this many sign-ins, looking at most this many pages of the environment's newest. */
const SIGN_INS_SHOWN = 20;
const SIGN_IN_PAGES = 3;
interface SsoEvent {
  id: string;
  created_at: string;
  data: { status?: string; email?: string | null; ip_address?: string | null; error?: { code: string; message: string }; sso?: { connection_id?: string | null } };
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const str = (v: unknown, max = 200) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
/** A path segment that is an ID of ours (prefix and ULID-ish); anything else never reaches a service. */
const id = (v: string, prefix: string) => (new RegExp(`^${prefix}_[0-9A-Za-z]{10,40}$`).test(v) ? v : `${prefix}_invalid`);

/**
 * Organizations, SSO connections and directories of the selected environment, read and changed
 * through the owning services' public APIs (organizations, sso, directory-sync, admin-portal),
 * signed for that environment only.
 */
@Controller('dashboard/e/:env')
export class DirectoryPagesController {
  constructor(
    private readonly console: ConsoleService,
    private readonly upstream: UpstreamClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The connection's last sign-ins, read from sso's own authentication.sso_* events in the events
   * service (the sso service keeps no separate log): the environment's newest SSO sign-ins, at
   * most SIGN_IN_PAGES pages of 100, filtered by `data.sso.connection_id`.
   */
  private async signInsOf(env: string, connectionId: string): Promise<SsoSignInView[]> {
    const found: SsoSignInView[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < SIGN_IN_PAGES && found.length < SIGN_INS_SHOWN; page++) {
      const res = await this.upstream.call<{ data: SsoEvent[] }>('events', env, 'GET', `/events${query({ events: 'authentication.sso_succeeded,authentication.sso_failed', order: 'desc', limit: 100, after: cursor })}`);
      if (res.status !== 200) break;
      for (const ev of res.body.data) {
        if (ev.data.sso?.connection_id !== connectionId) continue;
        found.push({ created_at: ev.created_at, status: ev.data.status === 'succeeded' ? 'succeeded' : 'failed', email: ev.data.email ?? null, ip_address: ev.data.ip_address ?? null, error: ev.data.error ?? null });
      }
      if (res.body.data.length < 100) break;
      cursor = res.body.data[res.body.data.length - 1]!.id;
    }
    return found.slice(0, SIGN_INS_SHOWN);
  }

  private get base() {
    return this.config.PUBLIC_BASE_URL;
  }

  @Get('organizations')
  organizations(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Query('search') search: unknown) {
    return this.console.show(req, reply, env, 'organizations', async (ctx) => {
      const term = str(search, 100);
      // A domain searches by domain (the API's filter); anything else is a name prefix (the organizations service's indexed `search`).
      const byDomain = DOMAIN.test(term);
      const list = await this.upstream.must<{ data: OrganizationView[] }>('organizations', env, 'GET', `/organizations${query({ limit: 100, domains: byDomain ? term.toLowerCase() : undefined, search: !byDomain && term ? term : undefined })}`);
      return { html: organizationsPage(ctx, { base: this.base, organizations: list.data, search: term, byDomain, more: list.data.length === 100 }) };
    });
  }

  @Post('organizations')
  createOrganization(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.submit(req, reply, env, 'organizations', 'admin', async (ctx, body) => {
      const domain = str(body.domain).toLowerCase();
      const org = await this.upstream.must<OrganizationView>('organizations', env, 'POST', '/organizations', { body: { name: str(body.name), ...(domain ? { domain_data: [{ domain, state: body.domain_state === 'verified' ? 'verified' : 'pending' }] } : {}) } });
      return { redirect: `${envPath(ctx, `organizations/${org.id}`)}?done=created`, audit: { action: 'dashboard.organization.created', target: { type: 'organization', id: org.id, name: org.name }, environmentId: env } };
    });
  }

  @Get('organizations/:id')
  organization(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') orgId: string, @Query('done') done: unknown, @Query('domain') domainId: unknown) {
    return this.console.show(req, reply, env, 'organizations', async (ctx) => ({ html: organizationPage(ctx, { ...(await this.organizationData(env, id(orgId, 'org'))), base: this.base, done: str(done, 20) || null, domainId: str(domainId, 64) || null }) }));
  }

  @Post('organizations/:id/domains')
  addDomain(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') orgId: string) {
    return this.console.submit(req, reply, env, 'organizations', 'admin', async (ctx, body) => {
      const d = await this.upstream.must<{ id: string; domain: string }>('organizations', env, 'POST', '/organization_domains', { body: { organization_id: id(orgId, 'org'), domain: str(body.domain).toLowerCase() } });
      return { redirect: `${envPath(ctx, `organizations/${orgId}`)}?done=domain&domain=${encodeURIComponent(d.id)}`, audit: { action: 'dashboard.organization_domain.created', target: { type: 'organization_domain', id: d.id, name: d.domain }, environmentId: env } };
    });
  }

  /** The link is in this response only (single use, minutes long). */
  @Post('organizations/:id/portal-link')
  portalLink(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') orgId: string) {
    return this.console.submit(req, reply, env, 'organizations', 'admin', async (ctx, body) => {
      const org = id(orgId, 'org');
      const intent = str(body.intent, 40);
      const { link } = await this.upstream.must<{ link: string }>('admin-portal', env, 'POST', '/portal/generate_link', { body: { organization: org, intent } });
      return { html: organizationPage(ctx, { ...(await this.organizationData(env, org)), base: this.base, portalLink: link, portalIntent: intent, done: null }), audit: { action: 'dashboard.portal_link.created', target: { type: 'organization', id: org }, environmentId: env } };
    });
  }

  @Post('organizations/:id/connections')
  createConnection(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') orgId: string) {
    return this.console.submit(req, reply, env, 'organizations', 'admin', async (ctx, body) => {
      const c = await this.upstream.must<ConnectionView>('sso', env, 'POST', '/connections', {
        body: { name: str(body.name, 255), connection_type: str(body.connection_type, 64), organization_id: id(orgId, 'org'), saml: { idp_metadata_xml: typeof body.idp_metadata_xml === 'string' ? body.idp_metadata_xml : '' } },
      });
      return { redirect: `${envPath(ctx, `sso/${c.id}`)}?done=created`, audit: { action: 'dashboard.connection.created', target: { type: 'connection', id: c.id, name: c.name }, environmentId: env } };
    });
  }

  @Get('sso')
  connections(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.show(req, reply, env, 'sso', async (ctx) => {
      const list = await this.upstream.must<{ data: ConnectionView[] }>('sso', env, 'GET', '/connections?limit=100');
      return { html: connectionsPage(ctx, { base: this.base, connections: list.data }) };
    });
  }

  @Get('sso/:id')
  connection(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') connId: string, @Query('done') done: unknown) {
    return this.console.show(req, reply, env, 'sso', async (ctx) => {
      const c = await this.upstream.must<ConnectionView & Record<string, unknown>>('sso', env, 'GET', `/connections/${id(connId, 'conn')}`);
      const sp = await this.upstream.call<{ metadata_xml?: string }>('sso', env, 'GET', `/connections/${c.id}/sp_metadata`);
      const signIns = await this.signInsOf(env, c.id);
      return { html: connectionPage(ctx, { base: this.base, c, spMetadata: sp.status === 200 ? (sp.body.metadata_xml ?? null) : null, signIns, done: ['created', 'activated', 'deactivated'].includes(str(done, 20)) ? str(done, 20) : null }) };
    });
  }

  @Post('sso/:id/activate')
  activate(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') connId: string) {
    return this.toggle(req, reply, env, connId, 'activate');
  }

  @Post('sso/:id/deactivate')
  deactivate(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') connId: string) {
    return this.toggle(req, reply, env, connId, 'deactivate');
  }

  private toggle(req: FastifyRequest, reply: FastifyReply, env: string, connId: string, verb: 'activate' | 'deactivate') {
    return this.console.submit(req, reply, env, 'sso', 'admin', async (ctx) => {
      const c = id(connId, 'conn');
      await this.upstream.must('sso', env, 'POST', `/connections/${c}/${verb}`);
      return { redirect: `${envPath(ctx, `sso/${c}`)}?done=${verb}d`, audit: { action: `dashboard.connection.${verb}d`, target: { type: 'connection', id: c }, environmentId: env } };
    });
  }

  @Get('directories')
  directories(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string) {
    return this.console.show(req, reply, env, 'directories', async (ctx) => {
      const list = await this.upstream.must<{ data: DirectoryView[] }>('directory-sync', env, 'GET', '/directories?limit=100');
      return { html: directoriesPage(ctx, { base: this.base, directories: list.data }) };
    });
  }

  @Get('directories/:id')
  directory(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') dirId: string) {
    return this.console.show(req, reply, env, 'directories', async (ctx) => {
      const d = await this.upstream.must<DirectoryView>('directory-sync', env, 'GET', `/directories/${id(dirId, 'directory')}`);
      const [requests, users, groups] = await Promise.all([
        this.upstream.must<{ data: ScimRequestView[] }>('directory-sync', env, 'GET', `/directories/${d.id}/scim_requests`),
        this.upstream.must<{ data: Array<{ id: string; email?: string; first_name?: string; last_name?: string; state: string }> }>('directory-sync', env, 'GET', `/directory_users?directory=${d.id}&limit=100`),
        this.upstream.must<{ data: Array<{ id: string; name: string }> }>('directory-sync', env, 'GET', `/directory_groups?directory=${d.id}&limit=100`),
      ]);
      return { html: directoryPage(ctx, { base: this.base, d, requests: requests.data, users: users.data, groups: groups.data }) };
    });
  }

  private async organizationData(env: string, orgId: string) {
    const org = await this.upstream.must<OrganizationView>('organizations', env, 'GET', `/organizations/${orgId}`);
    const [connections, directories] = await Promise.all([
      this.upstream.must<{ data: ConnectionView[] }>('sso', env, 'GET', `/connections?organization_id=${org.id}&limit=100`),
      this.upstream.must<{ data: DirectoryView[] }>('directory-sync', env, 'GET', `/directories?organization_id=${org.id}&limit=100`),
    ]);
    return { org, connections: connections.data, directories: directories.data };
  }
}
