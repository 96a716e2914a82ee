import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, RequestClientId } from '@wos/platform';
import { HostedPagesService } from '../authkit/hosted/hosted-pages.service';
import { AgentClaimPageService } from './agent-claim-page.service';
import { CLAIM_PAGE } from './agent-claims.service';

/** The agent claim page: a hosted page (gateway auth `client_id`, flow cookie and CSRF on posts). */
@Controller(`user_management/authorize/${CLAIM_PAGE}`)
export class AgentClaimPageController {
  constructor(
    private readonly pages: HostedPagesService,
    private readonly claimPage: AgentClaimPageService,
  ) {}

  @Get()
  show(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Query('claim_attempt_token') token: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, (s) => this.claimPage.show(s, token), { always: true, make: async () => ({ environmentId: env, clientId: clientId!, request: null, invitationToken: null }) });
  }

  @Post()
  continue(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'agent-claim', (s) => this.claimPage.continue(s));
  }

  /** The hosted sign-in's redirect back, with a code for this callback only; a new flow holds the confirmation step. */
  @Get('callback')
  callback(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Query() query: { code?: unknown; state?: unknown }, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, (s) => this.claimPage.callback(s, query), { always: true, make: async () => ({ environmentId: env, clientId: clientId!, request: null, invitationToken: null }) });
  }

  @Post('confirm')
  confirm(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'agent-claim-confirm', (s, body) => this.claimPage.confirm(s, body));
  }
}
