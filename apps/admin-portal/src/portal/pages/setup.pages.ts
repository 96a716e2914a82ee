import { directoryTypeSchema } from '@wos/contracts';
import type { MessageKey } from '../i18n/messages';
import { button, facts, form, h, page, type PortalContext } from './layout';

export interface DirectoryView {
  id: string;
  state: string;
  type: string;
}
/** A recorded SCIM request (directory-sync's GET /directories/:id/scim_requests). */
export interface ScimRequestView {
  method: string;
  path: string;
  status: number;
  error: string | null;
  quirks: string[];
  created_at: string;
}
export interface RoleMappingView {
  directory_group_id: string;
  role: string;
}
export interface DirectoryGroupView {
  id: string;
  name: string;
}
/** What the Directory Sync page shows of a directory that exists. */
export interface DirectoryActivity {
  requests: ScimRequestView[];
  mappings: RoleMappingView[];
  groups: DirectoryGroupView[];
}
const SCIM_QUIRKS = new Set(['capitalised_patch_ops', 'string_booleans', 'group_without_members']);

export interface DomainView {
  id: string;
  domain: string;
  state: string;
  verification_token?: string | null;
  verification_prefix?: string | null;
}

const SCIM_TYPES = directoryTypeSchema.options.filter((t) => t.includes('scim'));

/** Directory Sync: create the directory, then its SCIM base URL, the token (only right after it was minted) and rotation. */
export function dsyncPage(ctx: PortalContext, p: { directory: DirectoryView | null; baseUrl: string | null; token: string | null; activity?: DirectoryActivity }): string {
  const t = ctx.t;
  if (!p.directory) {
    const options = SCIM_TYPES.map((type) => `<option value="${h(type)}">${h(type)}</option>`).join('');
    return page(ctx, { title: 'intent.dsync', current: 'dsync', body: `<h2>${h(t('dsync.heading'))}</h2>${form(ctx, 'dsync/directory', `<div><label for="f-dtype">${h(t('dsync.type'))}</label><select id="f-dtype" name="type">${options}</select></div>${button(t('dsync.create'))}`)}` });
  }
  const d = p.directory;
  const token = p.token
    ? `${facts([[t('dsync.token'), p.token]])}<p class="notice warn" role="status">${h(t('dsync.token_once'))}</p>`
    : `<p class="hint">${h(t('dsync.token_hidden'))}</p>`;
  return page(ctx, {
    title: 'intent.dsync',
    current: 'dsync',
    body: `<p>${h(t('dsync.state', { id: d.id, state: d.state }))}</p>${facts([[t('dsync.base_url'), p.baseUrl ?? '']])}${token}${form(ctx, 'dsync/rotate', button(t('dsync.rotate'), 'secondary'))}${p.activity ? mappingsSection(ctx, p.activity) + requestsSection(ctx, p.activity.requests) : ''}`,
  });
}

