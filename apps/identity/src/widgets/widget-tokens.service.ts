import { Inject, Injectable } from '@nestjs/common';
import { newUlid, UnauthorizedError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { ClientIdsClient } from '../agents/client-ids.client';
import { OrganizationsClient } from '../memberships/organizations.client';
import { MembershipsService, membershipRequired } from '../memberships/memberships.service';
import { UsersService } from '../users/users.service';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { WIDGET_SCOPES, type CreateWidgetTokenInput, type WidgetScope } from './widgets.dto';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require('jose') as typeof import('jose', { with: { 'resolution-mode': 'import' } });
type Jwk = import('jose', { with: { 'resolution-mode': 'import' } }).JWK;

/**
 * The audience of every widget token. AuthKit access tokens carry none and agent tokens carry
 * client IDs, so neither verifies as a widget token, and a widget token carries no `sid`, which
 * every AuthKit session check requires.
 */
export const WIDGET_AUDIENCE = 'workos:widgets';

/** What a verified widget token lets its bearer do: one organization, maybe one user, these scopes. */
export interface WidgetSession {
  environmentId: string;
  organizationId: string;
  /** The member the token was issued for; null for an organization-only token. */
  userId: string | null;
  scopes: readonly WidgetScope[];
}

const invalidToken = () => new UnauthorizedError('The widget token is invalid or expired.');

/**
 * Widget tokens: RS256 JWTs on the environment's AuthKit signing keys, valid WIDGET_TOKEN_TTL_SECONDS
 * (WorkOS: one hour). Claims: `iss` = PUBLIC_BASE_URL, `aud` = WIDGET_AUDIENCE, `client_id` (one
 * of the environment's, which the gateway reads to find the environment), `org_id`, `sub` (the
 * user, when there is one), `scope` (space-separated), `jti`, `iat`, `exp`. Invariant: a token is
 * honoured only when it verifies against the keys of the environment the gateway signed for, and,
 * when it names a user, while that user is still an active member of the organization.
 */
@Injectable()
export class WidgetTokensService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly clientIds: ClientIdsClient,
    private readonly organizations: OrganizationsClient,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(environmentId: string, input: CreateWidgetTokenInput): Promise<{ token: string }> {
    const org = await this.organizations.mustGet(environmentId, input.organization_id);
    if (input.user_id !== undefined) {
      const user = await this.users.mustFind(environmentId, input.user_id);
      if (!(await this.memberships.activeFor(environmentId, user.id, org.id))) throw membershipRequired();
    }
    const [clientId] = await this.clientIds.of(environmentId);
    const iat = Math.floor(Date.now() / 1000);
    const scopes = WIDGET_SCOPES.filter((s) => input.scopes?.includes(s));
    const token = await this.keys.sign(environmentId, {
      iss: this.config.PUBLIC_BASE_URL,
      aud: WIDGET_AUDIENCE,
      client_id: clientId,
      org_id: org.id,
      ...(input.user_id !== undefined ? { sub: input.user_id } : {}),
      scope: scopes.join(' '),
      jti: newUlid(),
      iat,
      exp: iat + this.config.WIDGET_TOKEN_TTL_SECONDS,
    });
    return { token };
  }

  /**
   * The session of a Bearer widget token presented in `environmentId` through `clientId` (both
   * from the gateway's signed context); 401 for a missing, forged, tampered, expired or foreign
   * token, or one whose user has left the organization.
   */
  async verify(environmentId: string, clientId: string | undefined, authorization: string | undefined): Promise<WidgetSession> {
    const token = /^Bearer (\S{1,4096})$/.exec(authorization ?? '')?.[1];
    if (!token || !clientId) throw invalidToken();
    const jwks = jose.createLocalJWKSet({ keys: (await this.keys.jwks(environmentId)) as unknown as Jwk[] });
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jose.jwtVerify(token, jwks, {
        issuer: this.config.PUBLIC_BASE_URL,
        audience: WIDGET_AUDIENCE,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'client_id', 'org_id', 'scope'],
      }));
    } catch {
      throw invalidToken();
    }
    const { client_id: tokenClientId, org_id: organizationId, sub, scope } = claims;
    if (tokenClientId !== clientId || typeof organizationId !== 'string' || typeof scope !== 'string' || (sub !== undefined && typeof sub !== 'string')) throw invalidToken();
    const userId = (sub as string | undefined) ?? null;
    if (userId && !(await this.memberships.activeFor(environmentId, userId, organizationId))) throw invalidToken();
    const scopes = WIDGET_SCOPES.filter((s) => scope.split(' ').includes(s));
    return { environmentId, organizationId, userId, scopes };
  }
}
