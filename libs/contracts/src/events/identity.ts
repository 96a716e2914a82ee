import { z } from 'zod';

/** `user` wire object (WORKOS_API.md §7.1). */
export const userSchema = z.object({
  object: z.literal('user'),
  id: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  name: z.string().nullable().optional(),
  profile_picture_url: z.string().nullable(),
  last_sign_in_at: z.string().nullable(),
  locale: z.string().nullable(),
  external_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type UserWire = z.infer<typeof userSchema>;

/** `session` wire object (WORKOS_API.md §7.1). */
export const sessionSchema = z.object({
  object: z.literal('session'),
  id: z.string(),
  user_id: z.string(),
  organization_id: z.string().nullable().optional(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  impersonator: z.object({ email: z.string(), reason: z.string().nullable() }).nullable().optional(),
  auth_method: z.string(),
  status: z.enum(['active', 'expired', 'revoked']),
  expires_at: z.string(),
  ended_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SessionWire = z.infer<typeof sessionSchema>;

/** `organization_membership` wire object (WORKOS_API.md §7.8). */
export const organizationMembershipSchema = z.object({
  object: z.literal('organization_membership'),
  id: z.string(),
  user_id: z.string(),
  organization_id: z.string(),
  organization_name: z.string(),
  status: z.enum(['active', 'inactive', 'pending']),
  role: z.object({ slug: z.string() }),
  roles: z.array(z.object({ slug: z.string() })).optional(),
  directory_managed: z.boolean(),
  custom_attributes: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type OrganizationMembershipWire = z.infer<typeof organizationMembershipSchema>;

/** Payload of every `authentication.*` event (WORKOS_API.md §22). */
export const authenticationEventSchema = z.object({
  type: z.enum(['sso', 'password', 'oauth', 'mfa', 'magic_auth', 'email_verification', 'passkey']),
  status: z.enum(['failed', 'succeeded']),
  email: z.string().nullable(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  user_id: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type AuthenticationEventData = z.infer<typeof authenticationEventSchema>;

export const identityEventSchemas = {
  'user.created': userSchema,
  'user.updated': userSchema,
  'user.deleted': userSchema,
  'session.created': sessionSchema,
  'session.revoked': sessionSchema,
  'organization_membership.created': organizationMembershipSchema,
  'organization_membership.updated': organizationMembershipSchema,
  'organization_membership.deleted': organizationMembershipSchema,
  'authentication.password_succeeded': authenticationEventSchema,
  'authentication.password_failed': authenticationEventSchema,
  'authentication.mfa_succeeded': authenticationEventSchema,
  'authentication.mfa_failed': authenticationEventSchema,
  'authentication.magic_auth_succeeded': authenticationEventSchema,
  'authentication.magic_auth_failed': authenticationEventSchema,
  'authentication.email_verification_succeeded': authenticationEventSchema,
  'authentication.email_verification_failed': authenticationEventSchema,
} as const;
