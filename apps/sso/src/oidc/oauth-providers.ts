import type { AppConfig } from '../config';
import type { OAuthSettings, OAuthType } from '../connections/connections.dto';

export interface OAuthEndpoints {
  authorization: string;
  token: string;
  userinfo: string;
  defaultScopes: string[];
}

/** A provider's endpoints: the connection's own, else the configured defaults. */
export function oauthEndpoints(type: OAuthType, s: OAuthSettings, c: AppConfig): OAuthEndpoints {
  const defaults: Record<OAuthType, OAuthEndpoints> = {
    GoogleOAuth: { authorization: c.GOOGLE_OAUTH_AUTHORIZATION_URL, token: c.GOOGLE_OAUTH_TOKEN_URL, userinfo: c.GOOGLE_OAUTH_USERINFO_URL, defaultScopes: ['openid', 'email', 'profile'] },
    MicrosoftOAuth: { authorization: c.MICROSOFT_OAUTH_AUTHORIZATION_URL, token: c.MICROSOFT_OAUTH_TOKEN_URL, userinfo: c.MICROSOFT_OAUTH_USERINFO_URL, defaultScopes: ['openid', 'email', 'profile'] },
    GitHubOAuth: { authorization: c.GITHUB_OAUTH_AUTHORIZATION_URL, token: c.GITHUB_OAUTH_TOKEN_URL, userinfo: c.GITHUB_OAUTH_USERINFO_URL, defaultScopes: ['read:user', 'user:email'] },
  };
  const d = defaults[type];
  return { authorization: s.authorization_url ?? d.authorization, token: s.token_url ?? d.token, userinfo: s.userinfo_url ?? d.userinfo, defaultScopes: d.defaultScopes };
}
