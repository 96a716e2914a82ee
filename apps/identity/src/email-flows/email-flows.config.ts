import { z } from 'zod';

const seconds = (def: number) => z.coerce.number().int().min(60).max(30 * 86_400).default(def);

/** Lifetimes, links and limits of the email flows and invitations (WORKOS_API.md §7.6, §7.7, §3.4). */
export const emailFlowsConfigSchema = z.object({
  /** WorkOS: codes and reset links live 10 minutes. */
  EMAIL_VERIFICATION_TTL_SECONDS: seconds(600),
  MAGIC_AUTH_TTL_SECONDS: seconds(600),
  PASSWORD_RESET_TTL_SECONDS: seconds(600),
  /** How long the code mailed to a user's new address confirms the change (sendEmailChange). */
  EMAIL_CHANGE_TTL_SECONDS: seconds(600),
  /** `expires_in_days` when sendInvitation does not give one (WorkOS: 7, at most 30). */
  INVITATION_DEFAULT_EXPIRES_DAYS: z.coerce.number().int().min(1).max(30).default(7),
  /** The app's reset page; `?token=<token>` is appended. Empty: `<PUBLIC_BASE_URL>/reset-password`. */
  PASSWORD_RESET_URL: z.union([z.literal(''), z.url()]).default(''),
  /** The app's invitation page; `?invitation_token=<token>` is appended. Empty: `<PUBLIC_BASE_URL>/invite`. */
  INVITATION_URL: z.union([z.literal(''), z.url()]).default(''),
  /** Emails sent per 60 s per address (magic auth, password reset) or per user (verification); WorkOS: 3. */
  EMAIL_SEND_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(3),
  /**
   * When true, a password sign-in by a user whose email is not verified gets the
   * `email_verification_required` 403 and a code by email (WorkOS's environment setting).
   */
  /**
   * Whether `createWaitlistEntry({sendConfirmationEmail: true})` mails a confirmation (WorkOS's
   * environment setting "waitlist confirmation email"); false, no confirmation is ever sent.
   */
  WAITLIST_CONFIRMATION_EMAIL: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  /** Magic Link (passwordless) links live this long unless createSession's `expires_in` says otherwise (WorkOS: 15 minutes). */
  PASSWORDLESS_TTL_SECONDS: seconds(900),
  REQUIRE_EMAIL_VERIFICATION: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
});
export type EmailFlowsConfig = z.infer<typeof emailFlowsConfigSchema>;
