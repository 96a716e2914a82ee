import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EnvironmentId, type PaginationQuery, RequireApiKey, ZodPipe } from '@wos/platform';
import { UsersService } from '../users/users.service';
import { SessionsService } from './sessions.service';
import { listSessionsQuerySchema, logoutQuerySchema, revokeSessionSchema, type LogoutQuery, type RevokeSessionInput } from './sessions.dto';

@Controller('user_management')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
  ) {}

  @RequireApiKey()
  @Get('users/:id/sessions')
  async list(@EnvironmentId() env: string, @Param('id') id: string, @Query(new ZodPipe(listSessionsQuerySchema)) q: PaginationQuery) {
    await this.users.mustFind(env, id);
    return this.sessions.list(env, id, q);
  }

  @RequireApiKey()
  @Post('sessions/revoke')
  @HttpCode(200)
  revoke(@EnvironmentId() env: string, @Body(new ZodPipe(revokeSessionSchema)) body: RevokeSessionInput) {
    return this.sessions.revoke(env, body.session_id);
  }

  /** Route auth `none`: a browser follows this link; the session row names the environment. */
  @Get('sessions/logout')
  async logout(@Query(new ZodPipe(logoutQuerySchema)) q: LogoutQuery, @Res() reply: FastifyReply): Promise<void> {
    const { redirectTo } = await this.sessions.logout(q.session_id, q.return_to);
    if (redirectTo) {
      await reply.code(302).header('location', redirectTo).send();
      return;
    }
    await reply.code(200).header('content-type', 'application/json').send(JSON.stringify({ logged_out: true }));
  }
}
