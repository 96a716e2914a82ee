import { Inject, Injectable } from '@nestjs/common';
import { AuthorizationClient, internalAuthKeyFor, type RoleClaims } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

export type { RoleClaims };

/** The platform's AuthorizationClient; `enabled` is false where authorization is not deployed (AUTHORIZATION_URL unset). */
@Injectable()
export class RoleClaimsClient {
  private readonly client: AuthorizationClient | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = config.AUTHORIZATION_URL ? new AuthorizationClient(config.AUTHORIZATION_URL, internalAuthKeyFor(config, 'authorization')) : undefined;
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  fetch(environmentId: string, organizationId: string, roleSlugs: string[]): Promise<RoleClaims> {
    return this.client!.roleClaims(environmentId, organizationId, roleSlugs);
  }
}
