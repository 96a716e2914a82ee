import { buildOpenApi } from '@wos/platform';
import { eventsRoutes } from './events/events.dto';
import { usageRoutes } from './usage/usage.dto';

export function eventsOpenApi(): Record<string, unknown> {
  return buildOpenApi('WorkOS Events API', [...eventsRoutes, ...usageRoutes]);
}
