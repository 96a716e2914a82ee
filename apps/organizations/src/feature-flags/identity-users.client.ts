import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, internalJson } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/**
 * Whether a user exists in an environment, asked of identity, which owns users (DESIGN.md rule 1:
 * its internal API, signed for the environment as the gateway signs it). Invariant: `true` or
 * `false` only from identity's own answer (200 or 404); anything else is a 503 to the caller, so
 * a write that depends on the answer is refused rather than made on a guess.
 */
@Injectable()
export class IdentityUsersClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** False when identity is not configured (organizations without identity): nothing to ask. */
  get enabled(): boolean {
    return !!this.config.IDENTITY_URL;
  }

  async exists(environmentId: string, userId: string): Promise<boolean> {
    const user = await internalJson(`${this.config.IDENTITY_URL}/user_management/users/${encodeURIComponent(userId)}`, { key: internalAuthKeyFor(this.config, 'identity'), audience: 'identity', environmentId });
    return user !== null;
  }
}
