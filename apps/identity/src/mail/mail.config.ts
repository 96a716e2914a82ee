import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

/**
 * Outgoing email. With no `SMTP_HOST` every email is written to the log as JSON instead of sent
 * (the development stack), so the flows still work without a mail server.
 */
export const mailConfigSchema = z.object({
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
});
export type MailConfig = z.infer<typeof mailConfigSchema>;
