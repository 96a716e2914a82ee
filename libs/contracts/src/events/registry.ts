import { z } from 'zod';
import { organizationEventSchemas } from './organizations';
import { directorySyncEventSchemas } from './directory-sync';
import { ssoEventSchemas } from './sso';
import { identityEventSchemas } from './identity';
import { identityFlowEventSchemas } from './identity-flows';

/**
 * One zod schema per event type. Producers validate `data` against it before writing the
 * outbox row; a change to a released schema must be additive (see registry.spec.ts).
 */
export const eventSchemas = {
  ...organizationEventSchemas,
  ...ssoEventSchemas,
  ...identityEventSchemas,
  ...identityFlowEventSchemas,
  ...directorySyncEventSchemas,
} as const;

export type EventType = keyof typeof eventSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;

export function isKnownEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventSchemas, type);
}
