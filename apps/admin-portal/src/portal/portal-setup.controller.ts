import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '@wos/platform';
import { UpstreamClient } from '../upstream/upstream.client';
import { url } from './pages/layout';
import { auditLogsPage, dsyncPage, domainsPage, EXPORT_DAYS, logStreamsPage, STREAM_TYPES, type DirectoryActivity, type ExportView, type LogStreamView, type DirectoryView, type DomainView, type RoleMappingView } from './pages/setup.pages';
import { PortalPagesService } from './portal-pages.service';
import { PortalSessionCache } from './session-cache';
import type { PortalSession } from '../generated/prisma/client';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';

/**
 * Directory Sync, domain verification and the status pages. Every action is the owning
 * service's public API call for the session's environment and organization (same rules, same
 * events); ids in a form are checked to belong to the session's organization first.
 */
@Controller('portal/o/:org')
export class PortalSetupController {
  constructor(
    private readonly pages: PortalPagesService,
    private readonly upstream: UpstreamClient,
    private readonly cache: PortalSessionCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('dsync')
  dsync(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.show(req, reply, org, 'dsync', async (s) => {
      const { directory: d, activity } = await this.cache.read(s, 'page:dsync', () => this.dsyncView(s), (r) => r.directory !== null);
      // Complete once the IdP has reached the directory (its first authenticated SCIM request links it).
      return { page: (ctx) => dsyncPage(ctx, { directory: d, baseUrl: d ? this.scimBaseUrl(d.id) : null, token: null, activity: activity ?? undefined }), complete: d?.state === 'linked' };
    });
  }

  @Post('dsync/directory')
  createDirectory(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'dsync', async (s, body, ctx) => {
      if (await this.directory(s)) return { redirect: url(ctx, 'dsync') };
      const d = await this.upstream.must<DirectoryView & { bearer_token: string; base_url: string }>('directory-sync', s.environmentId, 'POST', '/directories', {
        organization_id: s.organizationId, name: `${ctx.session!.organizationName} directory`.slice(0, 255), type: body.type,
      });
      return { page: (c) => dsyncPage(c, { directory: d, baseUrl: d.base_url, token: d.bearer_token }), status: 201 };
    });
  }

