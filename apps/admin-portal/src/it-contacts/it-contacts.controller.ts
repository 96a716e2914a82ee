import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { createItContactSchema, inviteItContactSchema, revokeItContactSchema, type CreateItContactInput, type InviteItContactInput } from './it-contacts.dto';
import { ItContactsService } from './it-contacts.service';

/** `/organizations/:id/it_contacts` (WORKOS_API.md §5; the gateway routes this path here, below organizations'). */
@RequireApiKey()
@Controller('organizations/:organizationId/it_contacts')
export class ItContactsController {
  constructor(private readonly contacts: ItContactsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Param('organizationId') org: string) {
    return this.contacts.list(env, org);
  }

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('organizationId') org: string, @Body(new ZodPipe(createItContactSchema)) body: CreateItContactInput) {
    return this.contacts.create(env, org, body);
  }

  @Delete(':contactId')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('organizationId') org: string, @Param('contactId') id: string): Promise<void> {
    await this.contacts.delete(env, org, id);
  }

  @Post(':contactId/invite')
  @HttpCode(200)
  invite(@EnvironmentId() env: string, @Param('organizationId') org: string, @Param('contactId') id: string, @Body(new ZodPipe(inviteItContactSchema)) body: InviteItContactInput) {
    return this.contacts.invite(env, org, id, body);
  }

  @Post(':contactId/revoke')
  @HttpCode(200)
  revoke(@EnvironmentId() env: string, @Param('organizationId') org: string, @Param('contactId') id: string, @Body(new ZodPipe(revokeItContactSchema)) _body: unknown) {
    return this.contacts.revoke(env, org, id);
  }
}
