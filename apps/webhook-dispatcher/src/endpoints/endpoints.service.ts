import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, isUniqueViolation, newId, NotFoundError, paginate, randomToken, SecretBox, toListEnvelope, ValidationError } from '@wos/platform';
import { hasIdShape, type ListEnvelope } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { AddressPolicy, UnsafeAddressError } from '@wos/platform';
import type { Prisma, WebhookEndpoint } from '../generated/prisma/client';
import { EndpointsRepository } from './endpoints.repository';
import {
  toEndpointDetailWire,
  toEndpointWire,
  type CreateEndpointInput,
  type ListEndpointsQuery,
  type RotateSecretInput,
  type UpdateEndpointInput,
  type WebhookEndpointDetailWire,
  type WebhookEndpointWire,
} from './endpoints.dto';

/**
 * Webhook endpoint rules. Invariants: the secret is stored only sealed (SecretBox, bound to the
 * endpoint id); a URL is saved only when every address it resolves to is allowed; an endpoint
 * belongs to one environment and no call reaches another environment's.
 * Endpoint changes publish no domain event: WorkOS defines none for webhook endpoints.
 */
@Injectable()
export class EndpointsService {
  private readonly policy: AddressPolicy;

  constructor(
    private readonly repo: EndpointsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly box: SecretBox,
  ) {
    this.policy = new AddressPolicy(config.WEBHOOK_ALLOWED_CIDRS, 'WEBHOOK_ALLOWED_CIDRS');
  }

  async list(environmentId: string, query: ListEndpointsQuery): Promise<ListEnvelope<WebhookEndpointWire>> {
    const page = await paginate(query, (req) => this.repo.list(environmentId, req));
    return toListEnvelope(page, (e) => toEndpointWire(e, this.secretOf(e)));
  }

  async get(environmentId: string, id: string): Promise<WebhookEndpointDetailWire> {
    const e = await this.mustFind(environmentId, id);
    return toEndpointDetailWire(e, this.secretOf(e));
  }

  async create(environmentId: string, input: CreateEndpointInput): Promise<WebhookEndpointWire> {
    const url = await this.checkUrl(input.endpoint_url);
    const id = newId('we');
    const secret = `whsec_${randomToken(24)}`;
    const now = new Date();
    const row = await this.conflictsAs409(url, () =>
      this.repo.create({ id, environmentId, endpointUrl: url, events: input.events, status: 'enabled', secretSealed: this.box.seal(secret, id), createdAt: now, updatedAt: now }),
    );
    return toEndpointWire(row, secret);
  }

  async update(environmentId: string, id: string, input: UpdateEndpointInput): Promise<WebhookEndpointWire> {
    await this.mustFind(environmentId, id);
    const data: Prisma.WebhookEndpointUncheckedUpdateManyInput = {};
    if (input.endpoint_url !== undefined) data.endpointUrl = await this.checkUrl(input.endpoint_url);
    if (input.events !== undefined) data.events = input.events;
    if (input.status === 'enabled') Object.assign(data, { status: 'enabled', disabledReason: null, disabledAt: null, failingSince: null });
    if (input.status === 'disabled') Object.assign(data, { status: 'disabled', disabledReason: 'manual', disabledAt: new Date() });
    const row = await this.conflictsAs409(input.endpoint_url ?? '', () => this.repo.update(environmentId, id, data));
    if (!row) throw new NotFoundError('a webhook endpoint', id);
    return toEndpointWire(row, this.secretOf(row));
  }

  async delete(environmentId: string, id: string): Promise<void> {
    if (!hasIdShape(id, 'we') || !(await this.repo.delete(environmentId, id))) throw new NotFoundError('a webhook endpoint', id);
  }

  /** A new secret; the previous one keeps signing (first `v1`) until the grace period ends. */
  async rotateSecret(environmentId: string, id: string, input: RotateSecretInput): Promise<WebhookEndpointDetailWire> {
    const current = await this.mustFind(environmentId, id);
    const graceMs = input.grace_period_seconds !== undefined ? input.grace_period_seconds * 1000 : this.config.WEBHOOK_SECRET_GRACE;
    const secret = `whsec_${randomToken(24)}`;
    const row = await this.repo.update(environmentId, id, {
      secretSealed: this.box.seal(secret, id),
      previousSecretSealed: graceMs > 0 ? current.secretSealed : null,
      previousSecretExpiresAt: graceMs > 0 ? new Date(Date.now() + graceMs) : null,
    });
    if (!row) throw new NotFoundError('a webhook endpoint', id);
    return toEndpointDetailWire(row, secret);
  }

  private async mustFind(environmentId: string, id: string): Promise<WebhookEndpoint> {
    const e = hasIdShape(id, 'we') ? await this.repo.find(environmentId, id) : null;
    if (!e) throw new NotFoundError('a webhook endpoint', id);
    return e;
  }

  private secretOf(e: WebhookEndpoint): string {
    return this.box.openString(e.secretSealed, e.id);
  }

  /** The normalised URL, or a 422 naming why it cannot be used. */
  private async checkUrl(raw: string): Promise<string> {
    const invalid = (code: string, message: string) => new ValidationError([{ field: 'endpoint_url', code, message }]);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw invalid('endpoint_url_invalid', 'endpoint_url must be an absolute URL.');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.config.WEBHOOK_ALLOW_HTTP)) {
      throw invalid('endpoint_url_must_be_https', 'endpoint_url must use https.');
    }
    if (url.username || url.password) throw invalid('endpoint_url_invalid', 'endpoint_url must not contain credentials.');
    if (url.hash) throw invalid('endpoint_url_invalid', 'endpoint_url must not contain a fragment.');
    try {
      await this.policy.resolveSafely(url.hostname);
    } catch (err) {
      if (err instanceof UnsafeAddressError) throw invalid('endpoint_url_not_allowed', `endpoint_url is not allowed: ${err.message}.`);
      throw invalid('endpoint_url_unresolvable', `endpoint_url host ${url.hostname} could not be resolved.`);
    }
    return url.toString();
  }

  private async conflictsAs409<T>(url: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err, 'endpoint_url')) throw new ConflictError('webhook_endpoint_already_exists', `A webhook endpoint with the URL ${url} already exists.`);
      throw err;
    }
  }
}
