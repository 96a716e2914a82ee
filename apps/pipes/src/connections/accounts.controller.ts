import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { z } from 'zod';
import { slugSchema } from '../integrations/integrations.dto';
import {
  accountQuerySchema,
  createOrganizationAccountSchema,
  createUserAccountSchema,
  updateOrganizationAccountSchema,
  updateUserAccountSchema,
  type AccountQuery,
} from './accounts.dto';
import { AccountsService, queryToSelector } from './accounts.service';
import type { Owner } from '../pipes-core/owner';

const slug = new ZodPipe(slugSchema);
const id = new ZodPipe(z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/));
const query = new ZodPipe(accountQuerySchema);
const userOwner = (userId: string, q: AccountQuery): Owner => ({ type: 'user', userId, organizationId: q.organization_id ?? null });
const orgOwner = (organizationId: string): Owner => ({ type: 'organization', userId: null, organizationId });

/** `/user_management/users/:userId/connected_accounts/:slug` and `/data_providers`. */
@Controller('user_management/users/:userId')
@RequireApiKey()
export class UserAccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('connected_accounts/:slug')
  get(@EnvironmentId() env: string, @Param('userId', id) u: string, @Param('slug', slug) s: string, @Query(query) q: AccountQuery) {
    return this.accounts.getAccount(env, s, queryToSelector(userOwner(u, q), q));
  }

  @Post('connected_accounts/:slug')
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('userId', id) u: string, @Param('slug', slug) s: string, @Query(query) q: AccountQuery, @Body(new ZodPipe(createUserAccountSchema)) body: z.infer<typeof createUserAccountSchema>) {
    return this.accounts.importTokens(env, s, queryToSelector(userOwner(u, q), q), body, 'create');
  }

  @Put('connected_accounts/:slug')
  update(@EnvironmentId() env: string, @Param('userId', id) u: string, @Param('slug', slug) s: string, @Query(query) q: AccountQuery, @Body(new ZodPipe(updateUserAccountSchema)) body: z.infer<typeof updateUserAccountSchema>) {
    return this.accounts.importTokens(env, s, queryToSelector(userOwner(u, q), q), body, 'update');
  }

  @Delete('connected_accounts/:slug')
  @HttpCode(204)
  delete(@EnvironmentId() env: string, @Param('userId', id) u: string, @Param('slug', slug) s: string, @Query(query) q: AccountQuery) {
    return this.accounts.deleteAccount(env, s, queryToSelector(userOwner(u, q), q));
  }

  @Get('data_providers')
  providers(@EnvironmentId() env: string, @Param('userId', id) u: string, @Query(query) q: AccountQuery) {
    return this.accounts.listProviders(env, userOwner(u, q));
  }
}

/** `/organizations/:organizationId/connected_accounts/:slug` and `/data_providers`. */
@Controller('organizations/:organizationId')
@RequireApiKey()
export class OrganizationAccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('connected_accounts/:slug')
  get(@EnvironmentId() env: string, @Param('organizationId', id) o: string, @Param('slug', slug) s: string, @Query(query) q: AccountQuery) {
    return this.accounts.getAccount(env, s, queryToSelector(orgOwner(o), q));
  }

  @Post('connected_accounts/:slug')
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('organizationId', id) o: string, @Param('slug', slug) s: string, @Query(query) q: AccountQuery, @Body(new ZodPipe(createOrganizationAccountSchema)) body: z.infer<typeof createOrganizationAccountSchema>) {
    const { user_id: _actingUser, ...tokens } = body;
    return this.accounts.importTokens(env, s, queryToSelector(orgOwner(o), q), tokens, 'create');
  }

  @Put('connected_accounts/:slug')
  update(@EnvironmentId() env: string, @Param('organizationId', id) o: string, @Param('slug', slug) s: string, @Query(query) q: AccountQuery, @Body(new ZodPipe(updateOrganizationAccountSchema)) body: z.infer<typeof updateOrganizationAccountSchema>) {
    const { user_id: _actingUser, ...tokens } = body;
    return this.accounts.importTokens(env, s, queryToSelector(orgOwner(o), q), tokens, 'update');
  }

  @Delete('connected_accounts/:slug')
  @HttpCode(204)
  delete(@EnvironmentId() env: string, @Param('organizationId', id) o: string, @Param('slug', slug) s: string, @Query(query) q: AccountQuery) {
    return this.accounts.deleteAccount(env, s, queryToSelector(orgOwner(o), q));
  }

  @Get('data_providers')
  providers(@EnvironmentId() env: string, @Param('organizationId', id) o: string, @Query(query) q: AccountQuery) {
    return this.accounts.listProviders(env, orgOwner(o));
  }
}
