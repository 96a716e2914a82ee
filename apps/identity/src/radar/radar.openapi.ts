import type { RouteDoc } from '@wos/platform';
import { sendRadarSmsSchema } from './radar-sms.service';
import { radarChallengeWireSchema } from './radar-challenge.dto';

/** Radar challenges of AuthKit sign-ins (the grants are documented with POST /user_management/authenticate). */
export const radarOpenApiRoutes: RouteDoc[] = [
  { method: 'post', path: '/user_management/radar_challenges', summary: 'Send a radar SMS challenge for a challenged sign-in: {verification_id, phone_number}', body: sendRadarSmsSchema, status: 201 },
  { method: 'get', path: '/user_management/radar_challenges/:id', summary: 'Get a radar challenge (email or SMS) with its code', response: radarChallengeWireSchema },
];
