import type { EmailSender } from '@wos/platform/mail';
import type { TemplateName } from './mail.templates';

export const EMAIL_DELIVERIES = ['platform', 'own_provider'] as const;
export type EmailDelivery = (typeof EMAIL_DELIVERIES)[number];

/** An environment's email settings (`authkit_settings.email_*`); null fields use the service default. */
export interface EmailSettings {
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
  delivery: EmailDelivery;
}

export const DEFAULT_EMAIL_SETTINGS: EmailSettings = { fromName: null, fromAddress: null, replyTo: null, delivery: 'platform' };

/**
 * The emails an environment with `delivery: "own_provider"` sends itself, as with WorkOS's "use
 * your own email provider": the four AuthKit flows whose `*.created` event tells the app to send,
 * and whose object (GET by the event's ID) carries the code, token or URL to put in it. Every
 * other email (Radar challenge, new-device notice, email change, passwordless link, waitlist,
 * agent claim) has no such event or API, so the platform keeps sending it, with the environment's
 * sender.
 */
export const OWN_PROVIDER_TEMPLATES: ReadonlySet<TemplateName> = new Set<TemplateName>(['magic_auth', 'email_verification', 'password_reset', 'invitation']);

/** `Name <a@b>` or `a@b` (MAIL_FROM's two forms). */
export function parseMailbox(value: string): { name: string; address: string } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>\s]+)>\s*$/.exec(value);
  return m ? { name: (m[1] ?? '').trim(), address: m[2]! } : { name: '', address: value.trim() };
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * Who the environment's emails are from. Invariant: the From address is MAIL_FROM's or on a
 * domain the operator listed (MAIL_SENDER_DOMAINS, or MAIL_FROM's own domain): the operator
 * knows which domains the relay may sign for, an environment's API key holder does not prove
 * it (a branding custom domain or a verified organization domain is a web or DNS fact about
 * someone else's property, not a mail authorisation). Reply-To is free: it claims no authorship
 * and no SPF/DKIM/DMARC check covers it.
 */
export class SenderPolicy {
  readonly defaultFrom: { name: string; address: string };
  readonly domains: readonly string[];

  constructor(mailFrom: string, senderDomains: string) {
    this.defaultFrom = parseMailbox(mailFrom);
    const listed = senderDomains.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);
    this.domains = [...new Set([domainOf(this.defaultFrom.address), ...listed])];
  }

  /** Exact domain match: a subdomain is a different mail domain to SPF and DKIM. */
  allows(address: string): boolean {
    return this.domains.includes(domainOf(address));
  }

  /**
   * The sender of an email of an environment. An address whose domain the operator has since
   * delisted falls back to the default address (the name is kept): mail keeps flowing.
   */
  senderFor(s: EmailSettings): EmailSender {
    const address = s.fromAddress && this.allows(s.fromAddress) ? s.fromAddress : this.defaultFrom.address;
    return { from: { name: s.fromName ?? this.defaultFrom.name, address }, ...(s.replyTo ? { replyTo: s.replyTo } : {}) };
  }
}
