import { DomainError } from '@wos/platform';

/**
 * A refused sign-in step (SAML response, OIDC callback, state). 400 with the reason as `code`,
 * so the browser sees what went wrong and the SDK raises a GenericServerException, never a 500.
 */
export class SignInFailedError extends DomainError {
  constructor(reason: string, message: string) {
    super(400, reason, message, { reason });
  }
}

/** OAuth-style token endpoint error (`error`, `error_description`; the SDK's OauthException). */
export class OAuthError extends DomainError {
  constructor(error: string, description: string, status = 400) {
    super(status, error, description, { error, error_description: description });
  }
}
