import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, RequestClientId } from '@wos/platform';
import { AuthkitService } from './authkit.service';
import { renderSignInPage } from './sign-in.page';

/** Browser routes of the hosted sign-in; the gateway resolves their client_id (auth `client_id`). */
@Controller('user_management/authorize')
export class AuthkitController {
  constructor(private readonly authkit: AuthkitService) {}

  @Get()
  async authorize(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Query() query: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const begun = await this.authkit.begin(env, clientId, query, req.ip ?? null);
    if ('redirectTo' in begun) return reply.status(302).header('location', begun.redirectTo).header('cache-control', 'no-store').send();
    return sendPage(reply, 200, { action: formAction(clientId!), authorizationRequest: begun.authorizationRequest, email: begun.loginHint });
  }

  @Post('password')
  async password(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const outcome = await this.authkit.signInWithPassword(env, clientId, body, req.ip ?? null);
    if ('redirectTo' in outcome) return reply.status(302).header('location', outcome.redirectTo).header('cache-control', 'no-store').send();
    return sendPage(reply, 200, { action: formAction(clientId!), authorizationRequest: outcome.authorizationRequest, email: outcome.email, error: outcome.error });
  }
}

const formAction = (clientId: string) => `/user_management/authorize/password?client_id=${encodeURIComponent(clientId)}`;

function sendPage(reply: FastifyReply, status: number, page: Parameters<typeof renderSignInPage>[0]) {
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    // No form-action: browsers apply it to the redirect that follows the form post, which goes to
    // the app's (per-request) redirect URI. The page has no scripts and escapes every value.
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    .type('text/html; charset=utf-8')
    .send(renderSignInPage(page));
}
