import { eventSchemas, type EventData, type EventEnvelope, type EventType } from '@wos/contracts';
import { newId } from '../ids/ids';

/**
 * Builds the envelope for a domain event. `data` is checked against the event's contract, so
 * a producer cannot publish a payload its consumers would reject.
 */
export function buildEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  environmentId: string,
  context?: Record<string, unknown>,
): EventEnvelope {
  const checked = eventSchemas[type].parse(data) as Record<string, unknown>;
  return {
    object: 'event',
    id: newId('event'),
    event: type,
    data: checked,
    created_at: new Date().toISOString(),
    ...(context ? { context } : {}),
    environment_id: environmentId,
  };
}
