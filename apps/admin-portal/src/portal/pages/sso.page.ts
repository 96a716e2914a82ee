import { OIDC_TYPES } from '@wos/contracts';
import type { SsoTestResult } from '../../generated/prisma/client';
import type { SsoQuirk } from '../../portal-core/sso-checks';
import type { MessageKey } from '../i18n/messages';
import type { ConnectionView, SpView, TestReport } from '../sso/portal-sso.service';
import { PORTAL_SSO_TYPES } from '../sso/portal-sso.service';
import { button, facts, form, h, page, url, type PortalContext } from './layout';

/** The SSO page: the connection form, or our SP details with the test and delete buttons. */
export function ssoPage(ctx: PortalContext, p: { connection: ConnectionView | null; sp: SpView | null; oidcRedirectUri: string; last: SsoTestResult | null; preselect: string | null }): string {
  const t = ctx.t;
  if (!p.connection) {
    const options = PORTAL_SSO_TYPES.map((type) => `<option value="${h(type)}"${type === p.preselect ? ' selected' : ''}>${h(type)}</option>`).join('');
    const body = `<h2>${h(t('sso.heading'))}</h2>${form(ctx, 'sso/connection', `
<div><label for="f-type">${h(t('sso.type'))}</label><select id="f-type" name="connection_type" aria-describedby="f-type-hint">${options}</select><p class="hint" id="f-type-hint">${h(t('sso.type_hint'))}</p></div>
<div><label for="f-xml">${h(t('sso.metadata_xml'))}</label><textarea id="f-xml" name="metadata_xml" maxlength="524288" aria-describedby="f-xml-hint"></textarea><p class="hint" id="f-xml-hint">${h(t('sso.metadata_xml_hint'))}</p></div>
<div><label for="f-file">${h(t('sso.metadata_file'))}</label><input id="f-file" name="metadata_file" type="file" accept=".xml,application/xml,text/xml,application/samlmetadata+xml" aria-describedby="f-file-hint"><p class="hint" id="f-file-hint">${h(t('sso.metadata_file_hint'))}</p></div>
<div><label for="f-url">${h(t('sso.metadata_url'))}</label><input id="f-url" name="metadata_url" type="url" maxlength="2048" aria-describedby="f-url-hint"><p class="hint" id="f-url-hint">${h(t('sso.metadata_url_hint'))}</p></div>
<fieldset><legend>OpenID Connect</legend><p class="hint">${h(t('sso.oidc_hint'))}</p>${facts([[t('sso.redirect_uri'), p.oidcRedirectUri]])}
<div><label for="f-disc">${h(t('sso.oidc_discovery'))}</label><input id="f-disc" name="discovery_url" type="url" maxlength="2048"></div>
<div><label for="f-cid">${h(t('sso.oidc_client_id'))}</label><input id="f-cid" name="client_id" type="text" maxlength="512"></div>
<div><label for="f-cs">${h(t('sso.oidc_client_secret'))}</label><input id="f-cs" name="client_secret" type="password" maxlength="4096" autocomplete="off"></div></fieldset>
${button(t('sso.save'))}`, undefined, true)}`;
    return page(ctx, { title: 'intent.sso', current: 'sso', body });
  }
  const c = p.connection;
  // The certificates an IT admin uploads to the IdP when the connection signs requests or wants encrypted assertions.
  const certificate = (id: string, label: MessageKey, hint: MessageKey, pem: string | null) =>
    pem ? `<h3 id="${id}-label">${h(t(label))}</h3><p class="hint">${h(t(hint))}</p><pre id="${id}" aria-labelledby="${id}-label">${h(pem.trim())}</pre>` : '';
  const sp = p.sp
    ? `<h2>${h(t('sso.sp_heading'))}</h2><p>${h(t('sso.sp_lead'))}</p>${facts([[t('sso.acs_url'), p.sp.acs_url], [t('sso.entity_id'), p.sp.entity_id], [t('sso.metadata_link'), p.sp.metadata_url]])}` +
      certificate('sp-signing-certificate', 'sso.signing_certificate', 'sso.signing_certificate_hint', p.sp.signing_certificate) +
      certificate('sp-encryption-certificate', 'sso.encryption_certificate', 'sso.encryption_certificate_hint', p.sp.encryption_certificate)
    : '';
  // An OIDC IdP needs our redirect URI registered for the client (the SAML details have no equivalent).
  const oidc = !p.sp && OIDC_TYPES.includes(c.connection_type as never)
    ? `<h2>${h(t('sso.sp_heading'))}</h2><p>${h(t('sso.oidc_redirect_lead'))}</p>${facts([[t('sso.redirect_uri'), p.oidcRedirectUri]])}`
    : '';
  const last = p.last ? `<p>${h(t('sso.last_test', { outcome: p.last.outcome, when: p.last.createdAt.toISOString() }))}</p>` : '';
  const body = `<p>${h(t('sso.connection', { id: c.id, type: c.connection_type, state: c.state }))}</p>${sp}${oidc}${last}
${form(ctx, 'sso/test', `<p class="hint">${h(t('sso.test_hint'))}</p>${button(t('sso.test'))}`)}
${form(ctx, 'sso/delete', button(t('sso.delete'), 'secondary'))}`;
  return page(ctx, { title: 'intent.sso', current: 'sso', body });
}

