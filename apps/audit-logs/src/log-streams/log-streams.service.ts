import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hasIdShape } from '@wos/contracts';
import { newId, NotFoundError, paginate, SecretBox, toFieldErrors, toListEnvelope, UnsafeAddressError, ValidationError, type FieldError, type PaginationQuery } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { LogStreamDeliveryService } from './log-stream-delivery.service';
import { STREAM_SECRETS_CONTEXT } from '../infra/sealed-columns';
import { SECRET_FIELDS, streamConfigSchemas, toLogStreamWire, type CreateLogStreamBody, type LogStreamRow, type LogStreamWire, type StreamConfigs, type UpdateLogStreamBody } from './log-streams.dto';
import { LogStreamsRepository } from './log-streams.repository';

/**
 * Log-stream management. Invariants: a stream belongs to one environment and organization and
 * is only ever seen through that environment; a destination URL passes the address policy (and
 * is https unless http is allowed) when saved, and again at every connection; secrets are
 * sealed and never answered; a new stream starts after the organization's current chain head
 * (it carries what happens from now on, as WorkOS's streams do).
 */
@Injectable()
export class LogStreamsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: LogStreamsRepository,
    private readonly delivery: LogStreamDeliveryService,
    private readonly box: SecretBox,
  ) {}

  async create(environmentId: string, body: CreateLogStreamBody): Promise<LogStreamWire> {
    const config = await this.validConfig(body.type, body.config);
    const secrets: Record<string, string> = {};
    for (const f of SECRET_FIELDS[body.type]) if (typeof config[f] === 'string') secrets[f] = config[f] as string;
    const signingSecret = body.type === 'https' ? `lss_${randomBytes(24).toString('base64url')}` : undefined;
    if (signingSecret) secrets.secret = signingSecret;
    const now = new Date();
    const row: LogStreamRow = {
      id: newId('log_stream'),
      environmentId,
      organizationId: body.organization_id,
      type: body.type,
      name: body.name ?? null,
      state: 'active',
      config: withoutSecrets(body.type, config),
      secretsSealed: this.box.seal(JSON.stringify(secrets), STREAM_SECRETS_CONTEXT),
      deliveredSeq: await this.repo.headSeq(environmentId, body.organization_id),
      failures: 0,
      nextAttemptAt: null,
      lastError: null,
      lastDeliveredAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.create(row);
    return toLogStreamWire(row, signingSecret);
  }

  async get(environmentId: string, id: string): Promise<LogStreamWire> {
    return toLogStreamWire(await this.find(environmentId, id));
  }

  /** The organization's stream for its audit-log configuration: the newest active one, else the newest. */
  currentForOrganization(environmentId: string, organizationId: string): Promise<LogStreamRow | undefined> {
    return this.repo.currentForOrganization(environmentId, organizationId);
  }

  async list(environmentId: string, organizationId: string | undefined, query: PaginationQuery) {
    return toListEnvelope(await paginate(query, (page) => this.repo.list(environmentId, organizationId, page)), (r) => toLogStreamWire(r));
  }

  async update(environmentId: string, id: string, body: UpdateLogStreamBody): Promise<LogStreamWire> {
    const stream = await this.find(environmentId, id);
    const change: Parameters<LogStreamsRepository['update']>[2] = { ...(body.name !== undefined ? { name: body.name } : {}), ...(body.state ? { state: body.state } : {}) };
    if (body.config) {
      const secrets = JSON.parse(this.box.openString(stream.secretsSealed, STREAM_SECRETS_CONTEXT)) as Record<string, string>;
      const config = await this.validConfig(stream.type, { ...stream.config, ...secrets, ...body.config });
      for (const f of SECRET_FIELDS[stream.type]) if (typeof config[f] === 'string') secrets[f] = config[f] as string;
      change.config = withoutSecrets(stream.type, config);
      change.secretsSealed = this.box.seal(JSON.stringify(secrets), STREAM_SECRETS_CONTEXT);
    }
    const updated = await this.repo.update(environmentId, id, change);
    if (!updated) throw new NotFoundError('a log stream', id);
    return toLogStreamWire(updated);
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'log_stream') || !(await this.repo.delete(environmentId, id))) throw new NotFoundError('a log stream', id);
  }

  private async find(environmentId: string, id: string): Promise<LogStreamRow> {
    const row = hasIdShape(id, 'log_stream') ? await this.repo.find(environmentId, id) : undefined;
    if (!row) throw new NotFoundError('a log stream', id);
    return row;
  }

  /** The type's config, parsed, with every URL it names checked; a refusal names `config.<field>`. */
  private async validConfig<T extends keyof StreamConfigs>(type: T, raw: unknown): Promise<Record<string, unknown>> {
    const parsed = streamConfigSchemas[type].safeParse(raw);
    if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues).map((e) => ({ ...e, field: e.field ? `config.${e.field}` : 'config' })));
    const config = parsed.data as Record<string, unknown>;
    const problems: FieldError[] = [];
    for (const field of ['url', 'endpoint'] as const) {
      const value = config[field];
      if (typeof value !== 'string') continue;
      const u = new URL(value);
      if (u.protocol !== 'https:' && !(u.protocol === 'http:' && this.config.AUDIT_LOGS_STREAM_ALLOW_HTTP)) {
        problems.push({ field: `config.${field}`, code: 'invalid_url', message: `config.${field} must be an https:// URL.` });
        continue;
      }
      try {
        await this.delivery.policy.resolveSafely(u.hostname);
      } catch (err) {
        const message = err instanceof UnsafeAddressError ? err.message : `${u.hostname} does not resolve`;
        problems.push({ field: `config.${field}`, code: 'invalid_url', message: `config.${field}: ${message}.` });
      }
    }
    if (problems.length) throw new ValidationError(problems);
    return config;
  }
}

function withoutSecrets(type: keyof StreamConfigs, config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !SECRET_FIELDS[type].includes(k)));
}
