import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { DomainsService } from './domains.service';
import { createDomainSchema, verifyDomainSchema, type CreateDomainInput } from './domains.dto';

@Controller('organization_domains')
export class DomainsController {
  constructor(private readonly domains: DomainsService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createDomainSchema)) body: CreateDomainInput) {
    return this.domains.create(env, body);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.domains.get(env, id);
  }

  @Post(':id/verify')
  @HttpCode(200)
  verify(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(verifyDomainSchema)) _body: unknown) {
    return this.domains.verify(env, id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.domains.delete(env, id);
  }
}
