import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { createSchemaBodySchema, listSchemasQuerySchema, type CreateSchemaBody, type ListSchemasQuery } from './audit-schemas.dto';
import { AuditSchemasService } from './audit-schemas.service';

@Controller('audit_logs/actions/:action/schemas')
export class AuditSchemasController {
  constructor(private readonly schemas: AuditSchemasService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('action') action: string, @Body(new ZodPipe(createSchemaBodySchema)) body: CreateSchemaBody) {
    return this.schemas.create(env, action, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Param('action') action: string, @Query(new ZodPipe(listSchemasQuerySchema)) query: ListSchemasQuery) {
    return this.schemas.list(env, action, query);
  }
}
