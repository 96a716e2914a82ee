import type { MessageKey } from '../i18n/messages';
import { passwordScore } from '../passwords/password-strength';
import { MIN_PASSWORD_LENGTH } from '../passwords/password-policy';
import { csrfField, errorBox, field, h, layout, links, pageUrl, type PageContext } from './layout';

/*
 * Progressive enhancement: without JavaScript the form still posts and the server's check
 * decides; with it, the meter follows what is typed. The scoring function is the server's own
 * (its compiled source), so the two never disagree.
 */
const METER_SCRIPT = `(function(){var score=${passwordScore.toString()};
var input=document.querySelector('input[data-strength]');var meter=document.getElementById('strength-meter');var text=document.getElementById('strength-text');
if(!input||!meter||!text)return;var labels=JSON.parse(meter.getAttribute('data-labels'));
input.addEventListener('input',function(){var s=input.value?score(input.value):0;meter.value=input.value?s+1:0;text.textContent=input.value?labels[s]:'';});})();`;

/** A new-password field with its strength meter (an ARIA live region says the verdict). */
export function newPasswordField(ctx: PageContext, name: string, label: MessageKey, invalid: boolean): string {
  const t = ctx.t;
  const labels = [0, 1, 2, 3, 4].map((i) => t(`password.strength.${i}` as MessageKey));
  return `${field({ name, label: t(label), type: 'password', autocomplete: 'new-password', invalid, hint: t('password.rules'), extra: `data-strength minlength="${MIN_PASSWORD_LENGTH}"` })}
<div class="meter"><meter id="strength-meter" min="0" max="5" low="2" high="4" optimum="5" value="0" aria-label="${h(t('password.strength'))}" data-labels="${h(JSON.stringify(labels))}"></meter><span id="strength-text" aria-live="polite"></span></div>`;
}

export const meterScript = METER_SCRIPT;

export function renderForgotPassword(ctx: PageContext, page: { email?: string; error?: MessageKey | null }): string {
  const t = ctx.t;
  const body = `<p class="lead">${h(t('forgot.body'))}</p>
<form method="post" action="${h(pageUrl(ctx, 'forgot-password'))}" novalidate>
${errorBox(ctx, page.error)}
${field({ name: 'email', label: t('common.email'), type: 'email', value: page.email, autocomplete: 'username', invalid: Boolean(page.error) })}
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('forgot.submit'))}</button>
</form>
${links([[pageUrl(ctx, 'sign-in'), t('common.back_to_sign_in')]])}`;
  return layout(ctx, { title: 'forgot.title', body });
}

export function renderResetPassword(ctx: PageContext, page: { token: string; error?: MessageKey | null }): string {
  const t = ctx.t;
  const body = `<form method="post" action="${h(pageUrl(ctx, 'reset-password'))}" novalidate>
${errorBox(ctx, page.error)}
${newPasswordField(ctx, 'password', 'reset.new_password', Boolean(page.error))}
<input type="hidden" name="token" value="${h(page.token)}">
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('reset.submit'))}</button>
</form>`;
  return layout(ctx, { title: 'reset.title', body, script: METER_SCRIPT });
}
