import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { MembershipsService } from './memberships.service';
import {
  createMembershipSchema,
  listMembershipsQuerySchema,
  updateMembershipSchema,
  type CreateMembershipInput,
  type ListMembershipsQuery,
  type UpdateMembershipInput,
} from './memberships.dto';

@RequireApiKey()
@Controller('user_management/organization_memberships')
export class MembershipsController {
  constructor(private readonly memberships: MembershipsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listMembershipsQuerySchema)) q: ListMembershipsQuery) {
    return this.memberships.list(env, q);
  }

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createMembershipSchema)) body: CreateMembershipInput) {
    return this.memberships.create(env, body);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.memberships.get(env, id);
  }

  @Put(':id')
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateMembershipSchema)) body: UpdateMembershipInput) {
    return this.memberships.update(env, id, body);
  }

  @Put(':id/deactivate')
  deactivate(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.memberships.deactivate(env, id);
  }

  @Put(':id/reactivate')
  reactivate(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.memberships.reactivate(env, id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.memberships.delete(env, id);
  }
}
