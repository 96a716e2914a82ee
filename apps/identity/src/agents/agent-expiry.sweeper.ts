import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@wos/platform';
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
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly log: Logger;

  constructor(
    private readonly repo: AgentClaimsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: AgentExpirySweeper.name });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.AGENT_EXPIRY_SWEEP_SECONDS * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep (at most one at a time per process); how many registrations it announced. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.repo.announceExpired(new Date(), EXPIRY_SWEEP_BATCH, (r) => registrationEvent('expired', r, null, r.environmentId));
        total += n;
        if (n < EXPIRY_SWEEP_BATCH) break;
      }
    } catch (err) {
      // The next sweep picks up where this one stopped (nothing is stamped without its event).
      this.log.warn({ err }, 'agent registration expiry sweep failed');
    }
    if (total) this.log.info({ announced: total }, 'agent registrations expired');
    return total;
  }
}
