import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SsoHandoffService } from './sso-handoff.service';

/** Unsigned (gateway auth `none`): the environment comes from the sealed state, never a header. */
@Controller('user_management/sso/callback')
export class SsoCallbackController {
  constructor(private readonly handoff: SsoHandoffService) {}

  @Get()
  async callback(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply) {
    const location = await this.handoff.complete(query);
    return reply.status(302).header('location', location).header('cache-control', 'no-store').send();
  }
}
