import type { MessageKey } from '../i18n/messages';
import { codeField, csrfField, errorBox, h, layout, pageUrl, type PageContext } from './layout';

/** TOTP enrolment: the QR code (an SVG data URL made here), the key as text, the first code. */
export function renderMfaEnroll(ctx: PageContext, page: { qrDataUrl: string; secret: string; error?: MessageKey | null }): string {
  const t = ctx.t;
  const grouped = page.secret.replace(/(.{4})/g, '$1 ').trim();
  const body = `<p class="lead">${h(t('mfa.enroll.body'))}</p>
<img class="qr" src="${h(page.qrDataUrl)}" alt="${h(t('mfa.enroll.qr_alt'))}" width="200" height="200">
<p class="hint">${h(t('mfa.enroll.secret'))}</p>
<p class="secret">${h(grouped)}</p>
<form method="post" action="${h(pageUrl(ctx, 'mfa/enroll'))}" novalidate>
${errorBox(ctx, page.error)}
${codeField(ctx, Boolean(page.error))}
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('common.continue'))}</button>
</form>`;
  return layout(ctx, { title: 'mfa.enroll.title', body });
}