  /** Maps one more directory group to a role (replacing that group's mapping); directory-sync checks the role against the catalogue. */
  @Post('dsync/mappings')
  mapGroup(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'dsync', async (s, body, ctx) => {
      const d = await this.directory(s);
      if (!d) throw new ValidationError([{ field: 'directory', code: 'no_directory', message: 'Create the directory first.' }]);
      const { role_mappings } = await this.upstream.must<{ role_mappings: RoleMappingView[] }>('directory-sync', s.environmentId, 'GET', `/directories/${d.id}/role_mappings`);
      const group = String(body.group ?? '');
      const next = [...role_mappings.filter((m) => m.directory_group_id !== group), { directory_group_id: group, role: String(body.role ?? '').trim() }];
      await this.upstream.must('directory-sync', s.environmentId, 'PUT', `/directories/${d.id}/role_mappings`, { role_mappings: next });
      return { redirect: url(ctx, 'dsync') };
    });
  }

  @Post('dsync/rotate')
  rotate(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'dsync', async (s) => {
      const current = await this.directory(s);
      if (!current) throw new ValidationError([{ field: 'directory', code: 'no_directory', message: 'Create the directory first.' }]);
      const d = await this.upstream.must<DirectoryView & { bearer_token: string; base_url: string }>('directory-sync', s.environmentId, 'POST', `/directories/${current.id}/token`);
      return { page: (c) => dsyncPage(c, { directory: d, baseUrl: d.base_url, token: d.bearer_token }) };
    });
  }

  @Get('domain_verification')
  domains(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.show(req, reply, org, 'domain_verification', async (s) => {
      const domains = await this.cache.read(s, 'page:domain_verification', () => this.domainsOf(s));
      return { page: (ctx) => domainsPage(ctx, domains), complete: domains.some((d) => d.state === 'verified') };
    });
  }

  @Post('domain_verification/domain')
  addDomain(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'domain_verification', async (s, body, ctx) => {
      await this.upstream.must('organizations', s.environmentId, 'POST', '/organization_domains', { organization_id: s.organizationId, domain: (body.domain ?? '').trim() });
      return { redirect: url(ctx, 'domain_verification') };
    });
  }

  @Post('domain_verification/:domainId/verify')
  verify(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string, @Param('domainId') domainId: string) {
    return this.pages.submit(req, reply, org, 'domain_verification', async (s, _body, ctx) => {
      if (!(await this.domainsOf(s)).some((d) => d.id === domainId)) throw new ValidationError([{ field: 'domain', code: 'unknown_domain', message: 'This domain is not one of the organization.' }]);
      await this.upstream.must('organizations', s.environmentId, 'POST', `/organization_domains/${encodeURIComponent(domainId)}/verify`, {});
      return { redirect: url(ctx, 'domain_verification') };
    });
  }

  @Get('audit_logs')
  auditLogs(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.show(req, reply, org, 'audit_logs', async () => ({ page: (ctx) => auditLogsPage(ctx) }));
  }

  /**
   * Creates an export of the organization's last N days through audit-logs and waits a few
   * seconds for it: small exports are ready by then and the page links the file. There is no
   * "check later" by export ID, because an export's ID does not say whose it is.
   */
  @Post('audit_logs/export')
  exportAuditLogs(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'audit_logs', async (s, body) => {
      const days = EXPORT_DAYS.find((n) => String(n) === body.days) ?? EXPORT_DAYS[0];
      const end = new Date();
      const created = await this.upstream.must<{ id: string } & ExportView>('audit-logs', s.environmentId, 'POST', '/audit_logs/exports', {
        organization_id: s.organizationId,
        range_start: new Date(end.getTime() - days * 86_400_000).toISOString(),
        range_end: end.toISOString(),
      });
      let result: ExportView = created;
      for (const deadline = Date.now() + 5_000; result.state === 'pending' && Date.now() < deadline; ) {
        await sleep(250);
        result = await this.upstream.must<ExportView>('audit-logs', s.environmentId, 'GET', `/audit_logs/exports/${encodeURIComponent(created.id)}`);
      }
      return { page: (ctx) => auditLogsPage(ctx, result), complete: result.state === 'ready' };
    });
  }

  @Get('log_streams')
  logStreams(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.show(req, reply, org, 'log_streams', async (s) => {
      const streams = await this.cache.read(s, 'page:log_streams', () => this.streamsOf(s));
      return { page: (ctx) => logStreamsPage(ctx, streams), complete: streams.length > 0 };
    });
  }

  /** Adds a stream of this organization through audit-logs (which validates the URL and seals the token). */
  @Post('log_streams/stream')
  addLogStream(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'log_streams', async (s, body) => {
      const type = STREAM_TYPES.find((x) => x === body.type);
      if (!type) throw new ValidationError([{ field: 'type', code: 'invalid_type', message: 'Pick one of the destinations offered.' }]);
      const url = (body.url ?? '').trim();
      const token = body.token ?? '';
      const config = type === 'https' ? { url } : type === 'datadog' ? { url, api_key: token } : { url, token };
      const created = await this.upstream.must<{ secret?: string }>('audit-logs', s.environmentId, 'POST', '/audit_logs/log_streams', {
        organization_id: s.organizationId,
        type,
        ...(body.name?.trim() ? { name: body.name.trim() } : {}),
        config,
      });
      const streams = await this.streamsOf(s);
      return { page: (ctx) => logStreamsPage(ctx, streams, created.secret), status: 201, complete: true };
    });
  }

  @Post('log_streams/:streamId/delete')
  deleteLogStream(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string, @Param('streamId') streamId: string) {
    return this.pages.submit(req, reply, org, 'log_streams', async (s, _body, ctx) => {
      // Only a stream of this organization: audit-logs scopes by environment, the portal by organization.
      if (!(await this.streamsOf(s)).some((x) => x.id === streamId)) throw new ValidationError([{ field: 'stream', code: 'unknown_stream', message: 'This log stream is not one of the organization.' }]);
      await this.upstream.must('audit-logs', s.environmentId, 'DELETE', `/audit_logs/log_streams/${encodeURIComponent(streamId)}`);
      return { redirect: url(ctx, 'log_streams') };
    });
  }

  private async directory(s: PortalSession): Promise<DirectoryView | null> {
    const list = await this.upstream.must<{ data: DirectoryView[] }>('directory-sync', s.environmentId, 'GET', `/directories?${new URLSearchParams({ organization_id: s.organizationId, limit: '1' })}`);
    return list.data[0] ?? null;
  }

  /**
   * The organization's directory and its activity (last SCIM requests, group → role mappings, the
   * first 100 groups) in one call: directory-sync's internal read for the session's environment
   * (signed) and organization (the path), which answers null for an organization without one.
   */
  private dsyncView(s: PortalSession): Promise<{ directory: DirectoryView | null; activity: DirectoryActivity | null }> {
    return this.upstream.must('directory-sync', s.environmentId, 'GET', `/internal/directory-sync/organizations/${encodeURIComponent(s.organizationId)}/portal_view`);
  }

  private async streamsOf(s: PortalSession): Promise<LogStreamView[]> {
    const list = await this.upstream.must<{ data: LogStreamView[] }>('audit-logs', s.environmentId, 'GET', `/audit_logs/log_streams?${new URLSearchParams({ organization_id: s.organizationId, limit: '100' })}`);
    return list.data;
  }

  private async domainsOf(s: PortalSession): Promise<DomainView[]> {
    const o = await this.upstream.must<{ domains?: DomainView[] }>('organizations', s.environmentId, 'GET', `/organizations/${s.organizationId}`);
    return o.domains ?? [];
  }

  private scimBaseUrl(directoryId: string): string {
    return `${this.config.PUBLIC_BASE_URL}/scim/v2/${directoryId}`;
  }
}
