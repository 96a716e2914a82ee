import { Injectable } from '@nestjs/common';
import { hasIdShape, IdPrefix } from '@wos/contracts';
import { BadRequestError, DomainError, isUniqueViolation, newId, NotFoundError } from '@wos/platform';
import { CredentialsRepository, type Environment, type NewApiKey } from './credentials.repository';
import { apiKeyToWire, clientIdToWire, corsOriginToWire, environmentToWire, homepageUrlToWire, redirectUriToWire, type ApiKeyWire } from './credentials.dto';
import { checkHomepageUrl, normaliseCorsOrigin } from './cors-origin.rules';
import { checkRedirectUri } from './redirect-uri.rules';
import { ENVIRONMENT_KINDS, generateApiKey, hashApiKey, type EnvironmentKind } from './api-key.secret';

export interface CreatedApiKey extends ApiKeyWire {
  /** The full key. It exists only in this return value: shown once, never stored. */
  value: string;
}

/** Environments, API keys and client IDs: the settings behind every authenticated request. */
@Injectable()
export class CredentialsService {
  constructor(private readonly repo: CredentialsRepository) {}

  async createEnvironment(name: string, kind: EnvironmentKind = 'test') {
    if (!name.trim()) throw new BadRequestError('invalid_name', 'An environment needs a non-empty name.');
    if (!ENVIRONMENT_KINDS.includes(kind)) throw new BadRequestError('invalid_kind', `Environment kind must be one of: ${ENVIRONMENT_KINDS.join(', ')}.`);
    const { record, value } = newKey(kind, 'Default', null);
    const clientId = newId(IdPrefix.clientId);
    const env = await this.repo.createEnvironment({ id: newId(IdPrefix.environment), name: name.trim(), kind }, record, clientId);
    return {
      environment: environmentToWire(env),
      api_key: { ...apiKeyToWire(env.apiKeys[0]!, kind), value },
      client_id: clientIdToWire(env.clientIds[0]!),
    };
  }

