import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@wos/platform';
import type { PrismaClient } from '../generated/prisma/client';
import type { ApiKey, ClientId, CorsOrigin, Environment, RedirectUri } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';

export type { ApiKey, ClientId, CorsOrigin, Environment, RedirectUri };
export interface NewApiKey {
  id: string;
  name: string;
  keyHash: string;
  last4: string;
  rateLimitPerMinute: number | null;
}

/**
 * The only Prisma caller for environments, API keys and client IDs. These tables are the
 * environment registry itself: looking a key up by hash or ID is how a request's environment
 * is found, so those methods cannot take an environment ID first; the rest do.
 */
/* Registration order, the ID (a ULID) breaking ties within a millisecond. */
const REDIRECT_URI_ORDER = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

/** The channel the redirect_uris and cors_origins triggers NOTIFY on (payload: the environment ID). */
export const CLIENT_SETTINGS_CHANNEL = 'gateway_client_settings';

@Injectable()
export class CredentialsRepository {
  /** This process's readers of redirect URIs and CORS origins, told of its own removals at once (others learn by NOTIFY). */
  private readonly removalListeners: Array<(environmentId: string) => void> = [];

  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  onClientSettingsRemoved(listener: (environmentId: string) => void): void {
    this.removalListeners.push(listener);
  }

  private removed(environmentId: string, count: number): boolean {
    if (count > 0) for (const l of this.removalListeners) l(environmentId);
    return count > 0;
  }

  /** The environment, its first API key and its first client ID, in one transaction. */
  createEnvironment(env: { id: string; name: string; kind: string; builtin?: boolean }, key: NewApiKey, clientId: string) {
    return this.prisma.environment.create({
      data: { ...env, apiKeys: { create: key }, clientIds: { create: { id: clientId } } },
      include: { apiKeys: true, clientIds: true },
    });
  }

  listEnvironments(): Promise<Environment[]> {
    return this.prisma.environment.findMany({ orderBy: { id: 'asc' } });
  }

  findBuiltinEnvironment(): Promise<(Environment & { clientIds: ClientId[] }) | null> {
    return this.prisma.environment.findFirst({ where: { builtin: true }, include: { clientIds: { orderBy: { id: 'asc' } } } });
  }

  /** Revokes the key only when it belongs to the environment; false when it does not. */
  async revokeApiKeyIn(environmentId: string, apiKeyId: string): Promise<boolean> {
    const key = await this.prisma.apiKey.findFirst({ where: { id: apiKeyId, environmentId }, select: { id: true } });
    if (!key) return false;
    await this.revokeApiKey(apiKeyId);
    return true;
  }

  findEnvironment(environmentId: string): Promise<Environment | null> {
    return this.prisma.environment.findUnique({ where: { id: environmentId } });
  }

