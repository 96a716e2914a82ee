import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BackgroundLoop, SecretBox, type Logger } from '@wos/platform';
import { LOGGER } from '../config';
import type { Prisma } from '../generated/prisma/client';
import { AuthkitSettingsService } from '../authkit/branding/authkit-settings.service';
import { OWN_PROVIDER_TEMPLATES, type EmailSettings } from './email-sender';
import { MailService } from './mail.service';
import { MailOutboxRepository } from './mail-outbox.repository';
import type { TemplateName, TemplateVariables } from './mail.templates';
import { inboxAad } from '../infra/sealed-columns';

/** What a flow resolves at send time: the secret-bearing variables, or why the email is moot. */
export type Resolved = { vars: Record<string, string> } | { skip: string };
/** `vars` are the row's own (non-secret) variables, e.g. a link base the flow chose. */
export type Resolver = (environmentId: string, entityId: string, vars: Record<string, string>) => Promise<Resolved>;

/** SecretBox context of a development-inbox copy: one row's copy cannot be opened as another's. */

const BATCH = 20;
const LEASE_MS = 120_000;
const MAX_ATTEMPTS = 8;
const POLL_MS = 5_000;

/**
 * The mail outbox: a flow writes the email's row in the transaction of its state change
 * (`enqueue`) and calls `kick()` after the commit, which sends at once; a poll every 5 s picks up
 * what a crash or an SMTP outage left behind. Retries back off from 5 s to 1 h and stop after 8
 * attempts. Invariant: the row holds no secret. The owning flow's resolver reads the code or
 * token from the entity's sealed copy when sending, and answers `skip` for an entity that can
 * no longer be used, so a late retry never mails a spent or expired code.
 *
 * Per environment (AuthKit settings, read from Postgres once per environment and batch, so a
 * change applies to the next email on every replica): every email carries the environment's
 * sender; with `delivery: "own_provider"` the AuthKit flows' emails (OWN_PROVIDER_TEMPLATES) are
 * closed unsent (`skipped: own_provider`) before their secret is even read — the app sends them
 * from the `*.created` events, which the flows write regardless.
 */
@Injectable()
export class MailOutbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly resolvers = new Map<string, Resolver>();
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly repo: MailOutboxRepository,
    private readonly mail: MailService,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly box: SecretBox,
    private readonly settings: AuthkitSettingsService,
  ) {
    this.loop = new BackgroundLoop(
      async (stopped) => {
        while (!stopped() && (await this.sendBatch()) === BATCH);
      },
      (err) => this.logger.error({ err: err.message }, 'mail outbox pass failed'),
    );
  }

  /** Each flow registers how to read its entity's secret; one resolver per template. */
  registerResolver(template: TemplateName, resolver: Resolver): void {
    if (this.resolvers.has(template)) throw new Error(`mail resolver ${template} is registered twice`);
    this.resolvers.set(template, resolver);
  }

  /** Writes the email in the caller's transaction; `vars` must not contain the secret. */
  enqueue<T extends TemplateName>(
    tx: Prisma.TransactionClient,
    d: { environmentId: string; template: T; entityId: string; recipient: string; vars?: Partial<TemplateVariables[T]> },
  ): Promise<void> {
    return this.repo.insert(tx, { environmentId: d.environmentId, template: d.template, entityId: d.entityId, recipient: d.recipient, vars: (d.vars ?? {}) as Record<string, string> });
  }

  /** Sends what is due now; call after the transaction that enqueued committed. */
  kick(): Promise<void> {
    return this.loop.soon();
  }

  onApplicationBootstrap(): void {
    this.loop.start(POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private async sendBatch(): Promise<number> {
    const rows = await this.repo.lease(BATCH, LEASE_MS);
    const settings = new Map<string, Promise<EmailSettings>>();
    const emailSettingsOf = (env: string) => {
      if (!settings.has(env)) settings.set(env, this.settings.fresh(env).then((s) => s.email));
      return settings.get(env)!;
    };
    for (const row of rows) {
      const resolver = this.resolvers.get(row.template);
      try {
        const email = await emailSettingsOf(row.environment_id);
        if (email.delivery === 'own_provider' && OWN_PROVIDER_TEMPLATES.has(row.template as TemplateName)) {
          await this.repo.close(row.id, 'skipped: own_provider');
          continue;
        }
        if (!resolver) throw new Error(`no resolver for ${row.template}`);
        const resolved = await resolver(row.environment_id, row.entity_id, row.vars);
        if ('skip' in resolved) {
          await this.repo.close(row.id, `skipped: ${resolved.skip}`);
          continue;
        }
        const sent = await this.mail.send(row.template as TemplateName, row.recipient, { ...row.vars, ...resolved.vars } as never, email);
        if (sent.via === 'dev_inbox') await this.repo.keepInInbox(row.id, this.box.seal(JSON.stringify(sent.email), inboxAad(row.id)));
        else if (sent.via === 'disabled') await this.repo.close(row.id, 'skipped: MAIL_DISABLED');
        else await this.repo.markSent(row.id);
      } catch (err) {
        const message = (err as Error).message;
        const log = { err: message, template: row.template, entity_id: row.entity_id, attempt: row.attempts };
        if (row.attempts >= MAX_ATTEMPTS) {
          this.logger.error(log, 'email given up after the last attempt');
          await this.repo.close(row.id, `failed: ${message}`);
        } else {
          this.logger.warn(log, 'email not sent; will retry');
          await this.repo.retryLater(row.id, Math.min(5_000 * 2 ** (row.attempts - 1), 3_600_000), message);
        }
      }
    }
    return rows.length;
  }
}
