import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ssoPage, ssoResultPage } from './pages/sso.page';
import { PortalPagesService } from './portal-pages.service';
import { PortalSessionCache } from './session-cache';
import { PortalSsoService } from './sso/portal-sso.service';
import { url } from './pages/layout';

/** The SSO pages under `/portal/o/:org/sso` (gateway auth `none`: the session cookie is the credential). */
@Controller('portal/o/:org/sso')
export class PortalSsoController {
  constructor(
    private readonly pages: PortalPagesService,
    private readonly sso: PortalSsoService,
    private readonly cache: PortalSessionCache,
  ) {}

  @Get()
  show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.show(req, reply, org, 'sso', async (s) => {
      const state = await this.cache.read(s, 'page:sso', () => this.sso.state(s), (x) => x.connection !== null);
      return { page: (ctx) => ssoPage(ctx, { ...state, oidcRedirectUri: this.sso.oidcRedirectUri(), preselect: s.ssoProviderType }), complete: state.connection?.state === 'active' };
    });
  }

  @Post('connection')
  create(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'sso', async (s, body, ctx) => {
      await this.sso.create(s, ctx.session!.organizationName, body);
      return { redirect: url(ctx, 'sso') };
    });
  }

  @Post('delete')
  delete(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'sso', async (s, _body, ctx) => {
      await this.sso.delete(s);
      return { redirect: url(ctx, 'sso') };
    });
  }

  @Post('test')
  test(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'sso', async (s) => ({ redirect: await this.sso.startTest(s) }));
  }

  /** The sso service's redirect back after the IdP: `code` and `state`, or `error`. */
  @Get('test/callback')
  callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string, @Query() q: Record<string, unknown>) {
    const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 2048) : undefined);
    return this.pages.show(req, reply, org, 'sso', async (s) => {
      const result = await this.sso.finishTest(s, { code: str(q.code), state: str(q.state), error: str(q.error), error_description: str(q.error_description) });
      // A passed test activates the connection: the SSO setup is complete.
      return { page: (ctx) => ssoResultPage(ctx, result), complete: result.outcome === 'passed' };
    });
  }
}
