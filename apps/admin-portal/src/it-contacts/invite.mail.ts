import { h } from '@wos/platform/pages';
import type { RenderedEmail } from '@wos/platform/mail';

const NAMES: Record<string, string> = {
  sso: 'single sign-on (SSO)',
  dsync: 'Directory Sync',
  audit_logs: 'audit logs',
  certificate_renewal: 'SAML certificate renewal',
  log_streams: 'audit log streams',
  domain_verification: 'domain verification',
  bring_your_own_key: 'bring your own key (BYOK)',
};

/** The IT contact's invitation: which setup, for which organization, and the link (valid until `expires`). */
export function renderInvite(p: { organization: string; intents: string[]; link: string; expires: Date }): RenderedEmail {
  const what = p.intents.map((i) => NAMES[i] ?? i).join(', ');
  const until = p.expires.toUTCString();
  return {
    subject: `Set up ${what} for ${p.organization}`,
    text: `You were asked to set up ${what} for ${p.organization}.\n\nOpen the Admin Portal:\n${p.link}\n\nThe link works once, until ${until}.\n`,
    html: `<p>You were asked to set up ${h(what)} for <strong>${h(p.organization)}</strong>.</p><p><a href="${h(p.link)}">Open the Admin Portal</a></p><p>The link works once, until ${h(until)}.</p>`,
  };
}
