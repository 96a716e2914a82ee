import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PortalPagesService } from './portal-pages.service';

/** The link's landing: `/portal/o/:org/launch?token=…` spends the link and sets the session cookie. */
@Controller('portal/o/:org')
export class PortalController {
  constructor(private readonly pages: PortalPagesService) {}

  @Get('launch')
  launch(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string, @Query('token') token: unknown) {
    return this.pages.launch(req, reply, org, typeof token === 'string' ? token : '');
  }
}
