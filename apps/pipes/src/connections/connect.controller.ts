import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { slugSchema } from '../integrations/integrations.dto';
import {
  apiKeyRequestSchema,
  authorizeRequestSchema,
  clientCredentialsRequestSchema,
  tokenRequestSchema,
  type ApiKeyRequest,
  type AuthorizeRequest,
  type ClientCredentialsRequest,
  type TokenRequest,
} from './accounts.dto';
import { AccountsService } from './accounts.service';
import { ConnectService } from './connect.service';
import { TokensService } from './tokens.service';

const slug = new ZodPipe(slugSchema);

/** Connecting and using accounts: authorize, token, credentials, API keys, client credentials. */
@Controller('data-integrations')
@RequireApiKey()
export class ConnectController {
  constructor(
    private readonly connect: ConnectService,
    private readonly tokens: TokensService,
    private readonly accounts: AccountsService,
  ) {}

  @Post(':slug/authorize')
  @HttpCode(200)
  authorize(@EnvironmentId() env: string, @Param('slug', slug) s: string, @Body(new ZodPipe(authorizeRequestSchema)) body: AuthorizeRequest) {
    return this.connect.authorize(env, s, body);
  }

  @Post(':slug/token')
  @HttpCode(200)
  token(@EnvironmentId() env: string, @Param('slug', slug) s: string, @Body(new ZodPipe(tokenRequestSchema)) body: TokenRequest) {
    return this.tokens.accessToken(env, s, body);
  }

  @Post(':slug/credentials')
  @HttpCode(200)
  credentials(@EnvironmentId() env: string, @Param('slug', slug) s: string, @Body(new ZodPipe(tokenRequestSchema)) body: TokenRequest) {
    return this.tokens.credential(env, s, body);
  }

  @Post(':slug/api-key')
  @HttpCode(201)
  createApiKey(@EnvironmentId() env: string, @Param('slug', slug) s: string, @Body(new ZodPipe(apiKeyRequestSchema)) body: ApiKeyRequest) {
    return this.accounts.apiKey(env, s, body, 'POST');
  }

  @Put(':slug/api-key')
  updateApiKey(@EnvironmentId() env: string, @Param('slug', slug) s: string, @Body(new ZodPipe(apiKeyRequestSchema)) body: ApiKeyRequest) {
    return this.accounts.apiKey(env, s, body, 'PUT');
  }

  @Post(':slug/client-credentials')
  @HttpCode(201)
  createClientCredentials(@EnvironmentId() env: string, @Param('slug', slug) s: string, @Body(new ZodPipe(clientCredentialsRequestSchema)) body: ClientCredentialsRequest) {
    return this.accounts.clientCredentials(env, s, body, 'POST');
  }

  @Put(':slug/client-credentials')
  updateClientCredentials(@EnvironmentId() env: string, @Param('slug', slug) s: string, @Body(new ZodPipe(clientCredentialsRequestSchema)) body: ClientCredentialsRequest) {
    return this.accounts.clientCredentials(env, s, body, 'PUT');
  }
}

/** Unsigned: the provider's browser redirect. The environment is the pending authorization's. */
@Controller('pipes/oauth')
export class CallbackController {
  constructor(private readonly connect: ConnectService) {}

  @Get('callback')
  async callback(@Query() q: Record<string, unknown>, @Res() reply: FastifyReply) {
    const r = await this.connect.callback(q ?? {});
    if ('redirect' in r) return reply.status(302).header('location', r.redirect).header('cache-control', 'no-store').send();
    return reply.status(r.status).header('content-type', 'application/json').header('cache-control', 'no-store').send(r.body);
  }
}
