/**
 * SSO connection types by protocol (WORKOS_API.md §9 ConnectionType; the node SDK's enum): the
 * catalogue the sso service accepts and the Admin Portal offers an IT admin.
 */
export const SAML_TYPES = [
  'ADFSSAML', 'Auth0SAML', 'AzureSAML', 'CasSAML', 'ClassLinkSAML', 'CloudflareSAML', 'CyberArkSAML', 'DuoSAML', 'GenericSAML',
  'GoogleSAML', 'JumpCloudSAML', 'KeycloakSAML', 'LastPassSAML', 'MiniOrangeSAML', 'NetIqSAML', 'OktaSAML', 'OneLoginSAML',
  'OracleSAML', 'PingFederateSAML', 'PingOneSAML', 'RipplingSAML', 'SalesforceSAML', 'ShibbolethGenericSAML', 'ShibbolethSAML',
  'SimpleSamlPhpSAML', 'VMwareSAML',
] as const;
export const OIDC_TYPES = ['GenericOIDC', 'OktaOIDC', 'EntraIdOIDC', 'AdpOidc', 'CleverOIDC', 'LoginGovOidc'] as const;
export const OAUTH_TYPES = ['GoogleOAuth', 'MicrosoftOAuth', 'GitHubOAuth'] as const;
export type OAuthType = (typeof OAUTH_TYPES)[number];
export type Protocol = 'saml' | 'oidc' | 'oauth';

export function protocolOf(type: string): Protocol | undefined {
  if ((SAML_TYPES as readonly string[]).includes(type)) return 'saml';
  if ((OIDC_TYPES as readonly string[]).includes(type)) return 'oidc';
  if ((OAUTH_TYPES as readonly string[]).includes(type)) return 'oauth';
  return undefined;
}
