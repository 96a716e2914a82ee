import { Injectable } from '@nestjs/common';
import { BadRequestError, NotFoundError, paginate, toListEnvelope } from '@wos/platform';
import { hasIdShape, type ListEnvelope } from '@wos/contracts';
import { DeliveryRepository, type DeliveryKey } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { toAttemptWire, type DeliveryAttemptWire, type ListAttemptsQuery, type RedeliverInput, type ReplayInput } from './deliveries.dto';

const MAX_REPLAY_EVENTS = 10_000;

/** The delivery log and hand-triggered redeliveries (our extension of the WorkOS API). */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly repo: DeliveryRepository,
    private readonly deliveries: DeliveryService,
  ) {}

  async listAttempts(environmentId: string, endpointId: string, query: ListAttemptsQuery): Promise<ListEnvelope<DeliveryAttemptWire>> {
    await this.mustBeEnabledOrAny(environmentId, endpointId, false);
    const page = await paginate(query, (req) => this.repo.listAttempts(environmentId, endpointId, req));
    return toListEnvelope(page, toAttemptWire);
  }

  /** Sends one stored event to one endpoint again, now, with a fresh retry schedule. */
  async redeliver(environmentId: string, endpointId: string, input: RedeliverInput) {
    await this.mustBeEnabledOrAny(environmentId, endpointId, true);
    if (!(await this.repo.eventExists(environmentId, input.event_id))) throw new NotFoundError('an event delivered by webhook', input.event_id);
    const keys = await this.repo.requeue(environmentId, endpointId, 'redelivery', { eventId: input.event_id });
    await this.start(keys);
    return { object: 'webhook_redelivery' as const, webhook_endpoint_id: endpointId, trigger: 'redelivery' as const, event_ids: keys.map((k) => k.eventId) };
  }

  /** Sends again every stored event in [range_start, range_end) the endpoint subscribes to. */
  async replay(environmentId: string, endpointId: string, input: ReplayInput) {
    await this.mustBeEnabledOrAny(environmentId, endpointId, true);
    const keys = await this.repo.requeue(environmentId, endpointId, 'replay', {
      rangeStart: new Date(input.range_start),
      rangeEnd: new Date(input.range_end),
      limit: MAX_REPLAY_EVENTS,
    });
    await this.start(keys);
    return { object: 'webhook_redelivery' as const, webhook_endpoint_id: endpointId, trigger: 'replay' as const, event_ids: keys.map((k) => k.eventId) };
  }

  /*
   * A new generation has a new job ID, so the add always creates a job due now; an older
   * generation's job finds nothing to claim. If Redis is down the reconciler adds it later.
   */
  private async start(keys: DeliveryKey[]): Promise<void> {
    await this.deliveries.schedule(keys).catch(() => undefined);
  }

  private async mustBeEnabledOrAny(environmentId: string, endpointId: string, enabled: boolean): Promise<void> {
    const status = hasIdShape(endpointId, 'we') ? await this.repo.endpointStatus(environmentId, endpointId) : null;
    if (!status) throw new NotFoundError('a webhook endpoint', endpointId);
    if (enabled && status !== 'enabled') throw new BadRequestError('webhook_endpoint_disabled', `Webhook endpoint ${endpointId} is disabled; enable it before redelivering.`);
  }
}
