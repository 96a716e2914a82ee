/**
 * Every app of the platform with its default port. The gateway finds each upstream through
 * the `<NAME>_URL` variable derived from the app name (directory-sync -> DIRECTORY_SYNC_URL).
 * deploy/, helm/ and the deploy test must agree with this list.
 */
export const APP_CATALOGUE = [
  { name: 'api-gateway', port: 8080 },
  { name: 'identity', port: 3001 },
  { name: 'sso', port: 3002 },
  { name: 'directory-sync', port: 3003 },
  { name: 'organizations', port: 3004 },
  { name: 'audit-logs', port: 3005 },
  { name: 'vault', port: 3006 },
  { name: 'radar', port: 3007 },
  { name: 'events', port: 3008 },
  { name: 'webhook-dispatcher', port: 3009 },
  { name: 'authorization', port: 3010 },
  { name: 'pipes', port: 3018 },
  { name: 'admin-portal', port: 3021 },
  { name: 'dashboard', port: 3019 },
] as const;

/** The gateway's admin port (/health, /ready, /metrics), apart from its public port. */
export const GATEWAY_ADMIN_PORT = 9464;

export type AppName = (typeof APP_CATALOGUE)[number]['name'];

export function upstreamEnvName(app: string): string {
  return `${app.replace(/-/g, '_').toUpperCase()}_URL`;
}

/**
 * Which services each app calls with a signed internal context. An app is handed the internal-auth
 * keys of exactly these services (and its own); a new service-to-service call adds its edge here,
 * in helm/wos-platform/values.yaml (`internalAuth.calls`) and in docker-compose.yml's key one-shot.
 */
export const INTERNAL_CALLS: Record<AppName, readonly AppName[]> = {
  'api-gateway': APP_CATALOGUE.map((a) => a.name).filter((n) => n !== 'api-gateway'),
  identity: ['organizations', 'sso', 'api-gateway', 'authorization', 'radar', 'directory-sync', 'audit-logs'],
  sso: ['organizations'],
  'directory-sync': ['organizations', 'authorization'],
  organizations: ['identity'],
  'audit-logs': [],
  vault: [],
  radar: [],
  events: [],
  'webhook-dispatcher': [],
  authorization: ['organizations', 'identity'],
  pipes: ['vault', 'organizations'],
  'admin-portal': ['organizations', 'sso', 'directory-sync', 'audit-logs', 'identity', 'vault'],
  dashboard: ['api-gateway', 'organizations', 'identity', 'sso', 'directory-sync', 'events', 'webhook-dispatcher', 'audit-logs', 'admin-portal'],
};
