import { randomBytes } from 'node:crypto';
import type { ConnectApplication } from '../generated/prisma/client';
import type { ApplicationsService } from '../connect/applications.service';
import type { RedirectUri } from '../connect/applications.dto';
import { oauthRequestContext, type ClientSource } from './oauth-adapter';

/** OpenID scopes every OAuth application may ask for; an application's other scopes are API scopes (resource servers). */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/*
 * oidc-provider needs a `client_secret` value in a confidential client's metadata; ours are
 * stored hashed, so this per-process placeholder stands in and compareClientSecret is replaced
 * (oauth-providers.service.ts) by a hash comparison. It signs nothing: only RS256 is enabled and
 * client_secret_jwt is not an allowed method.
 */
export const SECRET_PLACEHOLDER = randomBytes(32).toString('base64url');

/** Connect applications as oidc-provider clients. */
export class ApplicationClients implements ClientSource {
  constructor(private readonly applications: ApplicationsService) {}

  async find(environmentId: string, clientId: string): Promise<Record<string, unknown> | undefined> {
    const found = await this.applications.findClient(environmentId, clientId);
    return found ? toClientMetadata(found.app, found.hasSecrets) : undefined;
  }

  /** Dynamic client registration (RFC 7591): a public OAuth application; see DynamicRegistration. */
  async register(environmentId: string, clientId: string, metadata: Record<string, unknown>): Promise<void> {
    await this.applications.registerDynamic(environmentId, clientId, metadata);
  }

  async remove(environmentId: string, clientId: string): Promise<void> {
    const app = await this.applications.findByClientId(environmentId, clientId);
    if (app) await this.applications.delete(environmentId, app.id);
  }
}

export function toClientMetadata(app: ConnectApplication, hasSecrets: boolean): Record<string, unknown> {
  // A confidential client may authenticate with HTTP Basic or in the body (RFC 6749 §2.3.1);
  // oidc-provider accepts one registered method, so the client is shown with the one this request uses.
  const used = oauthRequestContext.getStore()?.clientAuth ?? 'none';
  const auth = hasSecrets ? (used === 'none' ? 'client_secret_basic' : used) : 'none';
  const common = {
    client_id: app.clientId,
    client_name: app.name,
    token_endpoint_auth_method: auth,
    ...(hasSecrets ? { client_secret: SECRET_PLACEHOLDER } : {}),
    allowed_scopes: app.scopes,
    organization_id: app.organizationId ?? undefined,
  };
  if (app.applicationType === 'm2m') {
    // API scopes are the resource server's (resources.ts): oidc-provider's client `scope` holds only OpenID scopes.
    return { ...common, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] };
  }
  return {
    ...common,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: (app.redirectUris as unknown as RedirectUri[]).map((r) => r.uri),
    uses_pkce: app.usesPkce,
    is_first_party: app.isFirstParty,
  };
}
