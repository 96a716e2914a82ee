import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '@wos/platform';
import { UsersService } from '../users/users.service';
import { ExternalAuthStore } from './external-auth.store';
import type { CompleteOAuth2Input } from './external-auth.dto';
import { OAuthProvidersService } from './oauth-providers.service';

/**
 * `completeOAuth2`: the customer's own login page vouches for a user (by its own user ID, kept
 * as the AuthKit user's external_id) and gets back the URL that resumes the authorization in the
 * browser. Invariants: the pending authorization belongs to the API key's environment; it is
 * completed at most once; the browser still needs its interaction cookie to resume.
 */
@Injectable()
export class ExternalAuthService {
  constructor(
    private readonly store: ExternalAuthStore,
    private readonly users: UsersService,
    private readonly providers: OAuthProvidersService,
  ) {}

  async complete(environmentId: string, input: CompleteOAuth2Input): Promise<{ redirect_uri: string }> {
    const pending = await this.store.find(input.external_auth_id);
    if (!pending || pending.environmentId !== environmentId) throw new NotFoundError('an external authentication', input.external_auth_id);
    if (pending.userId) throw new DomainError(400, 'external_auth_already_completed', 'This external authentication was completed already.');
    const userId = await this.upsertUser(environmentId, input.user);
    if (!(await this.store.complete(input.external_auth_id, pending, userId))) throw new NotFoundError('an external authentication', input.external_auth_id);
    const back = new URL(`${this.providers.issuer(pending.envClientId)}/interaction/${pending.uid}/external`);
    back.searchParams.set('external_auth_id', input.external_auth_id);
    return { redirect_uri: back.toString() };
  }

  /* The user with this external ID is updated, or created; an email held by another user is a 409 (users service). */
  private async upsertUser(environmentId: string, u: CompleteOAuth2Input['user']): Promise<string> {
    const fields = { email: u.email, first_name: u.first_name ?? undefined, last_name: u.last_name ?? undefined, ...(u.metadata ? { metadata: u.metadata } : {}) };
    try {
      const existing = await this.users.getByExternalId(environmentId, u.id);
      return (await this.users.update(environmentId, existing.id, fields)).id;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    return (await this.users.create(environmentId, { ...fields, external_id: u.id, email_verified: true })).id;
  }
}
