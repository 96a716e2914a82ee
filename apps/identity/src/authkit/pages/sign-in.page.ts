import type { MessageKey } from '../i18n/messages';
import { providerLogo } from './provider-logos';
import { csrfField, errorBox, field, h, layout, links, pageUrl, type PageContext } from './layout';

export interface SignInPage {
  email?: string;
  error?: MessageKey | null;
  /** The environment's OAuth provider connections (GoogleOAuth, …) shown as buttons. */
  providers: string[];
  /** False when sign-up is closed and there is no invitation (the link is hidden). */
  signUpLink: boolean;
}

/** Password sign-in, with the other ways in: OAuth providers, an emailed code, SSO, sign-up, reset. */
export function renderSignIn(ctx: PageContext, page: SignInPage): string {
  const t = ctx.t;
  const providers = page.providers
    .map((type) => ({ type, logo: providerLogo(type) }))
    .filter((p) => p.logo)
    .map((p) => `<button type="submit" class="provider" name="provider" value="${h(p.type)}">${p.logo!.svg}<span>${h(t('sign_in.provider', { provider: p.logo!.label }))}</span></button>`)
    .join('');
  const providerForm = providers
    ? `<form method="post" action="${h(pageUrl(ctx, 'provider'))}">${csrfField(ctx)}${providers}</form><p class="divider">${h(t('common.or'))}</p>`
    : '';
  const body = `<p class="lead">${h(t('sign_in.heading', { brand: ctx.brand.name }))}</p>
${providerForm}
<form method="post" action="${h(pageUrl(ctx, 'password'))}" novalidate>
${errorBox(ctx, page.error)}
${field({ name: 'email', label: t('common.email'), type: 'email', value: page.email, autocomplete: 'username', invalid: Boolean(page.error) })}
${field({ name: 'password', label: t('common.password'), type: 'password', autocomplete: 'current-password', invalid: Boolean(page.error) })}
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('common.continue'))}</button>
<button type="submit" class="secondary" formaction="${h(pageUrl(ctx, 'magic'))}">${h(t('sign_in.magic'))}</button>
</form>
${links([
  [pageUrl(ctx, 'forgot-password'), t('sign_in.forgot')],
  [pageUrl(ctx, 'sso'), t('sign_in.sso')],
  ...(page.signUpLink ? ([[pageUrl(ctx, 'sign-up'), `${t('sign_in.no_account')} ${t('sign_in.sign_up')}`]] as Array<[string, string]>) : []),
])}`;
  return layout(ctx, { title: 'sign_in.title', body });
}

/** Single sign-on by email domain. */
export function renderSso(ctx: PageContext, page: { email?: string; error?: MessageKey | null }): string {
  const t = ctx.t;
  const body = `<p class="lead">${h(t('sso.body'))}</p>
<form method="post" action="${h(pageUrl(ctx, 'sso'))}" novalidate>
${errorBox(ctx, page.error)}
${field({ name: 'email', label: t('common.email'), type: 'email', value: page.email, autocomplete: 'username', invalid: Boolean(page.error) })}
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('common.continue'))}</button>
</form>
${links([[pageUrl(ctx, 'sign-in'), t('common.back_to_sign_in')]])}`;
  return layout(ctx, { title: 'sso.title', body });
}

/** A password or code sign-in refused with sso_required: the organization signs in through its IdP. */
export function renderSsoRequired(ctx: PageContext, page: { email: string }): string {
  const t = ctx.t;
  const body = `<p class="lead">${h(t('sso_required.body', { email: page.email }))}</p>
<form method="post" action="${h(pageUrl(ctx, 'sso-required'))}">
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('sso_required.continue'))}</button>
</form>
${links([[pageUrl(ctx, 'sign-in'), t('common.back_to_sign_in')]])}`;
  return layout(ctx, { title: 'sso_required.title', body });
}
