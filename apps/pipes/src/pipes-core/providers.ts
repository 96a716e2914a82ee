/*
 * The provider catalogue: what pipes must know to run an OAuth 2.0 authorization-code grant
 * (RFC 6749 §4.1) and its refreshes against each built-in provider, and the same shape for a
 * customer-defined `custom_provider`. Pure data and functions, no I/O.
 */

export type AuthenticateVia = 'request_body' | 'basic_auth_header';

export interface ProviderDefinition {
  /** The catalogue key (`integration_type` on the wire); `custom` for customer-defined providers. */
  type: string;
  name: string;
  authorizationUrl: string | null;
  tokenUrl: string | null;
  /** Where refreshes go when it is not the token endpoint. */
  refreshTokenUrl: string | null;
  pkce: boolean;
  scopeSeparator: string;
  /** Whether the provider issues refresh tokens at all (a token without one is used until it expires). */
  supportsRefresh: boolean;
  defaultScopes: string[];
  scopesRequired: boolean;
  clientSecretRequired: boolean;
  additionalAuthorizationParameters: Record<string, string>;
  tokenBodyContentType: 'application/x-www-form-urlencoded' | 'application/json';
  authenticateVia: AuthenticateVia;
}

const builtIn = (p: Partial<ProviderDefinition> & Pick<ProviderDefinition, 'type' | 'name' | 'authorizationUrl' | 'tokenUrl'>): ProviderDefinition => ({
  refreshTokenUrl: null,
  pkce: false,
  scopeSeparator: ' ',
  supportsRefresh: true,
  defaultScopes: [],
  scopesRequired: false,
  clientSecretRequired: true,
  additionalAuthorizationParameters: {},
  tokenBodyContentType: 'application/x-www-form-urlencoded',
  authenticateVia: 'request_body',
  ...p,
});

/** Built-in providers by slug. Endpoints are the providers' documented OAuth 2.0 endpoints. */
export const PROVIDERS: Readonly<Record<string, ProviderDefinition>> = {
  github: builtIn({
    type: 'github',
    name: 'GitHub',
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    // GitHub Apps with expiring user tokens issue refresh tokens; OAuth Apps' tokens do not expire.
    defaultScopes: ['read:user', 'repo'],
  }),
  slack: builtIn({
    type: 'slack',
    name: 'Slack',
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    scopeSeparator: ',',
    defaultScopes: ['channels:read', 'chat:write'],
  }),
  google: builtIn({
    type: 'google',
    name: 'Google',
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    pkce: true,
    defaultScopes: ['openid', 'email', 'profile'],
    // Google issues a refresh token only for offline access, and again only with prompt=consent.
    additionalAuthorizationParameters: { access_type: 'offline', prompt: 'consent' },
  }),
  microsoft: builtIn({
    type: 'microsoft',
    name: 'Microsoft',
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    pkce: true,
    defaultScopes: ['offline_access', 'User.Read'],
  }),
  salesforce: builtIn({
    type: 'salesforce',
    name: 'Salesforce',
    authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
    tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
    pkce: true,
    defaultScopes: ['api', 'refresh_token'],
  }),
  hubspot: builtIn({
    type: 'hubspot',
    name: 'HubSpot',
    authorizationUrl: 'https://app.hubspot.com/oauth/authorize',
    tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
    defaultScopes: ['oauth', 'crm.objects.contacts.read'],
  }),
  linear: builtIn({
    type: 'linear',
    name: 'Linear',
    authorizationUrl: 'https://linear.app/oauth/authorize',
    tokenUrl: 'https://api.linear.app/oauth/token',
    pkce: true,
    scopeSeparator: ',',
    defaultScopes: ['read'],
  }),
  notion: builtIn({
    type: 'notion',
    name: 'Notion',
    authorizationUrl: 'https://api.notion.com/v1/oauth/authorize',
    tokenUrl: 'https://api.notion.com/v1/oauth/token',
    authenticateVia: 'basic_auth_header',
    tokenBodyContentType: 'application/json',
    additionalAuthorizationParameters: { owner: 'user' },
  }),
};

/** The wire `custom_provider` object (snake_case, as stored). */
export interface CustomProviderWire {
  name: string;
  authorization_url: string | null;
  token_url: string | null;
  refresh_token_url: string | null;
  pkce_enabled: boolean;
  request_scope_separator: string;
  scopes_required: boolean;
  client_secret_required: boolean;
  additional_authorization_parameters: Record<string, string>;
  token_body_content_type: string;
  authenticate_via: AuthenticateVia;
}

export function customProviderDefinition(c: CustomProviderWire): ProviderDefinition {
  return {
    type: 'custom',
    name: c.name,
    authorizationUrl: c.authorization_url,
    tokenUrl: c.token_url,
    refreshTokenUrl: c.refresh_token_url,
    pkce: c.pkce_enabled,
    scopeSeparator: c.request_scope_separator,
    supportsRefresh: true,
    defaultScopes: [],
    scopesRequired: c.scopes_required,
    clientSecretRequired: c.client_secret_required,
    additionalAuthorizationParameters: c.additional_authorization_parameters,
    tokenBodyContentType: c.token_body_content_type === 'application/json' ? 'application/json' : 'application/x-www-form-urlencoded',
    authenticateVia: c.authenticate_via,
  };
}

/** The scopes an authorization asks for: the integration's own, else the provider's defaults. */
export function requestedScopes(provider: ProviderDefinition, integrationScopes: string[] | null): string[] {
  return integrationScopes ?? provider.defaultScopes;
}

/** Scopes the integration asks for that the grant does not include. */
export function missingScopes(requested: string[], granted: string[]): string[] {
  const have = new Set(granted);
  return requested.filter((s) => !have.has(s));
}
