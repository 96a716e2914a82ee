import { Inject, Injectable } from '@nestjs/common';
import { DomainError, LOGGER, REDIS, ValidationError, sha256Hex, type Logger, type Redis } from '@wos/platform';
import { DEFAULT_ROLE } from '../memberships/memberships.dto';
import { APP_CONFIG, type AppConfig } from '../config';
import { RoleClaimsClient, type RoleClaims } from './role-claims.client';

export type TokenRoleClaims = Pick<RoleClaims, 'role' | 'roles' | 'permissions'>;

/**
 * Role claims for access tokens, cached in Redis, and the validation of membership role slugs.
 *
 * Staleness bound: a cached entry lives ROLE_CLAIMS_CACHE_SECONDS at most, and every role or
 * permission event (role.*, organization_role.*, permission.*) bumps the environment's
 * generation, which is part of every cache key, so a change shows up on the first token issued
 * after identity consumes its event. Validation never reads the cache.
 */
@Injectable()
export class RoleClaimsService {
  private readonly log: Logger;

  constructor(
    private readonly client: RoleClaimsClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: RoleClaimsService.name });
  }

  /** An unknown role slug is a 422 and nothing is written (where authorization runs). */
  async validate(environmentId: string, organizationId: string, roleSlugs: string[]): Promise<void> {
    if (!this.client.enabled) return;
    const claims = await this.client.fetch(environmentId, organizationId, roleSlugs);
    if (claims.unknown_role_slugs.length) {
      throw new ValidationError(
        claims.unknown_role_slugs.map((slug) => ({ field: 'role_slug', code: 'role_not_found', message: `The role ${slug} does not exist in this organization.` })),
      );
    }
  }

  /**
   * The role slugs a membership granted without an admin choosing them gets (a sign-in through
   * the organization's SSO connection, domain capture, an accepted invitation, a directory):
   * those of `wanted` the catalogue knows, in the order given, else the environment's default
   * role as the catalogue names it. Where authorization is not deployed slugs are free-form:
   * `wanted`, else DEFAULT_ROLE. Invariant: where it is deployed, a slug never reaches a
   * membership unvalidated; when it cannot answer this is a 503 and nothing is granted.
   */
  async grantableSlugs(environmentId: string, organizationId: string, wanted: string[]): Promise<string[]> {
    if (!this.client.enabled) return wanted.length ? wanted : [DEFAULT_ROLE];
    const claims = await this.client.fetch(environmentId, organizationId, wanted);
    const unknown = new Set(claims.unknown_role_slugs);
    const known = wanted.filter((s) => !unknown.has(s));
    if (known.length) return known;
    if (!claims.default_role_slug) throw new DomainError(409, 'default_role_missing', 'The environment has no role to grant by default; create an environment role first.');
    return [claims.default_role_slug];
  }

  /**
   * The claims for a token. Without authorization, or while it is unreachable, the token carries
   * the slugs as they are and no permissions: a sign-in never fails because of authorization, and
   * an outage can only withhold permissions, never grant them.
   */
  async forToken(environmentId: string, organizationId: string, roleSlugs: string[]): Promise<TokenRoleClaims> {
    const fallback = { role: roleSlugs[0] ?? null, roles: roleSlugs, permissions: [] };
    if (!this.client.enabled) return fallback;
    try {
      const generation = (await this.redis.get(generationKey(environmentId))) ?? '0';
      const key = `role-claims:${environmentId}:${generation}:${sha256Hex(`${organizationId}\n${roleSlugs.join(',')}`)}`;
      const cached = await this.redis.get(key);
      if (cached) return JSON.parse(cached) as TokenRoleClaims;
      const known = await this.client.fetch(environmentId, organizationId, roleSlugs);
      // Slugs written before the catalogue existed (not migrated yet) stay in the token, after the
      // catalogue's roles and granting nothing, as they did before authorization ran.
      const roles = [...known.roles, ...known.unknown_role_slugs];
      const claims = { role: roles[0] ?? null, roles, permissions: known.permissions };
      await this.redis.set(key, JSON.stringify(claims), 'EX', this.config.ROLE_CLAIMS_CACHE_SECONDS);
      return claims;
    } catch (err) {
      this.log.warn({ err: (err as Error).message, organization_id: organizationId }, 'role claims unavailable; issuing the token without permissions');
      return fallback;
    }
  }

  /** A role or permission changed somewhere in the environment: every cached claim of it is stale. */
  async invalidate(environmentId: string): Promise<void> {
    await this.redis.incr(generationKey(environmentId));
  }
}

function generationKey(environmentId: string): string {
  return `role-claims-generation:${environmentId}`;
}
