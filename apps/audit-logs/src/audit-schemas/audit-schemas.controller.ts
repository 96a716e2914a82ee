import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { createSchemaBodySchema, listActionsQuerySchema, listSchemasQuerySchema, type CreateSchemaBody, type ListActionsQuery, type ListSchemasQuery } from './audit-schemas.dto';
import { AuditSchemasService } from './audit-schemas.service';

@Controller('audit_logs/actions')
export class AuditSchemasController {
  constructor(private readonly schemas: AuditSchemasService) {}

  @Get()
  listActions(@EnvironmentId() env: string, @Query(new ZodPipe(listActionsQuerySchema)) query: ListActionsQuery) {
    return this.schemas.listActions(env, query);
  }

  @Post(':action/schemas')
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('action') action: string, @Body(new ZodPipe(createSchemaBodySchema)) body: CreateSchemaBody) {
    return this.schemas.create(env, action, body);
  }

  @Get(':action/schemas')
  list(@EnvironmentId() env: string, @Param('action') action: string, @Query(new ZodPipe(listSchemasQuerySchema)) query: ListSchemasQuery) {
    return this.schemas.list(env, action, query);
  }
}
