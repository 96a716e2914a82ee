import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

/**
 * Outgoing email of any service that sends mail (identity, admin-portal; see `mailDelivery`).
 * Without `SMTP_HOST`, development keeps each rendered email out of SMTP (identity keeps it in its
 * local inbox at `/dev/mail`); production refuses to start unless `MAIL_DISABLED=true` says that
 * no email is to be sent at all.
 */
export const mailConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  SMTP_HOST: z.string().trim().default(''),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (port 465); false: plain, upgraded by STARTTLS when the server offers it. */
  SMTP_SECURE: flag,
  SMTP_USER: z.string().default(''),
  SMTP_PASSWORD: z.string().default(''),
  /** Refuse to send over a connection that did not upgrade to TLS (production relays). */
  SMTP_REQUIRE_TLS: flag,
  MAIL_FROM: z.string().min(3).default('AuthKit <no-reply@localhost>'),
  /** Folder of template overrides, `<template>.subject.txt`, `<template>.text.txt`, `<template>.html`. */
  MAIL_TEMPLATES_DIR: z.string().default(''),
  /** true: send no email at all (rows are closed as skipped); the only way to run production without SMTP. */
  MAIL_DISABLED: flag,
});
export type MailConfig = z.infer<typeof mailConfigSchema>;

/**
 * How email leaves the service. Invariant: no mode writes a code, token or link to the log; the
 * development inbox keeps the rendered email sealed in its `email_deliveries` row instead.
 */
export type MailDelivery = 'smtp' | 'dev_inbox' | 'disabled';

export function mailDelivery(c: Pick<MailConfig, 'NODE_ENV' | 'SMTP_HOST' | 'MAIL_DISABLED'>): MailDelivery {
  if (c.MAIL_DISABLED) return 'disabled';
  if (c.SMTP_HOST) return 'smtp';
  if (c.NODE_ENV === 'production') throw new Error('set SMTP_HOST, or MAIL_DISABLED=true to run without email (NODE_ENV=production has no development inbox)');
  return 'dev_inbox';
}

/** The config rule behind `mailDelivery`, for the service's zod schema (fails at boot). */
export function checkMailDelivery(c: Pick<MailConfig, 'NODE_ENV' | 'SMTP_HOST' | 'MAIL_DISABLED'>, ctx: z.RefinementCtx): void {
  try {
    mailDelivery(c);
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['SMTP_HOST'], message: (err as Error).message });
  }
}
