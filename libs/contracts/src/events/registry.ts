import { z } from 'zod';
import { organizationEventSchemas } from './organizations';
import { directorySyncEventSchemas } from './directory-sync';
import { Topic } from './topics';
import { ssoEventSchemas } from './sso';
import { identityEventSchemas } from './identity';
import { identityFlowEventSchemas } from './identity-flows';
import { apiKeyEventSchemas } from './api-keys';
import { waitlistEventSchemas } from './waitlists';
import { auditLogsEventSchemas } from './audit-logs';
import { vaultEventSchemas } from './vault';
import { radarEventSchemas } from './radar';
import { authorizationEventSchemas } from './authorization';
import { pipesEventSchemas } from './pipes';
import { connectEventSchemas } from './connect';
import { agentEventSchemas } from './agents';
import { featureFlagEventSchemas } from './feature-flags';
import { adminPortalEventSchemas } from './admin-portal';
import { dashboardEventSchemas } from './dashboard';
import { rateLimitUsageEventSchemas } from './rate-limit-usage';

/**
 * One zod schema per event type. Producers validate `data` against it before writing the
 * outbox row; a change to a released schema must be additive (see registry.spec.ts).
 */
export const eventSchemas = {
  ...organizationEventSchemas,
  ...ssoEventSchemas,
  ...identityEventSchemas,
  ...identityFlowEventSchemas,
  ...apiKeyEventSchemas,
  ...waitlistEventSchemas,
  ...directorySyncEventSchemas,
  ...auditLogsEventSchemas,
  ...vaultEventSchemas,
  ...radarEventSchemas,
  ...authorizationEventSchemas,
  ...pipesEventSchemas,
  ...connectEventSchemas,
  ...agentEventSchemas,
  ...featureFlagEventSchemas,
  ...adminPortalEventSchemas,
  ...dashboardEventSchemas,
  ...rateLimitUsageEventSchemas,
} as const;

export type EventType = keyof typeof eventSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;

export function isKnownEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventSchemas, type);
}

/* Each group of schemas belongs to the service that publishes it, on that service's topic. */
const PUBLISHED_ON: readonly (readonly [Topic, Record<string, unknown>])[] = [
  [Topic.organizations, { ...organizationEventSchemas, ...featureFlagEventSchemas }],
  [Topic.sso, ssoEventSchemas],
  [Topic.identity, { ...identityEventSchemas, ...identityFlowEventSchemas, ...apiKeyEventSchemas, ...waitlistEventSchemas, ...connectEventSchemas, ...agentEventSchemas }],
  [Topic.directorySync, directorySyncEventSchemas],
  [Topic.auditLogs, auditLogsEventSchemas],
  [Topic.vault, vaultEventSchemas],
  [Topic.radar, radarEventSchemas],
  [Topic.authorization, authorizationEventSchemas],
  [Topic.pipes, pipesEventSchemas],
  [Topic.adminPortal, adminPortalEventSchemas],
  [Topic.dashboard, dashboardEventSchemas],
  [Topic.gatewayUsage, rateLimitUsageEventSchemas],
];

/** The topic each event type is published on (DESIGN.md rule 4: one topic per producing service). */
export const EVENT_TOPICS: Readonly<Record<EventType, Topic>> = Object.fromEntries(
  PUBLISHED_ON.flatMap(([topic, schemas]) => Object.keys(schemas).map((type) => [type, topic])),
) as Record<EventType, Topic>;

/**
 * Event types of ours that only our own services consume (published on INTERNAL_TOPICS): the
 * events service never stores them in `/events`, webhooks never deliver them, and no public list
 * of event types names them.
 */
export const INTERNAL_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(rateLimitUsageEventSchemas));

export function isInternalEventType(type: string): boolean {
  return INTERNAL_EVENT_TYPES.has(type);
}

/** The event types `/events` and webhooks can carry. */
export const PUBLIC_EVENT_TYPES: readonly EventType[] = (Object.keys(eventSchemas) as EventType[]).filter((t) => !INTERNAL_EVENT_TYPES.has(t));
