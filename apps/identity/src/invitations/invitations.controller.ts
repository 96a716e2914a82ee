import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { InvitationsService } from './invitations.service';
import {
  emptyBodySchema,
  listInvitationsQuerySchema,
  resendInvitationSchema,
  sendInvitationSchema,
  type ListInvitationsQuery,
  type ResendInvitationInput,
  type SendInvitationInput,
} from './invitations.dto';

@RequireApiKey()
@Controller('user_management/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listInvitationsQuerySchema)) query: ListInvitationsQuery) {
    return this.invitations.list(env, query);
  }

  @Post()
  @HttpCode(201)
  send(@EnvironmentId() env: string, @Body(new ZodPipe(sendInvitationSchema)) body: SendInvitationInput) {
    return this.invitations.send(env, body);
  }

  @Get('by_token/:token')
  findByToken(@EnvironmentId() env: string, @Param('token') token: string) {
    return this.invitations.findByToken(env, token);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.invitations.get(env, id);
  }

  @Post(':id/accept')
  @HttpCode(200)
  accept(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(emptyBodySchema)) _body: unknown) {
    return this.invitations.accept(env, id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  revoke(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(emptyBodySchema)) _body: unknown) {
    return this.invitations.revoke(env, id);
  }

  @Post(':id/resend')
  @HttpCode(200)
  resend(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(resendInvitationSchema)) body: ResendInvitationInput) {
    return this.invitations.resend(env, id, body);
  }
}
