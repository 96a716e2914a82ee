import type { MessageKey } from '../i18n/messages';
import { csrfField, errorBox, field, h, layout, links, pageUrl, type PageContext } from './layout';
import { meterScript, newPasswordField } from './password.page';

export interface SignUpPage {
  email?: string;
  firstName?: string;
  lastName?: string;
  error?: MessageKey | null;
  /** An invitation's sign-up: the email is the invitation's and cannot be changed. */
  invitation?: { organizationName: string; email: string } | null;
}

export function renderSignUp(ctx: PageContext, page: SignUpPage): string {
  const t = ctx.t;
  const invited = page.invitation;
  const lead = invited ? t('invite.body', { organization: invited.organizationName }) : t('sign_up.lead', { brand: ctx.brand.name });
  const body = `<p class="lead">${h(lead)}</p>
<form method="post" action="${h(pageUrl(ctx, 'sign-up'))}" novalidate>
${errorBox(ctx, page.error)}
${field({ name: 'first_name', label: t('sign_up.first_name'), value: page.firstName, autocomplete: 'given-name', required: false })}
${field({ name: 'last_name', label: t('sign_up.last_name'), value: page.lastName, autocomplete: 'family-name', required: false })}
${field({ name: 'email', label: t('common.email'), type: 'email', value: invited?.email ?? page.email, autocomplete: 'email', readonly: Boolean(invited), invalid: page.error === 'sign_up.error.exists' })}
${newPasswordField(ctx, 'password', 'common.password', Boolean(page.error?.startsWith('password.')))}
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('sign_up.submit'))}</button>
</form>
${links([[pageUrl(ctx, 'sign-in'), invited ? t('invite.sign_in') : `${t('sign_up.have_account')} ${t('sign_in.title')}`]])}`;
  return layout(ctx, { title: invited ? 'invite.title' : 'sign_up.title', body, script: meterScript });
}

/** Waitlist policy: the sign-up page collects an email for the waitlist instead. */
export function renderWaitlist(ctx: PageContext, page: { email?: string; error?: MessageKey | null }): string {
  const t = ctx.t;
  const body = `<p class="lead">${h(t('waitlist.body'))}</p>
<form method="post" action="${h(pageUrl(ctx, 'sign-up'))}" novalidate>
${errorBox(ctx, page.error)}
${field({ name: 'email', label: t('common.email'), type: 'email', value: page.email, autocomplete: 'email', invalid: Boolean(page.error) })}
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('waitlist.submit'))}</button>
</form>
${links([[pageUrl(ctx, 'sign-in'), t('common.back_to_sign_in')]])}`;
  return layout(ctx, { title: 'waitlist.title', body });
}
