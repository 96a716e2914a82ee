import { z } from 'zod';

/** POST /authkit/oauth2/complete (SDK `serializeUserManagementLoginRequest`). */
export const completeOAuth2Schema = z.object({
  external_auth_id: z.string().min(1).max(128),
  user: z.object({
    id: z.string().trim().min(1).max(256),
    email: z.string().trim().toLowerCase().email().max(320),
    first_name: z.string().max(256).nullable().optional(),
    last_name: z.string().max(256).nullable().optional(),
    metadata: z.record(z.string().max(40), z.string().max(600)).refine((m) => Object.keys(m).length <= 50, 'At most 50 metadata keys.').nullable().optional(),
  }),
  /* Stored nowhere yet: accepted so the SDK's calls validate (see the report). */
  user_consent_options: z
    .array(z.object({ claim: z.string().max(128), type: z.string().max(32), label: z.string().max(256), choices: z.array(z.object({ value: z.string().max(256), label: z.string().max(256) })).max(50) }))
    .max(20)
    .nullable()
    .optional(),
});
export type CompleteOAuth2Input = z.infer<typeof completeOAuth2Schema>;

/** PUT /connect/settings (ours): the environment's authorization-server switches. */
export const connectSettingsSchema = z.object({
  dynamic_registration_enabled: z.boolean().optional(),
  external_login_url: z
    .string()
    .url()
    .max(2048)
    .refine((u) => /^https?:/.test(u), 'An http(s) URL.')
    .nullable()
    .optional(),
});
export type ConnectSettingsInput = z.infer<typeof connectSettingsSchema>;
