import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EnvironmentId, RequestClientId, ZodPipe } from '@wos/platform';
import { claimCompleteSchema, claimStartSchema, selfRegisterSchema, type ClaimCompleteInput, type ClaimStartInput, type SelfRegisterInput } from './agents.dto';
import { AgentClaimsService } from './agent-claims.service';

/**
 * The agent-facing endpoints of AUTH.md (gateway auth `api_key_or_client_id`: an agent is a
 * public client naming the environment's client ID; a backend may call with its API key).
 */
@Controller('agent/auth')
export class AgentSelfRegistrationController {
  constructor(private readonly claims: AgentClaimsService) {}

  @Post()
  @HttpCode(200)
  register(@EnvironmentId() env: string, @RequestClientId() clientId: string | undefined, @Body(new ZodPipe(selfRegisterSchema)) body: SelfRegisterInput, @Req() req: FastifyRequest) {
    return this.claims.register(env, clientId, body, req.ip ?? null);
  }

  @Post('claim')
  @HttpCode(200)
  claim(@EnvironmentId() env: string, @Body(new ZodPipe(claimStartSchema)) body: ClaimStartInput) {
    return this.claims.startAttempt(env, body);
  }

  @Post('claim/complete')
  @HttpCode(200)
  complete(@EnvironmentId() env: string, @Body(new ZodPipe(claimCompleteSchema)) body: ClaimCompleteInput) {
    return this.claims.complete(env, body);
  }
}
