import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, RequestClientId } from '@wos/platform';
import { HostedFlowService } from './hosted-flow.service';
import { HostedPagesService } from './hosted-pages.service';

/** The sign-in steps the pipeline can ask for: MFA challenge, MFA enrolment, organization selection, radar's emailed code. */
@Controller('user_management/authorize')
export class HostedStepsController {
  constructor(
    private readonly pages: HostedPagesService,
    private readonly flow: HostedFlowService,
  ) {}

  @Get('mfa')
  showMfa(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async (s) => this.flow.showMfa(s));
  }

  @Post('mfa')
  mfa(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'mfa', (s, body) => this.flow.verifyMfa(s, String(body.code ?? '').trim().slice(0, 20), false));
  }

  @Get('mfa/enroll')
  showEnroll(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, (s) => this.flow.showEnroll(s));
  }

  @Post('mfa/enroll')
  enroll(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'mfa-enroll', (s, body) => this.flow.verifyMfa(s, String(body.code ?? '').trim().slice(0, 20), true));
  }

  @Get('radar')
  showRadar(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async (s) => this.flow.showRadar(s));
  }

  @Post('radar')
  radar(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'radar', (s, body) => this.flow.verifyRadar(s, String(body.code ?? '').trim().slice(0, 20)));
  }

  @Get('organization')
  showOrganization(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async (s) => this.flow.showOrganization(s));
  }

  @Post('organization')
  organization(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'organization', (s, body) => this.flow.selectOrganization(s, String(body.organization_id ?? '').slice(0, 100)));
  }
}
