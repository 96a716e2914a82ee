import { OIDC_SCOPES } from './oauth-clients';

/**
 * RFC 8707 resource indicators: an absolute https URI (http only on a loopback host), no
 * fragment (§2), at most 2 KiB. Anything else is `invalid_target`.
 */
export function isAllowedResource(resource: string): boolean {
  if (resource.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    return false;
  }
  if (url.hash || resource.includes('#') || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/**
 * The API scopes a client may get for a resource: its application's scopes (OpenID scopes
 * aside). An OAuth application configured with none may get what it asks for, because the user
 * consents to each; an M2M application (no user) gets only its configured scopes.
 */
export function resourceScopes(metadata: Record<string, unknown>, requested: string | undefined): string[] {
  const allowed = ((metadata.allowed_scopes as string[] | undefined) ?? []).filter((s) => !OIDC_SCOPES.includes(s));
  if (allowed.length || (metadata.grant_types as string[] | undefined)?.includes('client_credentials')) return allowed;
  return (requested ?? '').split(' ').filter((s) => s && !OIDC_SCOPES.includes(s));
}
