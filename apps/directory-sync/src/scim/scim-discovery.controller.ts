import { All, Controller, Get, Headers, Param, UseInterceptors } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { Inject } from '@nestjs/common';
import { resourceTypes, schemas, serviceProviderConfig } from '../scim-core/scim-discovery';
import { ScimError } from '../scim-core/scim-errors';
import { listResponse } from './scim.dto';
import { ScimAuthService } from './scim-auth.service';
import { ScimRequestLogInterceptor } from './scim-request-log.interceptor';

/** Discovery endpoints (RFC 7644 §4); authenticated like the rest, as Okta and Entra expect. */
@Controller('scim/v2/:directoryId')
@UseInterceptors(ScimRequestLogInterceptor)
export class ScimDiscoveryController {
  constructor(private readonly auth: ScimAuthService, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('ServiceProviderConfig')
  async config_(@Param('directoryId') dir: string, @Headers('authorization') authz: string | undefined) {
    const ctx = await this.auth.authenticate(dir, authz);
    return serviceProviderConfig(ctx.baseUrl, this.config.SCIM_MAX_PAGE_SIZE);
  }

  @Get('ResourceTypes')
  async resourceTypes(@Param('directoryId') dir: string, @Headers('authorization') authz: string | undefined) {
    const all = resourceTypes((await this.auth.authenticate(dir, authz)).baseUrl);
    return listResponse(all, all.length, 1);
  }

  @Get('ResourceTypes/:name')
  async resourceType(@Param('directoryId') dir: string, @Param('name') name: string, @Headers('authorization') authz: string | undefined) {
    const found = resourceTypes((await this.auth.authenticate(dir, authz)).baseUrl).find((r) => r.id === name);
    if (!found) throw ScimError.notFound('ResourceType', name);
    return found;
  }

  @Get('Schemas')
  async schemas(@Param('directoryId') dir: string, @Headers('authorization') authz: string | undefined) {
    const all = schemas((await this.auth.authenticate(dir, authz)).baseUrl);
    return listResponse(all, all.length, 1);
  }

  @Get('Schemas/:id')
  async schema(@Param('directoryId') dir: string, @Param('id') id: string, @Headers('authorization') authz: string | undefined) {
    const found = schemas((await this.auth.authenticate(dir, authz)).baseUrl).find((s) => s.id === id);
    if (!found) throw ScimError.notFound('Schema', id);
    return found;
  }

  /** Anything else under a directory's SCIM base URL is a SCIM 404, not a WorkOS one. */
  @All('*')
  async unknown(@Param('directoryId') dir: string, @Headers('authorization') authz: string | undefined): Promise<never> {
    await this.auth.authenticate(dir, authz);
    throw new ScimError(404, 'No such SCIM endpoint.');
  }
}
