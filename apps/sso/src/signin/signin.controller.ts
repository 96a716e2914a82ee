import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Redirect, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthKind, EnvironmentId, ZodPipe, type AuthKindName } from '@wos/platform';
import { AuthorizeService } from '../authorize/authorize.service';
import { authorizeQuerySchema, readProviderQueryParams, type AuthorizeQuery } from '../authorize/authorize.dto';
import { AcsService } from '../saml/acs.service';
import { OidcCallbackService, type CallbackQuery } from '../oidc/oidc-callback.service';
import { TokenService } from '../token/token.service';
import { tokenRequestSchema, type TokenRequest } from '../token/token.dto';
import { PORTAL_TEST_CLIENT_ID, type ClientInfo } from './signin.service';

const clientOf = (req: FastifyRequest): ClientInfo => ({
  ip: req.ip ?? null,
  userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 512) : null,
});

/** The browser and back-channel legs of a sign-in (WORKOS_API.md §9). */
@Controller('sso')
export class SignInController {
  constructor(
    private readonly authorizer: AuthorizeService,
    private readonly acs: AcsService,
    private readonly oidc: OidcCallbackService,
    private readonly tokens: TokenService,
  ) {}

  /** Gateway auth `client_id`: the environment comes signed, redirect_uri is already allowed. */
  @Get('authorize')
  @Redirect()
  async authorize(@EnvironmentId() env: string, @AuthKind() kind: AuthKindName, @Query(new ZodPipe(authorizeQuerySchema)) q: AuthorizeQuery, @Req() req: FastifyRequest) {
    // Through the gateway this route is a browser's (`client_id` auth); only a service's own signed
    // API-key call reaches it as `api_key`: the Admin Portal starting its connection self-test.
    const selfTest = kind === 'api_key' && q.client_id === PORTAL_TEST_CLIENT_ID;
    return { url: await this.authorizer.authorize(env, q, readProviderQueryParams(req.query as Record<string, unknown>), clientOf(req).ip, selfTest), statusCode: 302 };
  }

  /** Unsigned: the IdP's browser POST. The environment is the connection's. */
  @Post('saml/acs/:connectionId')
  @Redirect()
  async consume(@Param('connectionId') connectionId: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest) {
    return { url: await this.acs.consume(connectionId, body ?? {}, clientOf(req)), statusCode: 302 };
  }

  /** Unsigned: the IdP's redirect back. The environment is the pending sign-in's. */
  @Get('oidc/callback')
  @Redirect()
  async callback(@Query() q: CallbackQuery, @Req() req: FastifyRequest) {
    return { url: await this.oidc.callback(q, clientOf(req)), statusCode: 302 };
  }

  /** Gateway auth `api_key_or_client_id`. */
  @Post('token')
  @HttpCode(200)
  token(@EnvironmentId() env: string, @AuthKind() kind: AuthKindName, @Body(new ZodPipe(tokenRequestSchema)) body: TokenRequest, @Req() req: FastifyRequest) {
    return this.tokens.exchange(env, kind, body, clientOf(req));
  }

  /** Unsigned: authenticated by the profile access token alone. */
  @Get('profile')
  profile(@Headers('authorization') authorization: string | undefined) {
    return this.tokens.profile(authorization);
  }
}
