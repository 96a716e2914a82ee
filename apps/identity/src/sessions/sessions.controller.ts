import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, type PaginationQuery, RequireApiKey, ZodPipe } from '@wos/platform';
import { UsersService } from '../users/users.service';
import { APP_CONFIG, type AppConfig } from '../config';
import { SessionsService } from './sessions.service';
import { clearedCookies, cookieScope, parseCookies, refreshCookies } from './browser-cookies';
import { listSessionsQuerySchema, logoutQuerySchema, revokeSessionSchema, type LogoutQuery, type RevokeSessionInput } from './sessions.dto';

@Controller('user_management')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  /**
   * Route auth `none`: a browser follows this link; the session row names the environment. The
   * refresh cookies that held this session's token are cleared (authkit-js's cookie mode).
   */
  @Get('sessions/logout')
  async logout(@Query(new ZodPipe(logoutQuerySchema)) q: LogoutQuery, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const cookies = parseCookies(req.headers.cookie);
    const { redirectTo, endedClientIds = [] } = await this.sessions.logout(q.session_id, q.return_to, refreshCookies(cookies));
    void reply.header('set-cookie', clearedCookies(endedClientIds, cookies, cookieScope(req), this.config.SESSION_TTL_SECONDS));
    if (redirectTo) {
      await reply.code(302).header('location', redirectTo).send();
      return;
    }
    await reply.code(200).header('content-type', 'application/json').send(JSON.stringify({ logged_out: true }));
  }
}