/** The self-test's result: outcome, checks, attributes received, and the IdP quirks with their fixes. */
export function ssoResultPage(ctx: PortalContext, result: SsoTestResult): string {
  const t = ctx.t;
  const r = result.report as TestReport;
  const mark = (ok: boolean | undefined) => (ok ? `<span class="ok">${h(t('result.ok'))}</span>` : `<span class="error">${h(t('result.missing'))}</span>`);
  /** A check the test could not reach (the sign-in was refused before it) reads "not checked". */
  const checked = (ok: boolean | undefined, shown: string) => (ok === undefined ? `<span>${h(t('result.not_checked'))}</span>` : shown);
  const clock = r.clock === false ? `<span class="error">${h(t('result.clock_bad'))}</span>` : `<span class="ok">${h(t('result.clock_ok'))}</span>`;
  const checks = `<h2>${h(t('result.checks'))}</h2><table><tbody>
<tr><th scope="row">${h(t('result.check.email'))}</th><td id="check-email">${checked(r.email, mark(r.email))}</td></tr>
<tr><th scope="row">${h(t('result.check.name'))}</th><td id="check-name">${checked(r.name, mark(r.name))}</td></tr>
<tr><th scope="row">${h(t('result.check.clock'))}</th><td id="check-clock">${checked(r.clock, clock)}</td></tr></tbody></table>`;
  const outcome = r.error
    ? `<p class="error" role="alert">${h(t('result.failed', { reason: r.error }))}</p>`
    : `<p class="ok" role="status">${h(t('result.passed'))}</p>`;
  let details = '';
  if (r.profile) {
    const attributes = Object.entries({ idp_id: r.profile.idp_id, email: r.profile.email, first_name: r.profile.first_name, last_name: r.profile.last_name, ...(r.profile.groups ? { groups: r.profile.groups } : {}), ...r.profile.raw_attributes })
      .map(([k, v]) => `<tr><th scope="row">${h(k)}</th><td><code>${h(Array.isArray(v) ? v.join(', ') : String(v ?? ''))}</code></td></tr>`)
      .join('');
    const quirks = (r.quirks ?? []).map((q: SsoQuirk) => `<li id="quirk-${h(q)}"><strong>${h(t(`quirk.${q}.title` as MessageKey))}</strong><br>${h(t('result.fix', { fix: t(`quirk.${q}.fix` as MessageKey) }))}</li>`).join('');
    details = `${checks}
<h2>${h(t('result.quirks'))}</h2>${quirks ? `<ul class="notice warn">${quirks}</ul>` : `<p>${h(t('result.no_quirks'))}</p>`}
<h2>${h(t('result.attributes'))}</h2><div class="table"><table><tbody>${attributes}</tbody></table></div>`;
  }
  // A refused sign-in shows the checks its refusal answers (missing email, clock skew); nothing was received to list.
  if (!r.profile && (r.email !== undefined || r.clock !== undefined)) details = checks;
  return page(ctx, { title: 'result.title', current: 'sso', body: `${outcome}${details}<p><a href="${h(url(ctx, 'sso'))}">${h(t('result.back'))}</a></p>` });
}
