import { buildOpenApi } from '@wos/platform';

/** The console serves HTML pages only (`/dashboard/…`); it has no API routes to describe. */
export function dashboardOpenApi(): Record<string, unknown> {
  return buildOpenApi('Dashboard', []);
}
