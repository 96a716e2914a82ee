import { csrfInput, h, pageDocument, type PageBrand } from '@wos/platform/pages';
import type { Locale, MessageKey, Translate } from '../i18n/messages';
import { portalPath } from '../../links/links.service';
import { PORTAL_INTENTS, type PortalIntent } from '../../portal-core/intents';

export { h };

/** What every portal page needs: language, branding, and (with a session) its organization, intents, CSRF token and links back. */
export interface PortalContext {
  t: Translate;
  locale: Locale;
  brand: PageBrand;
  nonce: string;
  session: {
    organizationId: string;
    organizationName: string;
    intents: PortalIntent[];
    csrf: string;
    returnUrl: string | null;
    successUrl: string | null;
    /** The page's intent is set up: the page offers success_url (before that, only return_url). */
    setupComplete: boolean;
  } | null;
}

/** A URL under the session's organization (`/portal/o/<org>/<rest>`). */
export const url = (ctx: PortalContext, rest: string) => `${portalPath(ctx.session!.organizationId)}/${rest}`;

export const csrf = (ctx: PortalContext) => csrfInput(ctx.session?.csrf ?? null);

/** A POST form with its CSRF token; `body` holds the fields and the button. */
export function form(ctx: PortalContext, action: string, body: string, label?: string, multipart = false): string {
  return `<form method="post" action="${h(url(ctx, action))}"${multipart ? ' enctype="multipart/form-data"' : ''}${label ? ` aria-label="${h(label)}"` : ''}>${csrf(ctx)}${body}</form>`;
}

export const button = (text: string, kind: 'primary' | 'secondary' = 'primary') => `<button type="submit" class="${kind}">${h(text)}</button>`;

/** A definition list of facts to copy (monospace values). */
export const facts = (rows: Array<[string, string]>) => `<dl class="facts">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd><code>${h(v)}</code></dd>`).join('')}</dl>`;

export function page(ctx: PortalContext, p: { title: MessageKey; body: string; current?: PortalIntent }): string {
  const s = ctx.session;
  const nav = s && s.intents.length > 1
    ? `<nav class="tabs" aria-label="${h(ctx.t('nav.label'))}">${PORTAL_INTENTS.filter((i) => s.intents.includes(i))
        .map((i) => `<a href="${h(url(ctx, i))}"${i === p.current ? ' aria-current="page"' : ''}>${h(ctx.t(`intent.${i}` as MessageKey))}</a>`)
        .join('')}</nav>`
    : '';
  const lead = s ? `<p class="lead">${h(ctx.t('portal.lead', { organization: s.organizationName }))}</p>` : '';
  // WorkOS's success_url is where the IT admin goes once the setup is done; return_url is the way
  // back at any time. So the success link shows only on a page whose intent is complete.
  const done = s?.setupComplete && s.successUrl
    ? `<p class="notice" role="status" id="setup-complete">${h(ctx.t('back.complete'))} <a id="success-link" href="${h(s.successUrl)}">${h(ctx.t('back.success'))}</a></p>`
    : '';
  const back = s?.returnUrl ? `<nav class="links" aria-label="${h(ctx.t('back.return'))}"><a id="return-link" href="${h(s.returnUrl)}">${h(ctx.t('back.return'))}</a></nav>` : '';
  return pageDocument({
    locale: ctx.locale,
    brand: ctx.brand,
    title: ctx.t(p.title),
    body: `${lead}${nav}${done}${p.body}${back}`,
    footer: ctx.t('footer.secured', { brand: ctx.brand.name }),
    width: 720,
  });
}

export function notice(ctx: PortalContext, body: MessageKey): string {
  return page(ctx, { title: 'error.title', body: `<p class="error" role="alert">${h(ctx.t(body))}</p>` });
}
