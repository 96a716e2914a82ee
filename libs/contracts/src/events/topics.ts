/**
 * One topic per producing service (DESIGN.md rule 4). Do not rename: topic names are part of
 * the contract with consumers outside this repo (SIEMs, data pipelines).
 */
export const Topic = {
  identity: 'identity.events.v1',
  sso: 'sso.events.v1',
  directorySync: 'directory-sync.events.v1',
  organizations: 'organizations.events.v1',
  auditLogs: 'audit-logs.events.v1',
  /** The same audit-log events rendered as OCSF 1.3.0 (auditLogOcsfSchema); not WorkOS envelopes. */
  auditLogsOcsf: 'audit-logs.ocsf.v1',
  vault: 'vault.events.v1',
  radar: 'radar.events.v1',
  authorization: 'authorization.events.v1',
  pipes: 'pipes.events.v1',
  adminPortal: 'admin-portal.events.v1',
  dashboard: 'dashboard.events.v1',
  /** The gateway's internal usage counts (INTERNAL_TOPICS); not WorkOS events. */
  gatewayUsage: 'api-gateway.usage.v1',
} as const;
export type Topic = (typeof Topic)[keyof typeof Topic];

/**
 * Topics that carry customers' audit-log events for SIEMs, not WorkOS Events-API events: the
 * events service and the webhook dispatcher never consume them (WorkOS's `/events` and webhooks
 * carry no audit-log events), and their volume stays off those services.
 */
export const SIEM_TOPICS: readonly Topic[] = [Topic.auditLogs, Topic.auditLogsOcsf];

/**
 * Topics that carry only internal event types (INTERNAL_EVENT_TYPES): the events service's usage
 * projection consumes them; `/events` and webhooks never show them, so the webhook dispatcher
 * does not even read them.
 */
export const INTERNAL_TOPICS: readonly Topic[] = [Topic.gatewayUsage];

/** Every topic that carries WorkOS events; the events service and webhook dispatcher consume all of them. */
export const ALL_DOMAIN_TOPICS: readonly Topic[] = Object.values(Topic).filter((t) => !SIEM_TOPICS.includes(t) && !INTERNAL_TOPICS.includes(t));
