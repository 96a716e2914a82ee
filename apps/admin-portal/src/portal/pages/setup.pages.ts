import { directoryTypeSchema } from '@wos/contracts';
import type { MessageKey } from '../i18n/messages';
import { button, facts, form, h, page, type PortalContext } from './layout';

export interface DirectoryView {
  id: string;
  state: string;
  type: string;
}
export interface DomainView {
  id: string;
  domain: string;
  state: string;
  verification_token?: string | null;
  verification_prefix?: string | null;
}

const SCIM_TYPES = directoryTypeSchema.options.filter((t) => t.includes('scim'));

/** Directory Sync: create the directory, then its SCIM base URL, the token (only right after it was minted) and rotation. */
export function dsyncPage(ctx: PortalContext, p: { directory: DirectoryView | null; baseUrl: string | null; token: string | null }): string {
  const t = ctx.t;
  if (!p.directory) {
    const options = SCIM_TYPES.map((type) => `<option value="${h(type)}">${h(type)}</option>`).join('');
    return page(ctx, { title: 'intent.dsync', current: 'dsync', body: `<h2>${h(t('dsync.heading'))}</h2>${form(ctx, 'dsync/directory', `<div><label for="f-dtype">${h(t('dsync.type'))}</label><select id="f-dtype" name="type">${options}</select></div>${button(t('dsync.create'))}`)}` });
  }
  const d = p.directory;
  const token = p.token
    ? `${facts([[t('dsync.token'), p.token]])}<p class="notice warn" role="status">${h(t('dsync.token_once'))}</p>`
    : `<p class="hint">${h(t('dsync.token_hidden'))}</p>`;
  return page(ctx, {
    title: 'intent.dsync',
    current: 'dsync',
    body: `<p>${h(t('dsync.state', { id: d.id, state: d.state }))}</p>${facts([[t('dsync.base_url'), p.baseUrl ?? '']])}${token}${form(ctx, 'dsync/rotate', button(t('dsync.rotate'), 'secondary'))}`,
  });
}

/** Domain verification: each domain with the TXT record to publish and "verify now"; a form to add one. */
export function domainsPage(ctx: PortalContext, domains: DomainView[]): string {
  const t = ctx.t;
  const rows = domains
    .map((d) => {
      const record = d.state !== 'verified' && d.verification_token
        ? `<p>${h(t('domains.record'))}</p>${facts([[t('domains.record_name'), `${d.verification_prefix ?? ''}.${d.domain}`], [t('domains.record_value'), d.verification_token]])}${form(ctx, `domain_verification/${encodeURIComponent(d.id)}/verify`, button(t('domains.verify'), 'secondary'), d.domain)}`
        : '';
      return `<section class="notice"><p><strong>${h(t('domains.state', { domain: d.domain, state: d.state }))}</strong></p>${record}</section>`;
    })
    .join('');
  const add = form(ctx, 'domain_verification/domain', `<div><label for="f-domain">${h(t('domains.domain'))}</label><input id="f-domain" name="domain" type="text" required maxlength="253" autocomplete="off"></div>${button(t('domains.add'))}`);
  return page(ctx, { title: 'intent.domain_verification', current: 'domain_verification', body: `<h2>${h(t('domains.heading'))}</h2>${rows || `<p>${h(t('domains.none'))}</p>`}${add}` });
}

/** The intents this portal shows as a short, honest status page (certificate renewal, BYOK, audit logs, log streams). */
export function statusPage(ctx: PortalContext, intent: 'certificate_renewal' | 'bring_your_own_key' | 'audit_logs' | 'log_streams', lines: MessageKey[]): string {
  return page(ctx, { title: `intent.${intent}` as MessageKey, current: intent, body: lines.map((l) => `<p>${h(ctx.t(l))}</p>`).join('') });
}
