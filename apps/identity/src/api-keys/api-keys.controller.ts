import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, paginationQuerySchema, RequireApiKey, ZodPipe, type PaginationQuery } from '@wos/platform';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyValidationService } from './api-key-validation.service';
import {
  createOrganizationApiKeySchema,
  createUserApiKeySchema,
  expireApiKeySchema,
  listUserApiKeysQuerySchema,
  validateApiKeySchema,
  type CreateOrganizationApiKeyInput,
  type CreateUserApiKeyInput,
  type ExpireApiKeyInput,
  type ListUserApiKeysQuery,
  type ValidateApiKeyInput,
} from './api-keys.dto';

/** `/api_keys/…`: validation (the hot path), delete and expire. */
@RequireApiKey()
@Controller('api_keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly validation: ApiKeyValidationService,
  ) {}

  @Post('validations')
  @HttpCode(200)
  validate(@EnvironmentId() env: string, @Body(new ZodPipe(validateApiKeySchema)) body: ValidateApiKeyInput) {
    return this.validation.validate(env, body.value);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.keys.delete(env, id);
  }

  @Post(':id/expire')
  @HttpCode(200)
  expire(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(expireApiKeySchema)) body: ExpireApiKeyInput) {
    return this.keys.expire(env, id, body);
  }
}

/** An organization's keys (`/organizations/:id/api_keys`, routed here by the gateway). */
@RequireApiKey()
@Controller('organizations/:organizationId/api_keys')
export class OrganizationApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('organizationId') org: string, @Body(new ZodPipe(createOrganizationApiKeySchema)) body: CreateOrganizationApiKeyInput) {
    return this.keys.createForOrganization(env, org, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Param('organizationId') org: string, @Query(new ZodPipe(paginationQuerySchema)) query: PaginationQuery) {
    return this.keys.listForOrganization(env, org, query);
  }
}

/** A user's keys within its organizations (`userManagement.createUserApiKey` / `listUserApiKeys`). */
@RequireApiKey()
@Controller('user_management/users/:userId/api_keys')
export class UserApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('userId') userId: string, @Body(new ZodPipe(createUserApiKeySchema)) body: CreateUserApiKeyInput) {
    return this.keys.createForUser(env, userId, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Param('userId') userId: string, @Query(new ZodPipe(listUserApiKeysQuerySchema)) query: ListUserApiKeysQuery) {
    return this.keys.listForUser(env, userId, query);
  }
}
