import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, RequestClientId, ZodPipe } from '@wos/platform';
import { HostedPagesService } from '../authkit/hosted/hosted-pages.service';
import { createDeviceSchema } from './device-flow.dto';
import { DeviceFlowService } from './device-flow.service';
import { DeviceVerificationService } from './device-verification.service';
import { VERIFY_PAGE } from './device.page';

/** RFC 8628 §3.1 (gateway auth `api_key_or_client_id`: a device is a public client). */
@Controller('user_management/authorize/device')
export class DeviceAuthorizationController {
  constructor(private readonly devices: DeviceFlowService) {}

  @Post()
  @HttpCode(200)
  create(@EnvironmentId() env: string, @RequestClientId() signedClientId: string | undefined, @Body(new ZodPipe(createDeviceSchema)) body: { client_id: string }, @Req() req: FastifyRequest) {
    return this.devices.create(env, signedClientId, body.client_id, req.ip ?? null);
  }
}

/** The verification page: a hosted page (gateway auth `client_id`, flow cookie and CSRF on posts). */
@Controller(`user_management/authorize/${VERIFY_PAGE}`)
export class DeviceVerificationController {
  constructor(
    private readonly pages: HostedPagesService,
    private readonly verification: DeviceVerificationService,
  ) {}

  @Get()
  show(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Query('user_code') userCode: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, async () => this.verification.show(userCode), { always: true, make: async () => ({ environmentId: env, clientId: clientId!, request: null, invitationToken: null }) });
  }

  @Post()
  submit(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'device', (s, body) => this.verification.submit(s, body));
  }

  /** The hosted sign-in's redirect back, with a code for this callback only; a new flow holds the approval step. */
  @Get('callback')
  callback(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Query() query: { code?: unknown; state?: unknown }, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(req, reply, env, clientId, (s) => this.verification.callback(s, query), { always: true, make: async () => ({ environmentId: env, clientId: clientId!, request: null, invitationToken: null }) });
  }

  @Post('approve')
  approve(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.submit(req, reply, env, clientId, 'device-approve', (s, body) => this.verification.decide(s, body));
  }
}
