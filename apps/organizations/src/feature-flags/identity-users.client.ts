import { Inject, Injectable } from '@nestjs/common';
import { DomainError, internalAuthKeyFor, internalFetch } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/* A user lookup is a point read; identity answers it well within this. */
const LOOKUP_TIMEOUT_MS = 5_000;

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
    let res: Response;
    try {
      res = await internalFetch(`${this.config.IDENTITY_URL}/user_management/users/${encodeURIComponent(userId)}`, { key: internalAuthKeyFor(this.config, 'identity'), audience: 'identity', environmentId }, {
        signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
      });
    } catch {
      throw unavailable();
    }
    await res.body?.cancel();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw unavailable();
  }
}

const unavailable = () => new DomainError(503, 'service_unavailable', 'The identity service is unavailable; retry the request.');
