import type { MessageKey } from '../authkit/i18n/messages';
import { csrfField, errorBox, h, layout, pageUrl, type PageContext } from '../authkit/pages/layout';
import { CLAIM_PAGE } from './agent-claims.service';

/** Step 1 (the emailed link): what is asked, then continue to sign in. */
export function renderClaimIntro(ctx: PageContext, page: { email: string }): string {
  const t = ctx.t;
  const body = `<p class="lead">${h(t('agent_claim.lead', { email: page.email }))}</p>
<form method="post" action="${h(pageUrl(ctx, CLAIM_PAGE))}">
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('common.continue'))}</button>
</form>`;
  return layout(ctx, { title: 'agent_claim.title', body });
}

/** Step 2, after sign-in: who is signed in, the organization (a choice when several), claim. */
export function renderClaimConfirm(ctx: PageContext, page: { email: string; organizations: Array<{ id: string; name: string }>; error?: MessageKey | null }): string {
  const t = ctx.t;
  const choice =
    page.organizations.length > 1
      ? `<fieldset><legend>${h(t('agent_claim.organization'))}</legend>${page.organizations
          .map((o, i) => `<div class="option"><input type="radio" id="org-${i}" name="organization_id" value="${h(o.id)}"${i === 0 ? ' checked' : ''}><label for="org-${i}">${h(o.name)}</label></div>`)
          .join('')}</fieldset>`
      : '';
  const body = `<p class="lead">${h(t('agent_claim.confirm.lead', { email: page.email }))}</p>
<form method="post" action="${h(pageUrl(ctx, `${CLAIM_PAGE}/confirm`))}">
${errorBox(ctx, page.error)}
${choice}
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('agent_claim.confirm'))}</button>
</form>`;
  return layout(ctx, { title: 'agent_claim.confirm.title', body });
}

/** Step 3: the user code, shown once, for the human to read back to the agent. */
export function renderClaimCode(ctx: PageContext, page: { userCode: string; minutes: string }): string {
  const t = ctx.t;
  const body = `<p class="lead">${h(t('agent_claim.code.lead', { code: page.userCode, minutes: page.minutes }))}</p>
<p class="code" data-user-code>${h(page.userCode)}</p>`;
  return layout(ctx, { title: 'agent_claim.code.title', body });
}
