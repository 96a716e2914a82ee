import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthKind, EnvironmentId } from '@wos/platform';
import { AuthenticateService } from './authenticate.service';

@Controller('user_management/authenticate')
export class AuthenticateController {
  constructor(private readonly authenticate: AuthenticateService) {}

  /** Body validation is per grant type, inside the service. */
  @Post()
  @HttpCode(200)
  run(@EnvironmentId() env: string, @AuthKind() kind: 'api_key' | 'public_client', @Body() body: unknown, @Req() req: FastifyRequest) {
    return this.authenticate.authenticate(env, kind, body, req.ip ?? null);
  }
}
