import { z } from 'zod';
import { userSchema, type UserWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { User } from '../generated/prisma/client';

export const emailSchema = z.string().trim().toLowerCase().max(320).email();
export const nameSchema = z.string().trim().max(255).nullable();
const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(600).nullable())
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata keys');
/** WorkOS requires at least 8 characters; argon2 input is capped to keep hashing bounded. */
export const passwordSchema = z.string().min(8).max(1024);

const userFields = {
  email: emailSchema,
  password: passwordSchema.optional(),
  password_hash: z.string().min(1).max(1024).optional(),
  password_hash_type: z.string().min(1).max(32).optional(),
  name: nameSchema.optional(),
  first_name: nameSchema.optional(),
  last_name: nameSchema.optional(),
  email_verified: z.boolean().optional(),
  external_id: z.string().min(1).max(128).nullable().optional(),
  metadata: metadataSchema.optional(),
  locale: z.string().max(35).nullable().optional(),
  // Radar signals the SDK may forward: the sign-up's IP address and user agent are assessed.
  ip_address: z.string().max(64).optional(),
  user_agent: z.string().max(1024).optional(),
  signals_id: z.string().max(256).optional(),
};

function hashPair<T extends { password?: string; password_hash?: string; password_hash_type?: string }>(v: T, ctx: z.RefinementCtx) {
  if (v.password !== undefined && v.password_hash !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['password_hash'], message: 'password and password_hash are mutually exclusive' });
  }
  if ((v.password_hash === undefined) !== (v.password_hash_type === undefined)) {
    ctx.addIssue({ code: 'custom', path: [v.password_hash === undefined ? 'password_hash' : 'password_hash_type'], message: 'password_hash and password_hash_type go together' });
  }
}

export const createUserSchema = z.strictObject(userFields).superRefine(hashPair);
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserSchema = z.strictObject({ ...userFields, email: emailSchema.optional() }).superRefine(hashPair);
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

/** Our extension (docs/compatibility.md): the users whose email starts with this text, case-insensitive. */
export const USER_SEARCH_MAX = 100;
export const listUsersQuerySchema = paginationQuerySchema.extend({
  email: emailSchema.optional(),
  search: z.string().trim().toLowerCase().min(1).max(USER_SEARCH_MAX).optional(),
  organization_id: z.string().min(1).max(128).optional(),
  organization: z.string().min(1).max(128).optional(),
});
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

export function toUserWire(u: User): UserWire {
  return {
    object: 'user',
    id: u.id,
    email: u.email,
    email_verified: u.emailVerified,
    first_name: u.firstName,
    last_name: u.lastName,
    name: u.name,
    profile_picture_url: u.profilePictureUrl,
    last_sign_in_at: u.lastSignInAt ? u.lastSignInAt.toISOString() : null,
    locale: u.locale,
    external_id: u.externalId,
    metadata: (u.metadata ?? {}) as Record<string, string>,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
  };
}

export { userSchema };