  createApiKey(environmentId: string, key: NewApiKey): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: { ...key, environmentId } });
  }

  listApiKeys(environmentId: string): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({ where: { environmentId }, orderBy: { id: 'asc' } });
  }

  findApiKey(apiKeyId: string): Promise<(ApiKey & { environment: Environment }) | null> {
    return this.prisma.apiKey.findUnique({ where: { id: apiKeyId }, include: { environment: true } });
  }

  /** Sets revoked_at once; revoking a revoked key keeps the first time. */
  async revokeApiKey(apiKeyId: string): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id: apiKeyId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  /** The hot path's only query, on a cache miss. Revoked keys are not returned. */
  findActiveKeyByHash(keyHash: string): Promise<Pick<ApiKey, 'id' | 'environmentId' | 'rateLimitPerMinute'> | null> {
    return this.prisma.apiKey.findFirst({
      where: { keyHash, revokedAt: null },
      select: { id: true, environmentId: true, rateLimitPerMinute: true },
    });
  }

  createClientId(environmentId: string, clientId: string): Promise<ClientId> {
    return this.prisma.clientId.create({ data: { id: clientId, environmentId } });
  }

  listClientIds(environmentId: string): Promise<ClientId[]> {
    return this.prisma.clientId.findMany({ where: { environmentId }, orderBy: { id: 'asc' } });
  }

  /** The hot path's client ID lookup, on a cache miss. */
  findClientId(clientId: string): Promise<Pick<ClientId, 'id' | 'environmentId'> | null> {
    return this.prisma.clientId.findUnique({ where: { id: clientId }, select: { id: true, environmentId: true } });
  }

  findRedirectUri(environmentId: string, uri: string): Promise<RedirectUri | null> {
    return this.prisma.redirectUri.findUnique({ where: { environmentId_uri: { environmentId, uri } } });
  }

  /**
   * Adding a URI the environment already allows returns the existing row. Prisma runs this upsert
   * as a read then an insert, so a concurrent caller adding the same URI can lose on the unique
   * key: it reads the winner's row.
   */
  async addRedirectUri(environmentId: string, id: string, uri: string): Promise<RedirectUri> {
    const where = { environmentId_uri: { environmentId, uri } };
    try {
      return await this.prisma.redirectUri.upsert({ where, create: { id, environmentId, uri }, update: {} });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return this.prisma.redirectUri.findUniqueOrThrow({ where });
    }
  }

  async isRedirectUriAllowed(environmentId: string, uri: string): Promise<boolean> {
    return (await this.prisma.redirectUri.count({ where: { environmentId, uri } })) > 0;
  }

  /** Every redirect URI and CORS origin of the environment (ClientAuthService caches them). */
  async clientSettings(environmentId: string): Promise<{ redirectUris: string[]; corsOrigins: string[] }> {
    const [uris, origins] = await Promise.all([
      this.prisma.redirectUri.findMany({ where: { environmentId }, select: { uri: true } }),
      this.prisma.corsOrigin.findMany({ where: { environmentId }, select: { origin: true } }),
    ]);
    return { redirectUris: uris.map((r) => r.uri), corsOrigins: origins.map((o) => o.origin) };
  }

  /** Oldest first: the first is the environment's default redirect URI (defaultRedirectUri). */
  listRedirectUris(environmentId: string): Promise<RedirectUri[]> {
    return this.prisma.redirectUri.findMany({ where: { environmentId }, orderBy: REDIRECT_URI_ORDER });
  }

  /**
   * The environment's default redirect URI: its earliest-registered one (WorkOS makes the first
   * redirect URI added the default), or null without any.
   */
  defaultRedirectUri(environmentId: string): Promise<RedirectUri | null> {
    return this.prisma.redirectUri.findFirst({ where: { environmentId }, orderBy: REDIRECT_URI_ORDER });
  }

  async removeRedirectUri(environmentId: string, uri: string): Promise<boolean> {
    return this.removed(environmentId, (await this.prisma.redirectUri.deleteMany({ where: { environmentId, uri } })).count);
  }

  async removeRedirectUriById(environmentId: string, id: string): Promise<boolean> {
    return this.removed(environmentId, (await this.prisma.redirectUri.deleteMany({ where: { environmentId, id } })).count);
  }

  /** Adding an origin the environment already allows returns the existing row. */
  addCorsOrigin(environmentId: string, id: string, origin: string): Promise<CorsOrigin> {
    return this.prisma.corsOrigin.upsert({
      where: { environmentId_origin: { environmentId, origin } },
      create: { id, environmentId, origin },
      update: {},
    });
  }

  findCorsOrigin(environmentId: string, origin: string): Promise<CorsOrigin | null> {
    return this.prisma.corsOrigin.findUnique({ where: { environmentId_origin: { environmentId, origin } } });
  }

  async isCorsOriginAllowed(environmentId: string, origin: string): Promise<boolean> {
    return (await this.prisma.corsOrigin.count({ where: { environmentId, origin } })) > 0;
  }

  /** Across environments: only for preflights, which carry no client ID (see CorsPolicy). */
  async isCorsOriginKnown(origin: string): Promise<boolean> {
    return (await this.prisma.corsOrigin.findFirst({ where: { origin }, select: { id: true } })) !== null;
  }

  listCorsOrigins(environmentId: string): Promise<CorsOrigin[]> {
    return this.prisma.corsOrigin.findMany({ where: { environmentId }, orderBy: { createdAt: 'asc' } });
  }

  async removeCorsOrigin(environmentId: string, origin: string): Promise<boolean> {
    return this.removed(environmentId, (await this.prisma.corsOrigin.deleteMany({ where: { environmentId, origin } })).count);
  }

  setAppHomepageUrl(environmentId: string, url: string | null): Promise<Environment> {
    return this.prisma.environment.update({ where: { id: environmentId }, data: { appHomepageUrl: url } });
  }
}
