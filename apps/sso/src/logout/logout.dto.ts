import { z } from 'zod';

/** `POST /sso/logout/authorize` (the Java SDK's `sso.authorizeLogout`). */
export const logoutAuthorizeSchema = z.strictObject({ profile_id: z.string().min(1).max(100) });
export type LogoutAuthorizeInput = z.infer<typeof logoutAuthorizeSchema>;

export const logoutAuthorizeResponseSchema = z.object({ logout_url: z.string(), logout_token: z.string() });
export type LogoutAuthorizeResponse = z.infer<typeof logoutAuthorizeResponseSchema>;

export const logoutQuerySchema = z.object({ token: z.string().min(1).max(2048) });

/** What a logout token names, sealed: nothing in it is readable or changeable by its holder. */
export const logoutTokenSchema = z.object({ environmentId: z.string(), profileId: z.string(), expiresAt: z.number() });
export type LogoutToken = z.infer<typeof logoutTokenSchema>;
