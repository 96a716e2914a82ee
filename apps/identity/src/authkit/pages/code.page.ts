import type { MessageKey } from '../i18n/messages';
import { codeField, csrfField, errorBox, h, layout, links, pageUrl, type PageContext } from './layout';

/** The code-entry steps: email verification, an emailed sign-in code, a TOTP challenge, radar's emailed challenge. */
export type CodeStep = 'verify-email' | 'magic' | 'mfa' | 'radar';

const TEXT: Record<CodeStep, { title: MessageKey; body: MessageKey; action: string }> = {
  'verify-email': { title: 'verify.title', body: 'verify.body', action: 'verify-email' },
  magic: { title: 'magic.title', body: 'magic.body', action: 'magic/code' },
  mfa: { title: 'mfa.challenge.title', body: 'mfa.challenge.body', action: 'mfa' },
  radar: { title: 'radar.title', body: 'radar.body', action: 'radar' },
};

export function renderCode(ctx: PageContext, page: { step: CodeStep; email?: string; error?: MessageKey | null }): string {
  const t = ctx.t;
  const text = TEXT[page.step];
  const resend =
    page.step === 'verify-email'
      ? `<form method="post" action="${h(pageUrl(ctx, 'verify-email/resend'))}">${csrfField(ctx)}<button type="submit" class="secondary">${h(t('verify.resend'))}</button></form>`
      : '';
  const body = `<p class="lead">${h(t(text.body, { email: page.email ?? '' }))}</p>
<form method="post" action="${h(pageUrl(ctx, text.action))}" novalidate>
${errorBox(ctx, page.error)}
${codeField(ctx, Boolean(page.error))}
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('common.continue'))}</button>
</form>
${resend}
${links([[pageUrl(ctx, 'sign-in'), t('common.back_to_sign_in')]])}`;
  return layout(ctx, { title: text.title, body });
}
