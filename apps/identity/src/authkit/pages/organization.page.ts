import type { MessageKey } from '../i18n/messages';
import { csrfField, errorBox, h, layout, pageUrl, type PageContext } from './layout';

/** Organization selection: one radio per active membership, the first preselected. */
export function renderOrganization(ctx: PageContext, page: { organizations: Array<{ id: string; name: string }>; error?: MessageKey | null }): string {
  const t = ctx.t;
  const options = page.organizations
    .map((o, i) => `<div class="option"><input type="radio" id="org-${i}" name="organization_id" value="${h(o.id)}"${i === 0 ? ' checked' : ''}><label for="org-${i}">${h(o.name)}</label></div>`)
    .join('');
  const body = `<p class="lead">${h(t('org.body'))}</p>
<form method="post" action="${h(pageUrl(ctx, 'organization'))}">
${errorBox(ctx, page.error)}
<fieldset><legend>${h(t('org.legend'))}</legend>${options}</fieldset>
${csrfField(ctx)}
<button type="submit" class="primary">${h(t('common.continue'))}</button>
</form>`;
  return layout(ctx, { title: 'org.title', body });
}
