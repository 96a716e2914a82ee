import { hkdfSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { BackgroundLoop, LOGGER, newId, parseSecretEncryptionKeys, type Logger } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { ApplicationsService } from '../connect/applications.service';
import { UsersService } from '../users/users.service';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { adapterFor } from './oauth-adapter';
import { OAuthArtifactsRepository } from './oauth-artifacts.repository';
import { ApplicationClients, OIDC_SCOPES } from './oauth-clients';
import { ConnectSettingsRepository, type ConnectSettings } from './connect-settings.repository';
import { isAllowedResource, resourceScopes } from './resources';
import { oidc, type OidcClient, type OidcProvider } from './oidc-provider.types';

interface ResourceContext {
  oidc: { params?: { scope?: string }; entities?: { AuthorizationCode?: { scope?: string }; RefreshToken?: { scope?: string } } };
}

export interface BuiltProvider {
  provider: OidcProvider;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  mountPath: string;
  settings: ConnectSettings;
}

/**
 * A client's metadata, built once per client object: oidc-provider's `metadata()` re-maps every
 * property on each call, and its client objects are immutable (a changed application is a new
 * object), so the answer of the first call stands.
 */
const metadataCache = new WeakMap<OidcClient, Readonly<Record<string, unknown>>>();
function metadataOf(client: OidcClient): Readonly<Record<string, unknown>> {
  let metadata = metadataCache.get(client);
  if (!metadata) metadataCache.set(client, (metadata = Object.freeze(client.metadata())));
  return metadata;
}

/** How long a process reuses an environment's provider before re-reading its keys and settings. */
const REBUILD_MS = 60_000;
const SWEEP_MS = 10 * 60_000;

/** Token lifetimes, seconds. Access tokens are short (WorkOS's are minutes); refresh tokens rotate. */
const TTL = { AccessToken: 600, ClientCredentials: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Session: 14 * 86_400, Grant: 30 * 86_400, RefreshToken: 30 * 86_400 };

/**
 * One oidc-provider instance per environment issuer (`<PUBLIC_BASE_URL>/oauth2/<client_id>`),
 * built from the environment's signing keys (the AuthKit JWKS) and its Connect settings, with
 * every artefact stored through the environment-bound Postgres adapter. Instances hold no state
 * of their own beyond caches, so replicas are interchangeable.
 */
@Injectable()
export class OAuthProvidersService implements OnModuleInit, OnModuleDestroy {
  private readonly built = new Map<string, { value: Promise<BuiltProvider>; until: number }>();
  private readonly cookieKeys: Buffer[];
  private readonly sweeper: BackgroundLoop;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly applications: ApplicationsService,
    private readonly users: UsersService,
    private readonly keys: SigningKeysService,
    private readonly artifacts: OAuthArtifactsRepository,
    private readonly settings: ConnectSettingsRepository,
  ) {
    // Cookie signing keys follow the configured KEKs (first signs, all verify), derived so the
    // KEKs themselves never sign anything.
    this.cookieKeys = [...parseSecretEncryptionKeys(config.SECRET_ENCRYPTION_KEYS).values()].map((k) => Buffer.from(hkdfSync('sha256', k, 'wos-connect', 'oidc-provider cookies', 32)));
    this.sweeper = new BackgroundLoop(
      () => this.artifacts.sweep(),
      (err) => this.logger.warn({ err }, 'oauth artifact sweep failed'),
    );
  }

  onModuleInit(): void {
    this.sweeper.start(SWEEP_MS, { immediately: false });
  }

  async onModuleDestroy(): Promise<void> {
    await this.sweeper.stop();
  }

  mountPath(envClientId: string): string {
    return `/oauth2/${envClientId}`;
  }

  issuer(envClientId: string): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}${this.mountPath(envClientId)}`;
  }

  /** The environment's provider for this issuer; rebuilt at most every REBUILD_MS, or at once after `invalidate`. */
  get(environmentId: string, envClientId: string): Promise<BuiltProvider> {
    const key = `${environmentId}:${envClientId}`;
    const cached = this.built.get(key);
    if (cached && cached.until > Date.now()) return cached.value;
    const value = this.build(environmentId, envClientId);
    this.built.set(key, { value, until: Date.now() + REBUILD_MS });
    value.catch(() => this.built.delete(key));
    return value;
  }

  /** Drops this process's providers of the environment (after its settings changed). */
  invalidate(environmentId: string): void {
    for (const key of this.built.keys()) if (key.startsWith(`${environmentId}:`)) this.built.delete(key);
  }

  private async build(environmentId: string, envClientId: string): Promise<BuiltProvider> {
    const [jwks, settings] = await Promise.all([this.keys.privateJwks(environmentId), this.settings.get(environmentId)]);
    const issuer = this.issuer(envClientId);
    const mountPath = this.mountPath(envClientId);
    const clients = new ApplicationClients(this.applications);
    const users = this.users;
    const provider = new oidc.Provider(issuer, {
      adapter: adapterFor(environmentId, this.artifacts, clients, () => {
        // Two requests raced to spend one refresh token or code: the loser is refused.
        throw new oidc.errors.InvalidGrant!('grant request is invalid', 'the refresh token or code was already used');
      }),
      jwks: { keys: jwks },
      findAccount: async (_ctx: unknown, sub: string) => {
        const user = await users.findById(environmentId, sub);
        if (!user) return undefined;
        return {
          accountId: sub,
          claims: async () => ({
            sub,
            email: user.email,
            email_verified: user.emailVerified,
            name: [user.firstName, user.lastName].filter(Boolean).join(' ') || undefined,
            given_name: user.firstName ?? undefined,
            family_name: user.lastName ?? undefined,
            updated_at: Math.floor(user.updatedAt.getTime() / 1000),
          }),
        };
      },
      cookies: {
        keys: this.cookieKeys,
        // Per-issuer paths: one environment's browser session never rides along to another's.
        long: { signed: true, path: mountPath },
        short: { signed: true, path: mountPath },
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'updated_at'] },
      scopes: OIDC_SCOPES,
      responseTypes: ['code'],
      clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
      enabledJWA: {
        idTokenSigningAlgValues: ['RS256'],
        userinfoSigningAlgValues: ['RS256'],
        introspectionSigningAlgValues: ['RS256'],
        authorizationSigningAlgValues: ['RS256'],
        requestObjectSigningAlgValues: ['RS256'],
      },
      extraClientMetadata: {
        properties: ['allowed_scopes', 'organization_id', 'uses_pkce', 'is_first_party'],
        // Registration (RFC 7591) cannot claim these: they come from the application row only.
        validator(ctx: { oidc?: { route?: string } } | undefined, key: string, _value: unknown, metadata: Record<string, unknown>) {
          if (ctx?.oidc?.route?.startsWith('registration')) delete metadata[key];
        },
      },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        // A client introspects only its own tokens.
        introspection: { enabled: true, allowedPolicy: async (_ctx: unknown, client: OidcClient, token: { clientId?: string }) => token.clientId === client.clientId },
        revocation: { enabled: true },
        userinfo: { enabled: true },
        rpInitiatedLogout: { enabled: false },
        registration: {
          enabled: settings.dynamicRegistrationEnabled,
          initialAccessToken: false,
          idFactory: () => newId('client'),
          secretFactory: () => randomBytes(32).toString('base64url'),
        },
        resourceIndicators: {
          enabled: true,
          // M2M tokens without `resource` are for the environment's own APIs: audience = issuer.
          defaultResource: async (ctx: { oidc: { params?: { grant_type?: string } } }, _client: OidcClient, oneOf?: string) =>
            oneOf ?? (ctx.oidc.params?.grant_type === 'client_credentials' ? issuer : undefined),
          useGrantedResource: async () => true,
          getResourceServerInfo: async (ctx: ResourceContext, resource: string, client: OidcClient) => {
            if (!isAllowedResource(resource)) throw new oidc.errors.InvalidTarget!();
            // At the token endpoint the scopes asked for are the code's or refresh token's (the grant still bounds them).
            const e = ctx.oidc.entities;
            const asked = ctx.oidc.params?.scope ?? e?.AuthorizationCode?.scope ?? e?.RefreshToken?.scope;
            const metadata = metadataOf(client);
            return {
              scope: resourceScopes(metadata, asked).join(' '),
              audience: resource,
              accessTokenTTL: metadata.grant_types?.toString() === 'client_credentials' ? TTL.ClientCredentials : TTL.AccessToken,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'RS256' } },
            };
          },
        },
      },
      // PKCE (S256) for public clients always; for confidential ones unless the application turned it off.
      pkce: { required: (_ctx: unknown, client: OidcClient) => client.clientAuthMethod === 'none' || metadataOf(client).uses_pkce !== false },
      interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `${mountPath}/interaction/${interaction.uid}` },
      routes: {
        authorization: '/authorize',
        token: '/token',
        userinfo: '/userinfo',
        jwks: '/jwks',
        introspection: '/introspect',
        revocation: '/revoke',
        registration: '/register',
        end_session: '/logout',
      },
      ttl: TTL,
      rotateRefreshToken: true,
      issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }, code: { scopes: Set<string> }) =>
        client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
      // M2M tokens name the application's organization, as WorkOS's do.
      extraTokenClaims: async (_ctx: unknown, token: { kind: string; client?: OidcClient }) => {
        const org = token.kind === 'ClientCredentials' && token.client ? metadataOf(token.client).organization_id : undefined;
        return typeof org === 'string' ? { org_id: org } : undefined;
      },
      // Errors as JSON: the gateway replaces non-JSON error bodies, and clients read OAuth errors as JSON.
      renderError: async (ctx: { type: string; body: unknown }, out: Record<string, unknown>) => {
        ctx.type = 'json';
        ctx.body = out;
      },
      allowOmittingSingleRegisteredRedirectUri: true,
    }) as OidcProvider;
    provider.proxy = true;
    // Secrets are stored hashed (DESIGN.md rule 7): compare by hash instead of with the placeholder.
    const applications = this.applications;
    provider.Client.prototype.compareClientSecret = function compareClientSecret(this: OidcClient, actual: string) {
      return applications.verifyClientSecret(environmentId, this.clientId, actual);
    };
    provider.on('server_error', (_ctx: unknown, err: unknown) => this.logger.error({ err, environment_id: environmentId }, 'oauth server error'));
    return { provider, handle: provider.callback(), mountPath, settings };
  }
}
