import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every email the identity service sends, with the variables its template can use. */
export interface TemplateVariables {
  email_verification: { email: string; code: string; expires_in_minutes: string };
  magic_auth: { email: string; code: string; expires_in_minutes: string };
  /** `link_base`: the hosted reset page (with the environment's custom domain) when the hosted pages asked. */
  password_reset: { email: string; url: string; expires_in_minutes: string; link_base?: string };
  invitation: { email: string; url: string; organization_id: string; inviter: string; expires_at: string };
  radar_challenge: { email: string; code: string; expires_in_minutes: string };
  passwordless_session: { email: string; url: string; expires_in_minutes: string };
  waitlist_confirmation: { email: string };
  email_change: { email: string; code: string; expires_in_minutes: string };
  /** An agent asks the recipient to claim it; `url` is the hosted claim page with the attempt's token. */
  agent_claim: { email: string; url: string; expires_in_minutes: string };
  /** An account's first sign-in from a device (radar); `location` is a country code or "an unknown place". */
  new_device: { email: string; device: string; ip_address: string; location: string; signed_in_at: string };
}
export type TemplateName = keyof TemplateVariables;
export const TEMPLATE_NAMES: readonly TemplateName[] = ['email_verification', 'magic_auth', 'password_reset', 'invitation', 'radar_challenge', 'passwordless_session', 'waitlist_confirmation', 'email_change', 'agent_claim', 'new_device'];

