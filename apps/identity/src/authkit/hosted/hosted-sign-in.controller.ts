import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, RequestClientId } from '@wos/platform';
import { AuthkitService } from '../authkit.service';
import { HostedPagesService, type FlowSession } from './hosted-pages.service';
import { HostedSignInService } from './hosted-sign-in.service';
import { HostedSignUpService } from './hosted-sign-up.service';

/*
 * Browser routes of the hosted sign-in (gateway auth `client_id`: the environment comes from
 * the query's client_id). GETs render, POSTs go through HostedPagesService.submit (flow cookie,
 * CSRF token, per-form rate limit) before the handler runs.
 */
@Controller('user_management/authorize')
export class HostedSignInController {
  constructor(
    private readonly authkit: AuthkitService,
    private readonly pages: HostedPagesService,
    private readonly signIn: HostedSignInService,
    private readonly signUp: HostedSignUpService,
  ) {}

  /** The SDK's getAuthorizationUrl: a fresh flow (cookie) and its first page, or the SSO handoff. */
  @Get()
  async authorize(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Query() query: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const begun = await this.authkit.begin(env, clientId, query, req.ip ?? null);
    if ('redirectTo' in begun) return reply.status(302).header('location', begun.redirectTo).header('cache-control', 'no-store').send();
    // screen_hint=sign-up and an invitation open on the sign-up page, everything else on sign-in.
    const first = (s: FlowSession) => (begun.signUp || begun.invitationToken ? this.signUp.show(s) : this.signIn.show(s, { email: begun.loginHint ?? undefined }));
    // The invitation's address and organization are read once here and kept in the flow for its pages.
    const make = async () => ({
      environmentId: env,
      clientId: clientId!,
      request: begun.request,
      invitationToken: begun.invitationToken,
      invitation: begun.invitationToken ? await this.signUp.openInvitation(env, begun.invitationToken) : null,
    });
    return this.pages.show(req, reply, env, clientId, first, { always: true, make });
  }

  @Get('sign-in')
  showSignIn(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, (s) => this.signIn.show(s));
  }

  @Post('password')
  password(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'password', (s, body) => this.signIn.password(s, body));
  }

  @Post('provider')
  provider(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'provider', (s, body) => this.signIn.provider(s, body, req.ip ?? null));
  }

  @Get('sso')
  showSso(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async (s) => this.signIn.showSso(s));
  }

  @Post('sso')
  sso(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'sso', (s, body) => this.signIn.ssoByEmail(s, body, req.ip ?? null));
  }

  @Get('sso-required')
  showSsoRequired(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async (s) => this.signIn.showSsoRequired(s));
  }

  @Post('sso-required')
  ssoRequired(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'sso', (s) => this.signIn.continueWithSso(s, req.ip ?? null));
  }

  @Post('magic')
  magic(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'magic', (s, body) => this.signIn.requestMagicCode(s, body));
  }

  @Get('magic/code')
  showMagicCode(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async (s) => this.signIn.showMagicCode(s));
  }

  @Post('magic/code')
  magicCode(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'magic-code', (s, body) => this.signIn.verifyMagicCode(s, body));
  }
}
