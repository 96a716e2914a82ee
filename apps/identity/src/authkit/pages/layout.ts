import { alertBox, csrfInput, field, pageDocument, type PageBrand } from '@wos/platform/pages';
import type { Locale, MessageKey, Translate } from '../i18n/messages';

export { DEFAULT_BRAND_COLOR, field, h, links } from '@wos/platform/pages';

/** What every page needs: the language, the environment's branding, the flow's CSRF token. */
export interface PageContext {
  t: Translate;
  locale: Locale;
  brand: PageBrand;
  /** The client the pages were opened for; every page URL carries it (the gateway resolves the environment from it). */
  clientId: string;
  /** The flow's CSRF token, put in every form; null on pages without a flow (error pages). */
  csrf: string | null;
  /** This response's CSP nonce for the one inline script (the password meter). */
  nonce: string;
}

/** A hosted page URL (relative: the browser talks to the gateway or the environment's own domain). */
export function pageUrl(ctx: Pick<PageContext, 'clientId'>, step: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: ctx.clientId, ...extra });
  return `/user_management/authorize${step ? `/${step}` : ''}?${q}`;
}

export function csrfField(ctx: PageContext): string {
  return csrfInput(ctx.csrf);
}

/** An inline error, announced to screen readers, tied to the form with aria-describedby by id `form-error`. */
export function errorBox(ctx: PageContext, error: MessageKey | null | undefined, vars?: Record<string, string>): string {
  return alertBox(error ? ctx.t(error, vars) : null);
}

export function layout(ctx: PageContext, p: { title: MessageKey; titleVars?: Record<string, string>; body: string; script?: string }): string {
  return pageDocument({
    locale: ctx.locale,
    brand: ctx.brand,
    title: ctx.t(p.title, p.titleVars),
    body: p.body,
    footer: ctx.t('footer.secured', { brand: ctx.brand.name }),
    nonce: ctx.nonce,
    script: p.script,
  });
}

export function codeField(ctx: PageContext, invalid: boolean): string {
  return field({ name: 'code', label: ctx.t('common.code'), autocomplete: 'one-time-code', invalid, hint: ctx.t('common.code_hint'), extra: 'inputmode="numeric" pattern="[0-9]{6}" maxlength="6" class="code"' });
}
