import { Inject, Injectable } from '@nestjs/common';
import { DomainError, newUlid } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { MembershipsService } from '../memberships/memberships.service';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { UsersService } from '../users/users.service';
import type { CreateClientApiTokenInput } from './client-api.dto';

/** The Client API token's audience and lifetime: short, and usable nowhere else. */
export const CLIENT_API_AUDIENCE = 'client_api';
const TOKEN_TTL_SECONDS = 600;

/**
 * Client API tokens (`clientApi.createToken`): a short-lived RS256 JWT on the environment's
 * AuthKit keys (verifiable with /sso/jwks/<client_id>) that names one user acting in one
 * organization, for a browser to call an API on that user's behalf. Invariants: issued only for
 * an existing user with an active membership in the organization (the API key vouches for the
 * rest); its audience is `client_api`, so it is never accepted where an access token is.
 */
@Injectable()
export class ClientApiService {
  constructor(
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async createToken(environmentId: string, input: CreateClientApiTokenInput): Promise<{ token: string }> {
    const user = await this.users.mustFind(environmentId, input.user_id);
    const membership = await this.memberships.activeFor(environmentId, user.id, input.organization_id);
    if (!membership) throw new DomainError(422, 'organization_membership_required', `The user is not an active member of the organization ${input.organization_id}.`);
    const iat = Math.floor(Date.now() / 1000);
    const token = await this.keys.sign(environmentId, { iss: this.config.PUBLIC_BASE_URL, aud: CLIENT_API_AUDIENCE, sub: user.id, org_id: input.organization_id, jti: newUlid(), iat, exp: iat + TOKEN_TTL_SECONDS });
    return { token };
  }
}
