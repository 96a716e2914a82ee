import type { MessageKey } from '../i18n/messages';
import { button, facts, form, h, page, type PortalContext } from './layout';

/** A BYOK key as vault's `/vault/v1/byok/keys` answers it (no key material, ever). */
export interface ByokKeyView {
  id: string;
  organization_id: string;
  key_provider: 'LOCAL' | 'PKCS11';
  key_label: string | null;
  key_check_value: string;
  state: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
}

export const BYOK_PROVIDERS = ['LOCAL', 'PKCS11'] as const;

const day = (iso: string) => `<time datetime="${h(iso)}">${h(iso.replace('T', ' ').slice(0, 16))}</time>`;

/**
 * Bring your own key: the organization's active key (provider, check value) with a revoke form
 * that must be confirmed, or — with none active — the form to bring one; and the revoked keys.
 * `notice` is the outcome of the form just sent.
 */
export function byokPage(ctx: PortalContext, keys: ByokKeyView[], notice?: { key: MessageKey; vars?: Record<string, string> }): string {
  const t = ctx.t;
  const active = keys.find((k) => k.state === 'active');
  const revoked = keys.filter((k) => k.state === 'revoked');
  const status = notice ? `<p class="notice" role="status">${h(t(notice.key, notice.vars))}</p>` : '';
  const current = active ? activeSection(ctx, active) : `<p id="byok-state">${h(t('byok.none'))}</p>${bringForm(ctx)}`;
  const history = revoked.length
    ? `<h2>${h(t('byok.history'))}</h2><div class="table"><table id="byok-history"><thead><tr><th scope="col">${h(t('byok.provider'))}</th><th scope="col">${h(t('byok.check_value'))}</th><th scope="col">${h(t('byok.created'))}</th><th scope="col">${h(t('byok.revoked_at'))}</th></tr></thead><tbody>${revoked
        .map((k) => `<tr><td>${h(t(`byok.provider.${k.key_provider}` as MessageKey))}</td><td><code>${h(k.key_check_value)}</code></td><td>${day(k.created_at)}</td><td>${k.revoked_at ? day(k.revoked_at) : ''}</td></tr>`)
        .join('')}</tbody></table></div>`
    : '';
  return page(ctx, { title: 'intent.bring_your_own_key', current: 'bring_your_own_key', body: `<h2>${h(t('byok.heading'))}</h2><p>${h(t('byok.intro'))}</p>${status}${current}${history}` });
}

function activeSection(ctx: PortalContext, k: ByokKeyView): string {
  const t = ctx.t;
  const rows: Array<[string, string]> = [
    [t('byok.provider'), t(`byok.provider.${k.key_provider}` as MessageKey)],
    ...(k.key_label ? [[t('byok.key_label'), k.key_label] as [string, string]] : []),
    [t('byok.check_value'), k.key_check_value],
    [t('byok.created'), k.created_at],
  ];
  const revoke = form(
    ctx,
    `bring_your_own_key/${encodeURIComponent(k.id)}/revoke`,
    `<p class="notice warn" id="byok-revoke-warning">${h(t('byok.revoke_warning'))}</p>` +
      `<div class="option"><input id="f-confirm" name="confirm" type="checkbox" value="yes" required aria-describedby="byok-revoke-warning"><label for="f-confirm">${h(t('byok.revoke_confirm'))}</label></div>` +
      button(t('byok.revoke'), 'secondary'),
    t('byok.revoke_heading'),
  );
  return `<p id="byok-state" class="ok">${h(t('byok.active'))}</p>${facts(rows)}<h2>${h(t('byok.revoke_heading'))}</h2>${revoke}`;
}

function bringForm(ctx: PortalContext): string {
  const t = ctx.t;
  const providers = BYOK_PROVIDERS.map(
    (p, i) => `<div class="option"><input id="f-provider-${p}" name="key_provider" type="radio" value="${p}"${i === 0 ? ' checked' : ''}><label for="f-provider-${p}">${h(t(`byok.provider.${p}` as MessageKey))}</label></div>`,
  ).join('');
  return `<h2>${h(t('byok.add_heading'))}</h2>${form(
    ctx,
    'bring_your_own_key/key',
    `<fieldset><legend>${h(t('byok.provider'))}</legend>${providers}</fieldset>` +
      `<div><label for="f-material">${h(t('byok.material'))}</label><input id="f-material" name="key_material" type="password" maxlength="64" autocomplete="off" spellcheck="false" aria-describedby="f-material-hint"><p class="hint" id="f-material-hint">${h(t('byok.material_hint'))}</p></div>` +
      `<div><label for="f-label">${h(t('byok.key_label'))}</label><input id="f-label" name="key_label" type="text" maxlength="128" autocomplete="off" spellcheck="false" aria-describedby="f-label-hint"><p class="hint" id="f-label-hint">${h(t('byok.key_label_hint'))}</p></div>` +
      button(t('byok.add')),
    t('byok.add_heading'),
  )}`;
}
