import type { MessageKey } from '../authkit/i18n/messages';
import { csrfField, errorBox, field, h, layout, pageUrl, type PageContext } from '../authkit/pages/layout';

/** The verification page's path below /user_management/authorize (the verification_uri). */
export const VERIFY_PAGE = 'verify-device';

/** Step 1: the user code (prefilled from verification_uri_complete), then continue to sign in, or deny. */
export function renderDeviceEntry(ctx: PageContext, page: { userCode?: string; error?: MessageKey | null }): string {
  const t = ctx.t;
  const body = `<p class="lead">${h(t('device.lead'))}</p>
<form method="post" action="${h(pageUrl(ctx, VERIFY_PAGE))}" novalidate>
${errorBox(ctx, page.error)}
${field({ name: 'user_code', label: t('device.code'), value: page.userCode, autocomplete: 'off', invalid: Boolean(page.error), hint: t('device.code_hint'), extra: 'maxlength="12" class="code" autocapitalize="characters"' })}
${csrfField(ctx)}
<button type="submit" name="action" value="continue" class="primary">${h(t('common.continue'))}</button>
<button type="submit" name="action" value="deny" class="secondary">${h(t('device.deny'))}</button>
</form>`;
  return layout(ctx, { title: 'device.title', body });
}

/** Step 2, after sign-in: who is signed in, which code, allow or deny. */
export function renderDeviceApproval(ctx: PageContext, page: { email: string; userCode: string }): string {
  const t = ctx.t;
  const body = `<p class="lead">${h(t('device.approve.lead', { email: page.email, code: page.userCode }))}</p>
<form method="post" action="${h(pageUrl(ctx, `${VERIFY_PAGE}/approve`))}">
${csrfField(ctx)}
<button type="submit" name="decision" value="approve" class="primary">${h(t('device.approve'))}</button>
<button type="submit" name="decision" value="deny" class="secondary">${h(t('device.deny'))}</button>
</form>`;
  return layout(ctx, { title: 'device.approve.title', body });
}
