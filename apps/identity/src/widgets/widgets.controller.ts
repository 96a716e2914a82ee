import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, paginationQuerySchema, RequireApiKey, ZodPipe, type PaginationQuery } from '@wos/platform';
import type { UpdateMembershipInput } from '../memberships/memberships.dto';
import type { CreateOrganizationApiKeyInput } from '../api-keys/api-keys.dto';
import { RequireWidgetScope, Widget } from './widget-session.guard';
import { WidgetTokensService, type WidgetSession } from './widget-tokens.service';
import { WidgetsService } from './widgets.service';
import {
  addDomainSchema,
  changeRoleSchema,
  createWidgetApiKeySchema,
  createWidgetTokenSchema,
  emptyBodySchema,
  inviteMemberSchema,
  type AddDomainInput,
  type CreateWidgetTokenInput,
  type InviteMemberInput,
} from './widgets.dto';

const page = new ZodPipe(paginationQuerySchema);

/** `widgets.createToken`: the customer's backend, with its API key. */
@RequireApiKey()
@Controller('widgets/token')
export class WidgetTokenController {
  constructor(private readonly tokens: WidgetTokensService) {}

  @Post()
  @HttpCode(200)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createWidgetTokenSchema)) body: CreateWidgetTokenInput) {
    return this.tokens.issue(env, body);
  }
}

/* The widgets' own calls, from the customer's page, with the widget token as the only credential. */

@RequireWidgetScope('widgets:users-table:manage')
@Controller('widgets/users-table')
export class UsersTableWidgetController {
  constructor(private readonly widgets: WidgetsService) {}

  @Get('members')
  members(@Widget() s: WidgetSession, @Query(page) q: PaginationQuery) {
    return this.widgets.listMembers(s, q);
  }

  @Put('members/:id')
  changeRole(@Widget() s: WidgetSession, @Param('id') id: string, @Body(new ZodPipe(changeRoleSchema)) body: UpdateMembershipInput) {
    return this.widgets.changeRole(s, id, body);
  }

  @Delete('members/:id')
  @HttpCode(204)
  remove(@Widget() s: WidgetSession, @Param('id') id: string) {
    return this.widgets.removeMember(s, id);
  }

  @Get('invitations')
  invitations(@Widget() s: WidgetSession, @Query(page) q: PaginationQuery) {
    return this.widgets.listInvitations(s, q);
  }

  @Post('invitations')
  @HttpCode(201)
  invite(@Widget() s: WidgetSession, @Body(new ZodPipe(inviteMemberSchema)) body: InviteMemberInput) {
    return this.widgets.invite(s, body);
  }

  @Post('invitations/:id/revoke')
  @HttpCode(200)
  revoke(@Widget() s: WidgetSession, @Param('id') id: string, @Body(new ZodPipe(emptyBodySchema)) _body: unknown) {
    return this.widgets.revokeInvitation(s, id);
  }
}

@RequireWidgetScope('widgets:sso:manage')
@Controller('widgets/sso')
export class SsoWidgetController {
  constructor(private readonly widgets: WidgetsService) {}

  @Get('connections')
  connections(@Widget() s: WidgetSession, @Query(page) q: PaginationQuery) {
    return this.widgets.connections(s, q);
  }
}

@RequireWidgetScope('widgets:domain-verification:manage')
@Controller('widgets/domain-verification/domains')
export class DomainVerificationWidgetController {
  constructor(private readonly widgets: WidgetsService) {}

  @Get()
  domains(@Widget() s: WidgetSession) {
    return this.widgets.domains(s);
  }

  @Post()
  @HttpCode(201)
  add(@Widget() s: WidgetSession, @Body(new ZodPipe(addDomainSchema)) body: AddDomainInput) {
    return this.widgets.addDomain(s, body.domain);
  }

  @Post(':id/verify')
  @HttpCode(200)
  verify(@Widget() s: WidgetSession, @Param('id') id: string, @Body(new ZodPipe(emptyBodySchema)) _body: unknown) {
    return this.widgets.verifyDomain(s, id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Widget() s: WidgetSession, @Param('id') id: string) {
    return this.widgets.removeDomain(s, id);
  }
}

@RequireWidgetScope('widgets:api-keys:manage')
@Controller('widgets/api-keys')
export class ApiKeysWidgetController {
  constructor(private readonly widgets: WidgetsService) {}

  @Get()
  list(@Widget() s: WidgetSession, @Query(page) q: PaginationQuery) {
    return this.widgets.listApiKeys(s, q);
  }

  @Post()
  @HttpCode(201)
  create(@Widget() s: WidgetSession, @Body(new ZodPipe(createWidgetApiKeySchema)) body: CreateOrganizationApiKeyInput) {
    return this.widgets.createApiKey(s, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Widget() s: WidgetSession, @Param('id') id: string) {
    return this.widgets.deleteApiKey(s, id);
  }
}
