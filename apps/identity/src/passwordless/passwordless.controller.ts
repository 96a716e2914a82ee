import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { PasswordlessService } from './passwordless.service';
import { createPasswordlessSessionSchema, sendSessionSchema, type CreatePasswordlessSessionInput } from './passwordless.dto';

@RequireApiKey()
@Controller('passwordless/sessions')
export class PasswordlessController {
  constructor(private readonly passwordless: PasswordlessService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createPasswordlessSessionSchema)) body: CreatePasswordlessSessionInput) {
    return this.passwordless.create(env, body);
  }

  @Post(':id/send')
  @HttpCode(200)
  send(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(sendSessionSchema)) _body: unknown) {
    return this.passwordless.send(env, id);
  }
}

/**
 * The emailed link (gateway auth `none`, unsigned): the token is the credential and the session's
 * row gives the environment. Errors are WorkOS-shaped JSON 4xx.
 */
@Controller('passwordless/confirm')
export class PasswordlessLinkController {
  constructor(private readonly passwordless: PasswordlessService) {}

  @Get(':token')
  async follow(@Param('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    const location = await this.passwordless.follow(token);
    await reply.code(302).header('location', location).header('cache-control', 'no-store').send();
  }
}
