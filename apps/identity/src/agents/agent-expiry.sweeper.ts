import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { BackgroundLoop, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { AgentClaimsRepository } from './agent-claims.repository';
import { registrationEvent } from './agents.events';

/** Registrations announced per transaction; a sweep loops until a batch comes back short. */
export const EXPIRY_SWEEP_BATCH = 200;

/**
 * `agent.registration.expired`: an unclaimed self-registration expires with its claim (its status
 * reads `expired` and its key stops validating from that instant, derived at read time); this
 * sweep then writes the event, once per registration (AgentClaimsRepository.announceExpired).
 * Every identity process sweeps every AGENT_EXPIRY_SWEEP_SECONDS; replicas take disjoint rows.
 * So the event follows the expiry by at most one interval (plus a sweep's own time), and a
 * process that was down announces what expired meanwhile at its next sweep: nothing is skipped.
 */
@Injectable()
export class AgentExpirySweeper implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly repo: AgentClaimsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: AgentExpirySweeper.name });
    // A failed sweep is picked up where it stopped by the next (nothing is stamped without its event).
    this.loop = new BackgroundLoop(
      (stopped) => this.sweep(stopped),
      (err) => this.log.warn({ err }, 'agent registration expiry sweep failed'),
    );
  }

  onModuleInit(): void {
    this.loop.start(this.config.AGENT_EXPIRY_SWEEP_SECONDS * 1000, { immediately: false });
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** One sweep, batch after batch until one comes back short. */
  private async sweep(stopped: () => boolean): Promise<void> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.repo.announceExpired(new Date(), EXPIRY_SWEEP_BATCH, (r) => registrationEvent('expired', r, null, r.environmentId));
        total += n;
        if (n < EXPIRY_SWEEP_BATCH || stopped()) break;
      }
    } finally {
      if (total) this.log.info({ announced: total }, 'agent registrations expired');
    }
  }
}