  /**
   * The Dashboard's built-in sign-in environment, created once (idempotent: a second caller racing
   * the first loses on the partial unique index and reads the winner's), with `redirectUri` (the
   * console's callback) allowed. Its first API key is discarded unseen: nothing outside the
   * console's own bootstrap acts in it.
   */
  async ensureBuiltinEnvironment(redirectUri: string): Promise<{ environment_id: string; client_id: string }> {
    checkRedirectUri(redirectUri);
    let env = await this.repo.findBuiltinEnvironment();
    if (!env) {
      const { record } = newKey('test', 'Dashboard bootstrap', null);
      try {
        await this.repo.createEnvironment({ id: newId(IdPrefix.environment), name: 'Dashboard', kind: 'test', builtin: true }, record, newId(IdPrefix.clientId));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      env = await this.repo.findBuiltinEnvironment();
    }
    if (!env || !env.clientIds[0]) throw new DomainError(500, 'builtin_environment_missing', 'The built-in environment could not be created.');
    await this.repo.addRedirectUri(env.id, newId(IdPrefix.redirectUri), redirectUri);
    return { environment_id: env.id, client_id: env.clientIds[0].id };
  }

  /** Revokes a key of this environment only (the console's route): another environment's key is a 404. */
  async revokeApiKeyIn(environmentId: string, apiKeyId: string) {
    if (!hasIdShape(apiKeyId, IdPrefix.apiKey) || !(await this.repo.revokeApiKeyIn(environmentId, apiKeyId))) throw new NotFoundError('an API key', apiKeyId);
    return this.revokeApiKey(apiKeyId);
  }

  async removeCorsOriginById(environmentId: string, id: string) {
    const origin = (await this.repo.listCorsOrigins(environmentId)).find((o) => o.id === id);
    if (!origin) throw new NotFoundError('a CORS origin', id);
    await this.repo.removeCorsOrigin(environmentId, origin.origin);
  }

  async listEnvironments() {
    return (await this.repo.listEnvironments()).map(environmentToWire);
  }

  async createApiKey(environmentId: string, opts: { name?: string; rateLimitPerMinute?: number | null } = {}): Promise<CreatedApiKey> {
    const env = await this.environment(environmentId);
    const limit = opts.rateLimitPerMinute ?? null;
    if (limit !== null && (!Number.isInteger(limit) || limit < 1)) {
      throw new BadRequestError('invalid_rate_limit', 'The rate limit must be a positive whole number of requests per minute.');
    }
    const { record, value } = newKey(env.kind as EnvironmentKind, opts.name?.trim() || 'Secret key', limit);
    const key = await this.repo.createApiKey(env.id, record);
    return { ...apiKeyToWire(key, env.kind as EnvironmentKind), value };
  }

  async listApiKeys(environmentId: string) {
    const env = await this.environment(environmentId);
    return (await this.repo.listApiKeys(env.id)).map((k) => apiKeyToWire(k, env.kind as EnvironmentKind));
  }

  async revokeApiKey(apiKeyId: string) {
    const key = await this.repo.findApiKey(apiKeyId);
    if (!key) throw new NotFoundError('an API key', apiKeyId);
    await this.repo.revokeApiKey(apiKeyId);
    const revoked = await this.repo.findApiKey(apiKeyId);
    return apiKeyToWire(revoked!, key.environment.kind as EnvironmentKind);
  }

  /** True when the key would authenticate a request right now (known and not revoked). */
  async isActive(apiKey: string): Promise<boolean> {
    return (await this.repo.findActiveKeyByHash(hashApiKey(apiKey))) !== null;
  }

  async createClientId(environmentId: string) {
    const env = await this.environment(environmentId);
    return clientIdToWire(await this.repo.createClientId(env.id, newId(IdPrefix.clientId)));
  }

  async listClientIds(environmentId: string) {
    const env = await this.environment(environmentId);
    return (await this.repo.listClientIds(env.id)).map(clientIdToWire);
  }

  async addRedirectUri(environmentId: string, uri: string) {
    const env = await this.environment(environmentId);
    checkRedirectUri(uri);
    const row = await this.repo.addRedirectUri(env.id, newId(IdPrefix.redirectUri), uri);
    return redirectUriToWire(row, (await this.repo.defaultRedirectUri(env.id))?.id === row.id);
  }

  async listRedirectUris(environmentId: string) {
    const env = await this.environment(environmentId);
    return (await this.repo.listRedirectUris(env.id)).map((r, i) => redirectUriToWire(r, i === 0));
  }

  async removeRedirectUri(environmentId: string, uri: string) {
    const env = await this.environment(environmentId);
    if (!(await this.repo.removeRedirectUri(env.id, uri))) throw new NotFoundError('a redirect URI', uri);
  }

  async removeRedirectUriById(environmentId: string, id: string) {
    if (!hasIdShape(id, IdPrefix.redirectUri) || !(await this.repo.removeRedirectUriById(environmentId, id))) throw new NotFoundError('a redirect URI', id);
  }

  /** The public API's add (the `workos` CLI): a URI the environment already has is a 422, as WorkOS answers. */
  async registerRedirectUri(environmentId: string, uri: string) {
    checkRedirectUri(uri);
    if (await this.repo.findRedirectUri(environmentId, uri)) throw alreadyExists('redirect_uri_already_exists', 'Redirect URI already exists.');
    return this.addRedirectUri(environmentId, uri);
  }

  async addCorsOrigin(environmentId: string, origin: string) {
    const env = await this.environment(environmentId);
    return corsOriginToWire(await this.repo.addCorsOrigin(env.id, newId(IdPrefix.corsOrigin), normaliseCorsOrigin(origin)));
  }

  /** Like registerRedirectUri: an origin the environment already allows is a 422. */
  async registerCorsOrigin(environmentId: string, origin: string) {
    const normalised = normaliseCorsOrigin(origin);
    if (await this.repo.findCorsOrigin(environmentId, normalised)) throw alreadyExists('cors_origin_already_exists', 'CORS origin already exists.');
    return this.addCorsOrigin(environmentId, normalised);
  }

  async listCorsOrigins(environmentId: string) {
    const env = await this.environment(environmentId);
    return (await this.repo.listCorsOrigins(env.id)).map(corsOriginToWire);
  }

  async removeCorsOrigin(environmentId: string, origin: string) {
    const env = await this.environment(environmentId);
    if (!(await this.repo.removeCorsOrigin(env.id, normaliseCorsOrigin(origin)))) throw new NotFoundError('a CORS origin', origin);
  }

  async setAppHomepageUrl(environmentId: string, url: string) {
    const env = await this.environment(environmentId);
    checkHomepageUrl(url);
    return homepageUrlToWire(await this.repo.setAppHomepageUrl(env.id, url));
  }

  async appHomepageUrl(environmentId: string) {
    return homepageUrlToWire(await this.environment(environmentId));
  }

  private async environment(environmentId: string): Promise<Environment> {
    const env = await this.repo.findEnvironment(environmentId);
    if (!env) throw new NotFoundError('an environment', environmentId);
    return env;
  }
}

const alreadyExists = (code: string, message: string) => new DomainError(422, code, message);

function newKey(kind: EnvironmentKind, name: string, rateLimitPerMinute: number | null): { record: NewApiKey; value: string } {
  const value = generateApiKey(kind);
  return { value, record: { id: newId(IdPrefix.apiKey), name, keyHash: hashApiKey(value), last4: value.slice(-4), rateLimitPerMinute } };
}
