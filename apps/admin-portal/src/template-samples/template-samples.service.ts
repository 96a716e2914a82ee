import { Injectable } from '@nestjs/common';
import { hasIdShape, type TemplateSampleWire } from '@wos/contracts';
import { newId, NotFoundError } from '@wos/platform';
import { toTemplateSampleWire, type CreateTemplateSampleInput } from './template-samples.dto';
import { templateSampleEvent } from './template-samples.events';
import { TemplateSamplesRepository } from './template-samples.repository';

/**
 * Invariant: every state change writes its event to the outbox in the same transaction, and a
 * consumed event's effect records the event in the inbox in that transaction too.
 */
@Injectable()
export class TemplateSamplesService {
  constructor(private readonly repo: TemplateSamplesRepository) {}

  async create(environmentId: string, input: CreateTemplateSampleInput): Promise<TemplateSampleWire> {
    const sample = { id: newId('template_sample'), environmentId, organizationId: input.organization_id, name: input.name, createdAt: new Date() };
    const wire = toTemplateSampleWire(sample);
    await this.repo.create(sample, templateSampleEvent('created', wire, environmentId));
    return wire;
  }

  async get(environmentId: string, id: string): Promise<TemplateSampleWire> {
    const sample = hasIdShape(id, 'template_sample') ? await this.repo.findById(environmentId, id) : null;
    if (!sample) throw new NotFoundError('a template sample', id);
    return toTemplateSampleWire(sample);
  }

  /** organization.deleted: the organization's samples go, each with its event, once per event. */
  async deleteForDeletedOrganization(environmentId: string, organizationId: string, eventId: string): Promise<string[]> {
    const deleted = await this.repo.deleteForOrganization(environmentId, organizationId, { consumer: 'admin-portal.organization-deleted', eventId }, (s) =>
      templateSampleEvent('deleted', toTemplateSampleWire(s), environmentId),
    );
    return deleted.map((s) => s.id);
  }
}
