import { z } from 'zod';
import type { AuthkitSettings } from '../../generated/prisma/client';
import { DEFAULT_EMAIL_SETTINGS, EMAIL_DELIVERIES, type EmailDelivery, type EmailSettings } from '../../mail/email-sender';

export const SIGN_UP_POLICIES = ['open', 'invitation_only', 'waitlist'] as const;
export type SignUpPolicy = (typeof SIGN_UP_POLICIES)[number];

/** A logo travels as a data: URL so the hosted pages load nothing from elsewhere (CSP img-src data:). */
const LOGO = /^data:image\/(png|svg\+xml|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;
/** Host names only (no scheme, port or path): links are built as https://<custom_domain>/…. */
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A bare address (no display name), at most 254 characters as SMTP allows. */
const address = (field: string) => z.string().trim().toLowerCase().max(254, `${field} must be at most 254 characters.`).email(`${field} must be an email address such as auth@example.com.`);

/**
 * The environment's email settings (our extension; WorkOS's dashboard "Email" settings). `null`
 * clears a field (the service default applies); `email: null` clears them all.
 */
export const emailSettingsSchema = z
  .object({
    // A display name only: no control characters, and none of <>"@ so it cannot pose as an address.
    from_name: z.string().trim().min(1).max(64).regex(/^[^\p{Cc}\p{Cf}<>"@]+$/u, 'from_name must not contain control characters or any of < > " @.').nullable().optional().describe("The display name of the environment's emails; null: MAIL_FROM's name."),
    from_address: address('from_address').nullable().optional().describe("The From address; its domain must be MAIL_FROM's or one of MAIL_SENDER_DOMAINS. null: MAIL_FROM's address."),
    reply_to: address('reply_to').nullable().optional().describe('The Reply-To address of every email; null: none.'),
    delivery: z
      .enum(EMAIL_DELIVERIES)
      .optional()
      .describe('platform: the platform sends every email. own_provider: no magic auth, email verification, password reset or invitation email is sent; the app sends them from the *.created events (GET the object by its ID for the code, token or URL).'),
  })
  .strict();

/**
 * PATCH /user_management/authkit/settings (our extension; WorkOS sets these in its dashboard).
 * Each field is optional; `null` clears a branding field.
 */
export const updateAuthkitSettingsSchema = z
  .object({
    sign_up_policy: z.enum(SIGN_UP_POLICIES).optional(),
    require_mfa: z.boolean().optional(),
    link_oauth_verified_email: z
      .boolean()
      .optional()
      .describe('true (the default): a new identity from an OAuth provider (Google, Microsoft, GitHub, Apple) that says email_verified links to the existing user with that email. false: only a verified domain of the connection\'s organization, or the code emailed to the address, links it.'),
    branding: z
      .object({
        name: z.string().trim().min(1).max(80).nullable().optional(),
        logo: z.string().max(65_536, 'The logo must be at most 48 KB (a data: URL of at most 64 KiB).').regex(LOGO, 'The logo must be a base64 data: URL of a PNG, SVG, JPEG or WebP image.').nullable().optional(),
        primary_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'primary_color must be #rrggbb.').nullable().optional(),
        custom_domain: z.string().trim().toLowerCase().regex(HOST, 'custom_domain must be a host name such as auth.example.com.').nullable().optional(),
      })
      .strict()
      .optional(),
    email: emailSettingsSchema.nullable().optional(),
  })
  .strict();
export type UpdateAuthkitSettingsInput = z.infer<typeof updateAuthkitSettingsSchema>;

/** The settings as the hosted pages use them (defaults filled in). */
export interface HostedSettings {
  signUpPolicy: SignUpPolicy;
  requireMfa: boolean;
  linkOauthVerifiedEmail: boolean;
  brandName: string | null;
  logoDataUrl: string | null;
  primaryColor: string | null;
  customDomain: string | null;
  email: EmailSettings;
  updatedAt: Date | null;
}

export const DEFAULT_SETTINGS: HostedSettings = { signUpPolicy: 'open', requireMfa: false, linkOauthVerifiedEmail: true, brandName: null, logoDataUrl: null, primaryColor: null, customDomain: null, email: DEFAULT_EMAIL_SETTINGS, updatedAt: null };

export function toHostedSettings(row: AuthkitSettings | null): HostedSettings {
  if (!row) return DEFAULT_SETTINGS;
  return {
    signUpPolicy: row.signUpPolicy as SignUpPolicy,
    requireMfa: row.requireMfa,
    linkOauthVerifiedEmail: row.linkOauthVerifiedEmail,
    brandName: row.brandName,
    logoDataUrl: row.logoDataUrl,
    primaryColor: row.primaryColor,
    customDomain: row.customDomain,
    email: { fromName: row.emailFromName, fromAddress: row.emailFromAddress, replyTo: row.emailReplyTo, delivery: row.emailDelivery as EmailDelivery },
    updatedAt: row.updatedAt,
  };
}

export function toSettingsWire(s: HostedSettings) {
  return {
    object: 'authkit_settings' as const,
    sign_up_policy: s.signUpPolicy,
    require_mfa: s.requireMfa,
    link_oauth_verified_email: s.linkOauthVerifiedEmail,
    branding: { name: s.brandName, logo: s.logoDataUrl, primary_color: s.primaryColor, custom_domain: s.customDomain },
    email: { from_name: s.email.fromName, from_address: s.email.fromAddress, reply_to: s.email.replyTo, delivery: s.email.delivery },
    updated_at: s.updatedAt?.toISOString() ?? null,
  };
}
