import { buildOpenApi } from '@wos/platform';
import { eventsRoutes } from './events/events.dto';

export function eventsOpenApi(): Record<string, unknown> {
  return buildOpenApi('WorkOS Events API', eventsRoutes);
}
