import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainError, type Logger } from '@wos/platform';
import { LOGGER } from '../config';
import type { CreateUserInput } from '../users/users.dto';
import { UsersService } from '../users/users.service';
import { RadarClient } from './radar.client';

/**
 * Radar's repeat sign-up controls (disposable domains, sign-ups per IP) on identity's sign-ups:
 * createUser and the hosted sign-up, never users a directory, an IdP or an invitation's SSO
 * provisions. `block` refuses with 403 `radar_blocked` and writes nothing. `challenge` on
 * createUser creates the user with its email unverified (whatever `email_verified` said), and the
 * attempt travels as `radar_auth_attempt_id`: a sign-in naming it is challenged until the code is
 * entered. On the hosted sign-up the email code every sign-up gets is the challenge. Radar down:
 * the environment's fail policy, as for sign-ins.
 */
@Injectable()
export class RadarSignUpService implements OnModuleInit {
  private readonly log: Logger;

  constructor(
    private readonly radar: RadarClient,
    private readonly users: UsersService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: RadarSignUpService.name });
  }

  onModuleInit(): void {
    if (this.radar.enabled) this.users.setSignUpGate((env, input, via) => this.assess(env, input, via));
  }

  private async assess(environmentId: string, input: CreateUserInput, via: 'api' | 'hosted') {
    const outcome = await this.radar.assess(environmentId, {
      ...(input.ip_address ? { ip_address: input.ip_address } : {}),
      ...(input.user_agent ? { user_agent: input.user_agent } : {}),
      email: input.email,
      auth_method: input.password !== undefined || input.password_hash !== undefined ? 'Password' : 'Other',
      action: 'sign-up',
    });
    if (!outcome.ok) {
      this.log.warn({ environment_id: environmentId, policy: outcome.policy, err: outcome.error }, `radar unavailable; fail-${outcome.policy} policy applied`);
      if (outcome.policy === 'closed') throw new DomainError(503, 'radar_unavailable', 'Sign-up risk could not be assessed; try again shortly.');
      return null;
    }
    const a = outcome.assessment;
    if (a.verdict === 'block') throw new DomainError(403, 'radar_blocked', 'This sign-up was blocked by Radar.', { radar_auth_attempt_id: a.attempt_id });
    const challenged = a.verdict === 'challenge' && via === 'api';
    // A sign-up radar let through succeeded once the user exists; a challenged one succeeds at its challenge.
    const created = () => (challenged ? undefined : void this.radar.reportSuccess(environmentId, a.attempt_id, 'attempt_status'));
    return { attemptId: a.attempt_id, challenged, created };
  }
}
