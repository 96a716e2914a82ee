import { DomainError } from '@wos/platform';

/** OAuth-style 400 (`error`/`error_description`): the SDK raises OauthException; session.refresh() treats it as terminal. */
export class InvalidGrantError extends DomainError {
  constructor(description: string, error = 'invalid_grant') {
    super(400, error, description, { error, error_description: description });
  }
}

export function invalidGrant(description: string): InvalidGrantError {
  return new InvalidGrantError(description);
}

/**
 * Auth-flow 403 (WORKOS_API.md §3.3): `code` is one of the SDK's auth-flow codes, so the SDK
 * raises AuthenticationException with `pendingAuthenticationToken`.
 */
export class AuthFlowError extends DomainError {
  constructor(code: 'email_verification_required' | 'mfa_enrollment' | 'mfa_challenge' | 'organization_selection_required', message: string, extra: Record<string, unknown>) {
    super(403, code, message, extra);
  }
}

/**
 * 403 `sso_required` (WORKOS_API.md §3.3): the organization is entered through its SSO
 * connection. WorkOS sends it with `error`/`error_description`, `email` and `connection_ids`;
 * the SDK raises AuthenticationException and session.refresh() treats it as terminal.
 */
export class SsoRequiredError extends DomainError {
  constructor(organizationId: string, email: string, connectionIds: string[]) {
    const description = `The organization ${organizationId} requires signing in through its SSO connection.`;
    super(403, 'sso_required', description, { error: 'sso_required', error_description: description, email, connection_ids: connectionIds });
  }
}
