import { z } from 'zod';
import { emailSchema } from '../users/users.dto';

/** Fields every grant may carry; the grant's own schema sees the body without them. */
export const baseAuthenticateSchema = z.object({
  grant_type: z.string().min(1).max(200),
  client_id: z.string().max(200).optional(),
  client_secret: z.string().max(500).optional(),
  ip_address: z.string().max(64).optional(),
  user_agent: z.string().max(1024).optional(),
  signals_id: z.string().max(256).optional(),
  /** WorkOS's device identifier (the Java SDK may send it with any grant): radar's device, when given. */
  device_id: z.string().max(256).optional(),
  /** An earlier radar attempt this sign-in continues (createUser's, or the caller's own createAttempt). */
  radar_auth_attempt_id: z.string().max(128).optional(),
});
export const BASE_FIELDS = Object.keys(baseAuthenticateSchema.shape);

export const passwordGrantSchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(1024),
  invitation_token: z.string().max(512).optional(),
});

export const refreshGrantSchema = z.strictObject({
  refresh_token: z.string().min(1).max(512),
  organization_id: z.string().min(1).max(128).optional(),
});

export const organizationSelectionGrantSchema = z.strictObject({
  organization_id: z.string().min(1).max(128),
  pending_authentication_token: z.string().min(1).max(512),
});

export const totpGrantSchema = z.strictObject({
  code: z.string().min(1).max(16),
  authentication_challenge_id: z.string().min(1).max(128),
  pending_authentication_token: z.string().min(1).max(512),
});
