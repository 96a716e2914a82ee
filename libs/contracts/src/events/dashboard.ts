/**
 * The events dashboard publishes on Topic.dashboard: none. Every change the console makes is the
 * owning service's API call (with that service's events), and every console action is recorded
 * as an audit-log event in the built-in environment's organization instead.
 */
export const dashboardEventSchemas = {} as const;
