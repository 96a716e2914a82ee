import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import type { AuthChallenge, AuthFactor } from '../generated/prisma/client';

const base32 = z.string().regex(/^[A-Z2-7]{16,128}=*$/, 'must be a base32 secret of at least 16 characters');

export const enrollFactorSchema = z.strictObject({
  type: z.enum(['totp', 'sms', 'generic_otp']),
  totp_issuer: z.string().min(1).max(255).optional(),
  totp_user: z.string().min(1).max(255).optional(),
  phone_number: z.string().max(32).optional(),
});
export type EnrollFactorInput = z.infer<typeof enrollFactorSchema>;

export const createUserFactorSchema = z.strictObject({
  type: z.enum(['totp', 'sms', 'generic_otp']),
  totp_issuer: z.string().min(1).max(255).optional(),
  totp_user: z.string().min(1).max(255).optional(),
  totp_secret: base32.optional(),
});
export type CreateUserFactorInput = z.infer<typeof createUserFactorSchema>;

export const challengeFactorSchema = z.strictObject({ sms_template: z.string().max(1000).optional() });
export const verifyChallengeSchema = z.strictObject({ code: z.string().min(1).max(16) });
export type VerifyChallengeInput = z.infer<typeof verifyChallengeSchema>;
export const listFactorsQuerySchema = paginationQuerySchema;

export interface TotpSecrets {
  qr_code: string;
  secret: string;
  uri: string;
}

export function toFactorWire(f: AuthFactor, secrets?: TotpSecrets) {
  return {
    object: 'authentication_factor' as const,
    id: f.id,
    created_at: f.createdAt.toISOString(),
    updated_at: f.updatedAt.toISOString(),
    type: f.type,
    ...(f.type === 'totp' ? { totp: { issuer: f.totpIssuer, user: f.totpUser, ...(secrets ?? {}) } } : {}),
    ...(f.type === 'sms' ? { sms: { phone_number: f.phoneNumber } } : {}),
    ...(f.userId ? { user_id: f.userId } : {}),
  };
}

export function toChallengeWire(c: AuthChallenge) {
  return {
    object: 'authentication_challenge' as const,
    id: c.id,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
    expires_at: c.expiresAt ? c.expiresAt.toISOString() : null,
    authentication_factor_id: c.factorId,
  };
}
