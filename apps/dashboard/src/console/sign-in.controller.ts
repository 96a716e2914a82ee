import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleService } from './console.service';

/** Sign-in, its callback, sign-out, the landing page and the environment switcher. */
@Controller('dashboard')
export class SignInController {
  constructor(private readonly console: ConsoleService) {}

  @Get()
  home(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.console.show(req, reply, null, 'environments', async (ctx) => ({ redirect: ctx.environments[0] ? `/dashboard/e/${ctx.environments[0].id}/api-keys` : '/dashboard/environments' }));
  }

  @Get('sign-in')
  signIn(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.console.startSignIn(req, reply);
  }

  @Get('callback')
  callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.console.finishSignIn(req, reply);
  }

  @Post('sign-out')
  signOut(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.console.signOut(req, reply);
  }

  /** A GET form (nothing changes): the selected environment lives in the URL, not the session. */
  @Get('switch')
  switch(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('environment') environment: unknown) {
    return this.console.switchEnvironment(req, reply, environment);
  }
}
