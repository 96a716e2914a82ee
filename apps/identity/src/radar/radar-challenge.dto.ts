import { z } from 'zod';
import type { OneTimeSecret } from '../generated/prisma/client';

/** `radar_challenge` (the Java SDK's `getRadarChallenge`): like magic auth's GET, it carries the code. */
export const radarChallengeWireSchema = z.object({
  object: z.literal('radar_challenge'),
  id: z.string(),
  type: z.enum(['email', 'sms']),
  user_id: z.string(),
  email: z.string(),
  code: z.string(),
  expires_at: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type RadarChallengeWire = z.infer<typeof radarChallengeWireSchema>;

export function toRadarChallengeWire(row: OneTimeSecret, code: string, type: 'email' | 'sms'): RadarChallengeWire {
  return {
    object: 'radar_challenge',
    id: row.id,
    type,
    user_id: row.userId,
    email: row.email,
    code,
    expires_at: row.expiresAt.toISOString(),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
