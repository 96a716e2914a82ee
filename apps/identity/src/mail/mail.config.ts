/* The mail settings and delivery rule are the platform's (libs/platform/src/mail), shared with admin-portal. */
export { checkMailDelivery, mailConfigSchema, mailDelivery, type MailConfig, type MailDelivery } from '@wos/platform/mail';
