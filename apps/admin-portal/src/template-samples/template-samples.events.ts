import { Topic, type TemplateSampleWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* Keyed by the organization, so one organization's events stay in order on admin-portal's topic. */
export function templateSampleEvent(change: 'created' | 'deleted', sample: TemplateSampleWire, environmentId: string): OutboxMessage {
  return { topic: Topic.adminPortal, key: sample.organization_id, event: buildEvent(`admin_portal.template_sample.${change}`, sample, environmentId) };
}
