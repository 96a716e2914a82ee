import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { WaitlistsService } from './waitlists.service';
import {
  createWaitlistEntrySchema,
  emptyBodySchema,
  listWaitlistEntriesQuerySchema,
  type CreateWaitlistEntryInput,
  type ListWaitlistEntriesQuery,
} from './waitlists.dto';

@RequireApiKey()
@Controller('user_management/waitlists')
export class WaitlistsController {
  constructor(private readonly waitlists: WaitlistsService) {}

  @Get()
  list(@EnvironmentId() env: string) {
    return this.waitlists.list(env);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.waitlists.get(env, id);
  }

  @Get(':id/entries')
  listEntries(@EnvironmentId() env: string, @Param('id') id: string, @Query(new ZodPipe(listWaitlistEntriesQuerySchema)) query: ListWaitlistEntriesQuery) {
    return this.waitlists.listEntries(env, id, query);
  }

  @Post(':id/entries')
  @HttpCode(201)
  createEntry(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(createWaitlistEntrySchema)) body: CreateWaitlistEntryInput) {
    return this.waitlists.createEntry(env, id, body);
  }
}

@RequireApiKey()
@Controller('user_management/waitlist_entries')
export class WaitlistEntriesController {
  constructor(private readonly waitlists: WaitlistsService) {}

  @Post(':id/approve')
  @HttpCode(200)
  approve(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(emptyBodySchema)) _body: unknown) {
    return this.waitlists.approve(env, id);
  }

  @Post(':id/deny')
  @HttpCode(200)
  deny(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(emptyBodySchema)) _body: unknown) {
    return this.waitlists.deny(env, id);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.waitlists.deleteEntry(env, id);
  }
}
