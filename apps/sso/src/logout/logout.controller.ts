import { Body, Controller, Get, HttpCode, Post, Query, Redirect } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { logoutAuthorizeSchema, logoutQuerySchema, type LogoutAuthorizeInput } from './logout.dto';
import { LogoutService } from './logout.service';

@Controller('sso/logout')
export class LogoutController {
  constructor(private readonly logout: LogoutService) {}

  /** Gateway auth `api_key` (the `/sso/logout/authorize` route). */
  @Post('authorize')
  @HttpCode(200)
  @RequireApiKey()
  authorize(@EnvironmentId() env: string, @Body(new ZodPipe(logoutAuthorizeSchema)) body: LogoutAuthorizeInput) {
    return this.logout.authorize(env, body.profile_id);
  }

  /** Unsigned (gateway auth `none`): the sealed token is the credential and names the environment. */
  @Get()
  @Redirect()
  async redirect(@Query(new ZodPipe(logoutQuerySchema)) q: { token: string }) {
    return { url: await this.logout.redirect(q.token), statusCode: 302 };
  }
}
