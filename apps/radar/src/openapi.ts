import { buildOpenApi } from '@wos/platform';
import { radarAttemptSchema } from '@wos/contracts';
import { attemptStatsQuerySchema, createAttemptSchema, listAttemptsQuerySchema, updateAttemptSchema } from './attempts/attempts.dto';
import { listEntryBodySchema } from './lists/lists.dto';
import { radarSettingsPatchSchema, radarSettingsSchema } from './radar-core/settings';

export function radarOpenApi(): Record<string, unknown> {
  return buildOpenApi('Radar', [
    { method: 'post', path: '/radar/attempts', summary: 'Assess a sign-in or sign-up attempt (verdict, reason, attempt_id, control, blocklist_type)', body: createAttemptSchema },
    { method: 'put', path: '/radar/attempts/:id', summary: 'Record that an attempt or its challenge succeeded', body: updateAttemptSchema, response: radarAttemptSchema },
    { method: 'get', path: '/radar/attempts', summary: 'List stored attempts with filters (our extension)', query: listAttemptsQuerySchema },
    { method: 'get', path: '/radar/attempts/:id', summary: 'Get a stored attempt (our extension)', response: radarAttemptSchema },
    { method: 'get', path: '/radar/stats', summary: 'Attempt counts per time bucket, deciding control and verdict (our extension)', query: attemptStatsQuerySchema },
    { method: 'post', path: '/radar/lists/:type/:action', summary: 'Add an entry to an allow or block list', body: listEntryBodySchema, status: 201 },
    { method: 'delete', path: '/radar/lists/:type/:action', summary: 'Remove an entry from an allow or block list (body { entry })', body: listEntryBodySchema, status: 204 },
    { method: 'get', path: '/radar/settings', summary: "The environment's control modes and thresholds (our extension)", response: radarSettingsSchema },
    { method: 'put', path: '/radar/settings', summary: 'Change control modes and thresholds (our extension)', body: radarSettingsPatchSchema, response: radarSettingsSchema },
  ]);
}
