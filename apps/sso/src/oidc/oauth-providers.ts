import type { Configuration } from 'openid-client' with { 'resolution-mode': 'import' };
import type { AppConfig } from '../config';
import type { OAuthSettings, OAuthType } from '../connections/connections.dto';
import { OidcRejection, protectedJson, type OAuthServer } from './relying-party';

export interface OAuthEndpoints extends OAuthServer {
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

/** What a provider's APIs say about the user, and the one address the provider vouches for. */
export interface ProviderProfile {
  subject: string;
  attributes: Record<string, unknown>;
  /** An address the provider proves the user controls; absent when it proves none. */
  verifiedEmail?: string;
}

/**
 * The profile from an OAuth provider's APIs. Invariant: `verifiedEmail` is set only on the
 * provider's own proof (C2, the nOAuth case): Google's userinfo `email_verified === true`;
 * GitHub's primary address marked verified in /user/emails; Microsoft only with the
 * verified-domain claim `xms_edov === true` in the ID token of this sign-in (Entra lets any
 * tenant admin set an unverified `email`, so the address alone proves nothing).
 */
export async function readOAuthProfile(
  type: OAuthType,
  config: Configuration,
  e: OAuthEndpoints,
  accessToken: string,
  idToken: string | undefined,
  clientId: string,
): Promise<ProviderProfile> {
  const info = await protectedJson(config, accessToken, e.userinfo);
  if (!info || typeof info !== 'object' || Array.isArray(info)) throw new OidcRejection('userinfo_failed', 'The provider userinfo endpoint did not answer with a JSON object.');
  const attributes = { ...(info as Record<string, unknown>) };
  const subject = String(attributes.sub ?? attributes.id ?? '');
  if (!subject) throw new OidcRejection('missing_subject', 'The provider did not identify the user.');
  let verifiedEmail: string | undefined;
  if (type === 'GoogleOAuth') {
    if (attributes.email_verified === true && typeof attributes.email === 'string') verifiedEmail = attributes.email;
  } else if (type === 'GitHubOAuth') {
    // GitHub hides private addresses from /user; /user/emails lists them with the primary marked.
    const emails = await protectedJson(config, accessToken, `${e.userinfo.replace(/\/+$/, '')}/emails`);
    const primary = Array.isArray(emails) ? (emails as { email?: unknown; primary?: unknown; verified?: unknown }[]).find((m) => m?.primary === true && m.verified === true) : undefined;
    if (typeof primary?.email === 'string') {
      verifiedEmail = primary.email;
      if (!attributes.email) attributes.email = primary.email;
    }
  } else {
    const claims = idToken ? decodeClaims(idToken) : undefined;
    const audience = claims && (Array.isArray(claims.aud) ? claims.aud : [claims.aud]);
    if (claims?.xms_edov === true && typeof claims.email === 'string' && claims.sub === attributes.sub && audience?.includes(clientId)) verifiedEmail = claims.email;
  }
  return { subject, attributes, verifiedEmail };
}

/* The payload of a JWS, unverified: only for the token endpoint's own answer over TLS. */
function decodeClaims(jwt: string): Record<string, unknown> | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
