import { Topic, type FeatureFlagWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* Flag events are keyed by the flag ID, so one flag's events stay in order on one partition. */
export function flagEvent(type: 'flag.created' | 'flag.updated' | 'flag.deleted' | 'flag.rule_updated', flag: FeatureFlagWire, environmentId: string): OutboxMessage {
  return { topic: Topic.organizations, key: flag.id, event: buildEvent(type, flag, environmentId) };
}
