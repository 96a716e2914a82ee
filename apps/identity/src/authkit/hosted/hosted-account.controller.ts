import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, RequestClientId } from '@wos/platform';
import { HostedFlowService } from './hosted-flow.service';
import { HostedPagesService } from './hosted-pages.service';
import { HostedRecoveryService } from './hosted-recovery.service';
import { HostedSignUpService } from './hosted-sign-up.service';

/** Hosted sign-up, email verification and password reset (see HostedSignInController for the route rules). */
@Controller('user_management/authorize')
export class HostedAccountController {
  constructor(
    private readonly pages: HostedPagesService,
    private readonly flow: HostedFlowService,
    private readonly signUp: HostedSignUpService,
    private readonly recovery: HostedRecoveryService,
  ) {}

  @Get('sign-up')
  showSignUp(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, (s) => this.signUp.show(s));
  }

  @Post('sign-up')
  submitSignUp(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'sign-up', (s, body) => this.signUp.submit(s, body));
  }

  @Get('verify-email')
  showVerify(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async (s) => this.flow.showVerifyEmail(s));
  }

  @Post('verify-email')
  verify(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'verify-email', (s, body) => this.flow.verifyEmail(s, String(body.code ?? '').trim().slice(0, 20)));
  }

  @Post('verify-email/resend')
  resend(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'verify-email-resend', (s) => this.flow.resendVerification(s));
  }

  @Get('forgot-password')
  showForgot(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async (s) => this.recovery.showForgot(s));
  }

  @Post('forgot-password')
  forgot(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'forgot-password', (s, body) => this.recovery.forgot(s, body));
  }

  /** The emailed link: it may open in a browser without a flow, so it starts one when there is none. */
  @Get('reset-password')
  showReset(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Query('token') token: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async (s) => this.recovery.showReset(s, token), { always: false, make: async () => ({ environmentId: env, clientId: clientId!, request: null, invitationToken: null }) });
  }

  @Post('reset-password')
  reset(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'reset-password', (s, body) => this.recovery.reset(s, body));
  }
}
