import { button, form, h, page, type PortalContext } from './layout';

/** A SAML certificate as the sso service lists it (`GET /connections/:id/certificates`). */
export interface CertificateView {
  certificate_type: 'ResponseSigning' | 'RequestSigning' | 'ResponseEncryption';
  fingerprint: string;
  subject: string;
  expiry_date: string;
  is_expired: boolean;
  days_until_expiry: number;
}

/**
 * Certificate renewal: each certificate of the organization's SAML connection with its expiry,
 * a form for the IdP's new signing certificate (added beside the old one, so sign-ins keep
 * working during the IdP's rollover), and removal of an old one (never the last).
 */
export function certificatesPage(ctx: PortalContext, certs: CertificateView[] | null): string {
  const t = ctx.t;
  if (!certs) return page(ctx, { title: 'intent.certificate_renewal', current: 'certificate_renewal', body: `<p>${h(t('cert.none'))}</p>` });
  const idp = certs.filter((c) => c.certificate_type === 'ResponseSigning');
  const rows = certs
    .map((c) => {
      const date = c.expiry_date.slice(0, 10);
      const status = c.is_expired ? `<strong class="error">${h(t('cert.expired'))}</strong>` : h(t('cert.days_left', { days: String(c.days_until_expiry) }));
      const remove = c.certificate_type === 'ResponseSigning' && idp.length > 1
        ? form(ctx, `certificate_renewal/${c.fingerprint}/delete`, button(t('cert.remove'), 'secondary'), `${t('cert.remove')} ${c.subject}`)
        : '';
      return `<tr><td>${h(t(c.certificate_type === 'ResponseSigning' ? 'cert.type_idp' : 'cert.type_sp'))}</td><td><code>${h(c.subject)}</code><br><code class="hint">${h(c.fingerprint.slice(0, 16))}…</code></td><td>${h(date)}</td><td>${status}</td><td>${remove}</td></tr>`;
    })
    .join('');
  const table = `<div class="table"><table><caption>${h(t('cert.heading'))}</caption><thead><tr><th scope="col">${h(t('cert.type'))}</th><th scope="col">${h(t('cert.subject'))}</th><th scope="col">${h(t('cert.expiry'))}</th><th scope="col">${h(t('cert.status'))}</th><th scope="col"><span class="visually-hidden">${h(t('cert.actions'))}</span></th></tr></thead><tbody>${rows}</tbody></table></div>`;
  const upload = form(
    ctx,
    'certificate_renewal/certificate',
    `<div><label for="f-cert">${h(t('cert.new'))}</label><textarea id="f-cert" name="certificate" required maxlength="16384" aria-describedby="f-cert-hint"></textarea><p class="hint" id="f-cert-hint">${h(t('cert.renew'))}</p></div>${button(t('cert.upload'))}`,
  );
  return page(ctx, { title: 'intent.certificate_renewal', current: 'certificate_renewal', body: `${table}${upload}` });
}
