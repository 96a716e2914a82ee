import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthKind, DomainError, EnvironmentId, RequestClientId } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { clearedCookies, cookieScope, parseCookies, refreshCookieName, sessionCookies } from '../sessions/browser-cookies';
import { AuthenticateService } from './authenticate.service';

@Controller('user_management/authenticate')
export class AuthenticateController {
  constructor(
    private readonly authenticate: AuthenticateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Body validation is per grant type, inside the service. A browser's public client (an Origin
   * header, no API key) also gets authkit-js's cookie mode: its refresh grant may omit
   * `refresh_token`, which then comes from the client's refresh cookie, and every success sets
   * that cookie and the has-session cookie (sessions/browser-cookies.ts).
   */
  @Post()
  @HttpCode(200)
  async run(
    @EnvironmentId() env: string,
    @AuthKind() kind: 'api_key' | 'public_client',
    @RequestClientId() clientId: string | undefined,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (kind !== 'public_client' || !clientId || typeof req.headers.origin !== 'string') return this.authenticate.authenticate(env, kind, body, clientId);
    const cookies = parseCookies(req.headers.cookie);
    const scope = cookieScope(req);
    const fromCookie = isCookieRefresh(body) ? cookies.get(refreshCookieName(clientId)) : undefined;
    try {
      const result = await this.authenticate.authenticate(env, kind, fromCookie ? { ...(body as Record<string, unknown>), refresh_token: fromCookie } : body, clientId);
      void reply.header('set-cookie', sessionCookies(clientId, result.refresh_token, cookies, scope, this.config.SESSION_TTL_SECONDS));
      return result;
    } catch (err) {
      // A dead refresh cookie goes, so the client stops trying it at every page load.
      if (fromCookie && err instanceof DomainError && err.status === 400) void reply.header('set-cookie', clearedCookies([clientId], cookies, scope, this.config.SESSION_TTL_SECONDS));
      throw err;
    }
  }
}

/** A refresh grant that names no refresh token: authkit-js in cookie mode. */
function isCookieRefresh(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).grant_type === 'refresh_token' && (body as Record<string, unknown>).refresh_token === undefined;
}
