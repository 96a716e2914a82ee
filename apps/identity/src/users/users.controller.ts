import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { UsersService } from './users.service';
import { createUserSchema, listUsersQuerySchema, updateUserSchema, type CreateUserInput, type ListUsersQuery, type UpdateUserInput } from './users.dto';

@RequireApiKey()
@Controller('user_management/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listUsersQuerySchema)) query: ListUsersQuery) {
    return this.users.list(env, query);
  }

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createUserSchema)) body: CreateUserInput) {
    return this.users.signUp(env, body, 'api');
  }

  @Get('external_id/:externalId')
  getByExternalId(@EnvironmentId() env: string, @Param('externalId') externalId: string) {
    return this.users.getByExternalId(env, externalId);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.users.get(env, id);
  }

  @Put(':id')
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateUserSchema)) body: UpdateUserInput) {
    return this.users.update(env, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.users.delete(env, id);
  }
}
