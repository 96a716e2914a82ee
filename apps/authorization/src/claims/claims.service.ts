import { Injectable } from '@nestjs/common';
import { roleClaims, type RoleClaims } from '../authz-core/role-claims';
import { RolesService } from '../catalogue/roles.service';

/** Access-token claims of role slugs in an organization, and the validation of membership role slugs. */
@Injectable()
export class ClaimsService {
  constructor(private readonly roles: RolesService) {}

  async roleClaims(environmentId: string, organizationId: string, slugs: string[]): Promise<RoleClaims> {
    return roleClaims(slugs, await this.roles.organizationCatalogue(environmentId, organizationId));
  }
}