export interface Template {
  subject: string;
  text: string;
  html: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const DEFAULTS: Record<TemplateName, Template> = {
  email_verification: {
    subject: 'Verify your email address',
    text: 'Your email verification code is {{code}}.\n\nIt expires in {{expires_in_minutes}} minutes. If you did not ask for it, ignore this email.\n',
    html: '<p>Your email verification code is <strong>{{code}}</strong>.</p><p>It expires in {{expires_in_minutes}} minutes. If you did not ask for it, ignore this email.</p>',
  },
  magic_auth: {
    subject: 'Your sign-in code',
    text: 'Your sign-in code is {{code}}.\n\nIt expires in {{expires_in_minutes}} minutes. If you did not try to sign in, ignore this email.\n',
    html: '<p>Your sign-in code is <strong>{{code}}</strong>.</p><p>It expires in {{expires_in_minutes}} minutes. If you did not try to sign in, ignore this email.</p>',
  },
  password_reset: {
    subject: 'Reset your password',
    text: 'Someone asked to reset the password of {{email}}. Choose a new password here:\n\n{{url}}\n\nThe link expires in {{expires_in_minutes}} minutes and works once. If it was not you, ignore this email.\n',
    html: '<p>Someone asked to reset the password of {{email}}.</p><p><a href="{{url}}">Choose a new password</a></p><p>The link expires in {{expires_in_minutes}} minutes and works once. If it was not you, ignore this email.</p>',
  },
  invitation: {
    subject: 'You have been invited',
    text: '{{inviter}} invited {{email}} to join {{organization_id}}. Accept the invitation here:\n\n{{url}}\n\nThe invitation expires at {{expires_at}}.\n',
    html: '<p>{{inviter}} invited {{email}} to join {{organization_id}}.</p><p><a href="{{url}}">Accept the invitation</a></p><p>The invitation expires at {{expires_at}}.</p>',
  },
  radar_challenge: {
    subject: 'Confirm it is you signing in',
    text: 'We noticed an unusual sign-in to {{email}}. To continue, enter this code: {{code}}.\n\nIt expires in {{expires_in_minutes}} minutes. If it was not you, change your password.\n',
    html: '<p>We noticed an unusual sign-in to {{email}}. To continue, enter this code: <strong>{{code}}</strong>.</p><p>It expires in {{expires_in_minutes}} minutes. If it was not you, change your password.</p>',
  },
  passwordless_session: {
    subject: 'Your sign-in link',
    text: 'Sign in as {{email}} with this link:\n\n{{url}}\n\nIt works once and expires in {{expires_in_minutes}} minutes. If you did not try to sign in, ignore this email.\n',
    html: '<p>Sign in as {{email}}:</p><p><a href="{{url}}">Sign in</a></p><p>The link works once and expires in {{expires_in_minutes}} minutes. If you did not try to sign in, ignore this email.</p>',
  },
  waitlist_confirmation: {
    subject: 'You are on the waitlist',
    text: '{{email}} is on the waitlist. We will email you when your access is ready.\n',
    html: '<p>{{email}} is on the waitlist. We will email you when your access is ready.</p>',
  },
  email_change: {
    subject: 'Confirm your new email address',
    text: 'Someone asked to change an account\'s email address to {{email}}. To confirm, enter this code: {{code}}.\n\nIt expires in {{expires_in_minutes}} minutes. If it was not you, ignore this email: nothing changes without the code.\n',
    html: '<p>Someone asked to change an account\'s email address to {{email}}. To confirm, enter this code: <strong>{{code}}</strong>.</p><p>It expires in {{expires_in_minutes}} minutes. If it was not you, ignore this email: nothing changes without the code.</p>',
  },
  agent_claim: {
    subject: 'An AI agent asks you to claim it',
    text: 'An AI agent asked to be claimed by {{email}}. If you asked your agent to do this, open this link, sign in and read the code it shows back to your agent:\n\n{{url}}\n\nThe link expires in {{expires_in_minutes}} minutes. If you did not ask for it, ignore this email: the agent gets nothing without the code.\n',
    html: '<p>An AI agent asked to be claimed by {{email}}. If you asked your agent to do this, sign in and read the code shown back to your agent.</p><p><a href="{{url}}">Claim the agent</a></p><p>The link expires in {{expires_in_minutes}} minutes. If you did not ask for it, ignore this email: the agent gets nothing without the code.</p>',
  },
  new_device: {
    subject: 'New sign-in from a new device',
    text: '{{email}} was signed in to from a new device: {{device}}, from {{ip_address}} ({{location}}), at {{signed_in_at}}.\n\nIf it was you, there is nothing to do. If it was not, change your password now.\n',
    html: '<p>{{email}} was signed in to from a new device: {{device}}, from {{ip_address}} ({{location}}), at {{signed_in_at}}.</p><p>If it was you, there is nothing to do. If it was not, change your password now.</p>',
  },
};

/**
 * `{{name}}` placeholders. Invariant: values are HTML-escaped in the HTML body, so an email
 * address or name chosen by an attacker cannot inject markup into a mail we sign as ours.
 */
export class MailTemplates {
  private readonly templates: Record<TemplateName, Template>;

  /** Reads overrides from `dir` once at boot; a file that is missing keeps the built-in text. */
  constructor(dir = '') {
    this.templates = { ...DEFAULTS };
    if (!dir) return;
    for (const name of TEMPLATE_NAMES) {
      const read = (suffix: string) => {
        const file = join(dir, `${name}.${suffix}`);
        return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      };
      this.templates[name] = {
        subject: read('subject.txt')?.trim() ?? DEFAULTS[name].subject,
        text: read('text.txt') ?? DEFAULTS[name].text,
        html: read('html') ?? DEFAULTS[name].html,
      };
    }
  }

  render<T extends TemplateName>(name: T, vars: TemplateVariables[T]): RenderedEmail {
    const t = this.templates[name];
    const values = vars as unknown as Record<string, string>;
    const fill = (s: string, escape: (v: string) => string) =>
      s.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) => (key in values ? escape(values[key]!) : whole));
    // Subjects are one header line: no CR/LF from a variable may start another header.
    return { subject: fill(t.subject, (v) => v.replace(/[\r\n]+/g, ' ')), text: fill(t.text, (v) => v), html: fill(t.html, escapeHtml) };
  }
}

function escapeHtml(v: string): string {
  return v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