/** The last SCIM requests, each with the quirks it showed and their fix in the IdP's console. */
function requestsSection(ctx: PortalContext, requests: ScimRequestView[]): string {
  const t = ctx.t;
  if (!requests.length) return `<h2>${h(t('dsync.requests'))}</h2><p>${h(t('dsync.no_requests'))}</p>`;
  const rows = requests
    .map((r) => {
      const quirks = r.quirks
        .filter((q) => SCIM_QUIRKS.has(q))
        .map((q) => `<li class="quirk-${h(q)}"><strong>${h(t(`quirk.${q}.title` as MessageKey))}</strong><br>${h(t('result.fix', { fix: t(`quirk.${q}.fix` as MessageKey) }))}</li>`)
        .join('');
      const notes = `${r.error ? `<p>${h(r.error)}</p>` : ''}${quirks ? `<ul>${quirks}</ul>` : ''}`;
      return `<tr><td><time datetime="${h(r.created_at)}">${h(r.created_at.replace('T', ' ').slice(0, 19))}</time></td><td><code>${h(`${r.method} ${r.path}`)}</code></td><td class="${r.status < 400 ? 'ok' : 'bad'}">${r.status}</td><td>${notes}</td></tr>`;
    })
    .join('');
  return `<h2>${h(t('dsync.requests'))}</h2><div class="table"><table id="scim-requests"><thead><tr><th scope="col">${h(t('dsync.col.time'))}</th><th scope="col">${h(t('dsync.col.request'))}</th><th scope="col">${h(t('dsync.col.status'))}</th><th scope="col">${h(t('dsync.col.notes'))}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Group → role mappings (directory-sync's role_mappings), and a form to map one more group. */
function mappingsSection(ctx: PortalContext, a: DirectoryActivity): string {
  const t = ctx.t;
  const names = new Map(a.groups.map((g) => [g.id, g.name]));
  const list = a.mappings.length
    ? `<dl class="facts" id="role-mappings">${a.mappings.map((m) => `<dt>${h(names.get(m.directory_group_id) ?? m.directory_group_id)}</dt><dd><code>${h(m.role)}</code></dd>`).join('')}</dl>`
    : `<p>${h(t('dsync.mappings_none'))}</p>`;
  const options = a.groups.map((g) => `<option value="${h(g.id)}">${h(g.name)}</option>`).join('');
  const add = a.groups.length
    ? form(
        ctx,
        'dsync/mappings',
        `<div><label for="f-mgroup">${h(t('dsync.mapping_group'))}</label><select id="f-mgroup" name="group">${options}</select></div><div><label for="f-mrole">${h(t('dsync.mapping_role'))}</label><input id="f-mrole" name="role" type="text" required maxlength="100" pattern="[A-Za-z0-9_:.\\-]+" autocomplete="off"></div>${button(t('dsync.mapping_save'), 'secondary')}`,
      )
    : '';
  return `<h2>${h(t('dsync.mappings'))}</h2>${list}${add}`;
}

/** Domain verification: each domain with the TXT record to publish and "verify now"; a form to add one. */
export function domainsPage(ctx: PortalContext, domains: DomainView[]): string {
  const t = ctx.t;
  const rows = domains
    .map((d) => {
      const record = d.state !== 'verified' && d.verification_token
        ? `<p>${h(t('domains.record'))}</p>${facts([[t('domains.record_name'), `${d.verification_prefix ?? ''}.${d.domain}`], [t('domains.record_value'), d.verification_token]])}${form(ctx, `domain_verification/${encodeURIComponent(d.id)}/verify`, button(t('domains.verify'), 'secondary'), d.domain)}`
        : '';
      return `<section class="notice"><p><strong>${h(t('domains.state', { domain: d.domain, state: d.state }))}</strong></p>${record}</section>`;
    })
    .join('');
  const add = form(ctx, 'domain_verification/domain', `<div><label for="f-domain">${h(t('domains.domain'))}</label><input id="f-domain" name="domain" type="text" required maxlength="253" autocomplete="off"></div>${button(t('domains.add'))}`);
  return page(ctx, { title: 'intent.domain_verification', current: 'domain_verification', body: `<h2>${h(t('domains.heading'))}</h2>${rows || `<p>${h(t('domains.none'))}</p>`}${add}` });
}

/** A log stream as audit-logs answers it (secrets are never answered). */
export interface LogStreamView {
  id: string;
  type: string;
  name: string | null;
  state: string;
}
/** The types this page offers: each takes an endpoint URL and, except generic HTTPS, a token. */
export const STREAM_TYPES = ['https', 'datadog', 'splunk'] as const;

/** Log streams: the organization's streams, each deletable, and a form to add one. */
export function logStreamsPage(ctx: PortalContext, streams: LogStreamView[], createdSecret?: string): string {
  const t = ctx.t;
  const rows = streams
    .map((s) => `<li>${h(t('streams.row', { type: s.type, name: s.name ?? s.id, state: s.state }))} ${form(ctx, `log_streams/${encodeURIComponent(s.id)}/delete`, button(t('streams.delete'), 'secondary'), s.name ?? s.id)}</li>`)
    .join('');
  const secret = createdSecret ? `${facts([[t('streams.secret'), createdSecret]])}<p class="notice warn" role="status">${h(t('dsync.token_once'))}</p>` : '';
  const options = STREAM_TYPES.map((type) => `<option value="${type}">${type}</option>`).join('');
  const add = form(
    ctx,
    'log_streams/stream',
    `<div><label for="f-stype">${h(t('streams.type'))}</label><select id="f-stype" name="type">${options}</select></div>` +
      `<div><label for="f-sname">${h(t('streams.name'))}</label><input id="f-sname" name="name" type="text" maxlength="100" autocomplete="off"></div>` +
      `<div><label for="f-surl">${h(t('streams.url'))}</label><input id="f-surl" name="url" type="url" required maxlength="2000" autocomplete="off"></div>` +
      `<div><label for="f-stoken">${h(t('streams.token'))}</label><input id="f-stoken" name="token" type="password" maxlength="500" autocomplete="off" aria-describedby="f-stoken-hint"><p class="hint" id="f-stoken-hint">${h(t('streams.token_hint'))}</p></div>` +
      button(t('streams.add')),
  );
  return page(ctx, { title: 'intent.log_streams', current: 'log_streams', body: `<h2>${h(t('streams.heading'))}</h2>${secret}${rows ? `<ul id="log-streams">${rows}</ul>` : `<p>${h(t('streams.none'))}</p>`}${add}` });
}

/** The export's state as audit-logs answers it. */
export interface ExportView {
  state: 'pending' | 'ready' | 'error';
  url?: string;
}
export const EXPORT_DAYS = [7, 30, 90] as const;

/** Audit logs: export the organization's events of the last N days as CSV. */
export function auditLogsPage(ctx: PortalContext, result?: ExportView): string {
  const t = ctx.t;
  const outcome = !result
    ? ''
    : result.state === 'ready' && result.url
      ? `<p class="notice" role="status">${h(t('exports.ready'))} <a id="export-download" href="${h(result.url)}">${h(t('exports.download'))}</a></p>`
      : `<p class="notice warn" role="status">${h(t(result.state === 'error' ? 'exports.failed' : 'exports.pending'))}</p>`;
  const options = EXPORT_DAYS.map((n) => `<option value="${n}">${h(t('exports.days_option', { n: String(n) }))}</option>`).join('');
  const create = form(ctx, 'audit_logs/export', `<div><label for="f-days">${h(t('exports.days'))}</label><select id="f-days" name="days">${options}</select></div>${button(t('exports.create'))}`);
  return page(ctx, { title: 'intent.audit_logs', current: 'audit_logs', body: `<h2>${h(t('exports.heading'))}</h2>${outcome}${create}` });
}
