import { z } from 'zod';
/* The mail settings and delivery rule are the platform's (libs/platform/src/mail), shared with admin-portal. */
export { checkMailDelivery, mailConfigSchema, mailDelivery, type MailConfig, type MailDelivery } from '@wos/platform/mail';

/** Identity's own mail settings (beyond the platform's): who environments may send as. */
export const mailSenderConfigSchema = z.object({
  /**
   * Comma-separated mail domains an environment's `email.from_address` may use, besides
   * MAIL_FROM's own domain: the domains the SMTP relay is authorised to send for (SPF, DKIM).
   * Every environment of the installation may use every listed domain.
   */
  MAIL_SENDER_DOMAINS: z
    .string()
    .trim()
    .toLowerCase()
    .default('')
    .refine((v) => v.split(',').map((d) => d.trim()).filter(Boolean).every((d) => /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d)), 'a comma-separated list of domain names'),
});
