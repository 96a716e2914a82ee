/**
 * The events admin-portal publishes on Topic.adminPortal: none. WorkOS's catalogue names no event
 * for portal links or IT contacts; every change the portal makes in another service (a
 * connection, a directory, a domain) is written there, with that service's events.
 */
export const adminPortalEventSchemas = {} as const;
