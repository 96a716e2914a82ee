import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { safeEqual, UnauthorizedError, type AuthKindName } from '@wos/platform';
import type { ProfileWire } from '../profiles/profile-normaliser';
import { SignInService, type ClientInfo } from '../signin/signin.service';
import { SignInStateStore, type OAuthTokensWire } from '../signin/signin-state.store';
import { OAuthError, SignInFailedError } from '../signin/signin.errors';
import type { TokenRequest } from './token.dto';

export interface ProfileAndToken {
  token_type: 'Bearer';
  access_token: string;
  expires_in: number;
  profile: ProfileWire;
  oauth_tokens?: OAuthTokensWire;
}

/**
 * Code → profile and access token. Invariants: a code is redeemed once (a second attempt is
 * refused and recorded as authentication.sso_failed), only in the environment and for the
 * client it was issued to, and a public client (no API key) must prove PKCE. Every binding is
 * checked before the code is spent (L3): a caller who fails one leaves the code redeemable by
 * its rightful client, and cannot burn an intercepted code.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly store: SignInStateStore,
    private readonly signIn: SignInService,
  ) {}

  async exchange(environmentId: string, authKind: AuthKindName, req: TokenRequest, client: ClientInfo): Promise<ProfileAndToken> {
    if (req.grant_type !== 'authorization_code') throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code.');
    const found = await this.store.peekCode(req.code);
    if (found === 'reused') return this.refuseReuse(environmentId, client);
    if (!found || found.issued.environmentId !== environmentId) throw new OAuthError('invalid_grant', 'The code is invalid or has expired.');
    const { issued } = found;
    if (issued.clientId && issued.clientId !== req.client_id) throw new OAuthError('invalid_grant', 'The code was issued to another client.');
    if (issued.codeChallenge) {
      const computed = req.code_verifier ? createHash('sha256').update(req.code_verifier).digest('base64url') : '';
      if (!safeEqual(computed, issued.codeChallenge)) throw new OAuthError('invalid_grant', 'The code_verifier does not match the code_challenge.');
    } else if (authKind !== 'api_key') {
      throw new OAuthError('invalid_client', 'A client_secret (API key) is required for a code issued without a code_challenge.', 401);
    }
    // Spent atomically only if still unspent: of two concurrent redemptions, one wins.
    if (!(await found.spend())) return this.refuseReuse(environmentId, client);
    const { token, expiresIn } = await this.store.issueProfileToken({ environmentId, profile: issued.profile });
    return {
      token_type: 'Bearer',
      access_token: token,
      expires_in: expiresIn,
      profile: issued.profile,
      ...(issued.oauthTokens ? { oauth_tokens: issued.oauthTokens } : {}),
    };
  }

  private async refuseReuse(environmentId: string, client: ClientInfo): Promise<never> {
    try {
      await this.signIn.fail(environmentId, undefined, 'code_reused', 'The authorization code was already redeemed.', client);
    } catch (err) {
      if (!(err instanceof SignInFailedError)) throw err;
    }
    throw new OAuthError('invalid_grant', 'The code has already been used.');
  }

  async profile(authorization: string | undefined): Promise<ProfileWire> {
    const m = /^Bearer\s+([A-Za-z0-9_-]{20,128})$/.exec(authorization ?? '');
    const found = m ? await this.store.readProfileToken(m[1]!) : undefined;
    if (!found) throw new UnauthorizedError('The profile access token is invalid or has expired.');
    return found.profile;
  }
}
