import { button, code, consolePage, curl, envPath, facts, form, h, input, link, select, table, type ConsoleContext, type Script } from './layout';
import { shell } from './credentials.page';

export interface OrganizationView { id: string; name: string; created_at: string; domains: Array<{ id: string; domain: string; state: string; verification_strategy?: string; verification_token?: string | null }> }
export interface ConnectionView { id: string; name: string; connection_type: string; state: string; organization_id: string | null; created_at: string }
export interface DirectoryView { id: string; name: string; type: string; state: string; organization_id: string | null; created_at: string }

const SAML_TYPES: Array<[string, string]> = [['GenericSAML', 'Generic SAML'], ['OktaSAML', 'Okta'], ['AzureSAML', 'Microsoft Entra ID'], ['GoogleSAML', 'Google Workspace'], ['OneLoginSAML', 'OneLogin'], ['JumpCloudSAML', 'JumpCloud'], ['PingFederateSAML', 'PingFederate'], ['ADFSSAML', 'AD FS']];
const DONE: Record<string, string> = { created: 'Organization created.', connection: 'SAML connection created.', domain: 'Domain added; publish the TXT record to verify it.' };

export function organizationsPage(ctx: ConsoleContext, p: { base: string; organizations: OrganizationView[]; search: string; byDomain: boolean; more: boolean }): string {
  const rows = p.organizations.map((o) => [link(envPath(ctx, `organizations/${o.id}`), o.name), code(o.id), h(o.domains.map((d) => `${d.domain} (${d.state})`).join(', ') || '—')]);
  const search = `<form method="get" action="${h(envPath(ctx, 'organizations'))}" aria-label="Search organizations">${input({ name: 'search', label: 'Search by name or domain', value: p.search, required: false })}<button type="submit" class="secondary">Search</button></form>`;
  const create = form(ctx, envPath(ctx, 'organizations'), `${input({ name: 'name', label: 'Organization name' })}${input({ name: 'domain', label: 'Domain (optional)', required: false, placeholder: 'acme.com' })}${select({ name: 'domain_state', label: 'Domain state', options: [['pending', 'Pending (verified by DNS)'], ['verified', 'Verified (you vouch for it)']] })}${button('Create organization')}`, { label: 'Create an organization' });
  const filter = p.search ? (p.byDomain ? { cli: ` --domain ${shell(p.search)}`, q: `&domains=${encodeURIComponent(p.search)}` } : { cli: ` --search ${shell(p.search)}`, q: `&search=${encodeURIComponent(p.search)}` }) : { cli: '', q: '' };
  const scripts: Script[] = [
    { what: p.search ? `Search organizations for "${p.search}"` : 'List organizations', cli: `npx wos organizations list${filter.cli}`, curl: curl(p.base, 'GET', `/organizations?limit=100${filter.q}`) },
    { what: 'Create an organization', cli: 'npx wos organizations create --name Acme --domain acme.com --domain-state pending', curl: curl(p.base, 'POST', '/organizations', { name: 'Acme', domain_data: [{ domain: 'acme.com', state: 'pending' }] }) },
  ];
  const note = p.more ? '<p class="hint">Showing the first 100 matches; search narrows them.</p>' : '';
  return consolePage(ctx, { title: 'Organizations', section: 'organizations', body: `${search}${table('Organizations', ['Name', 'ID', 'Domains'], rows, 'No organization matches.')}${note}<h2>Create an organization</h2>${create}`, scripts });
}

export function organizationPage(ctx: ConsoleContext, p: { base: string; org: OrganizationView; connections: ConnectionView[]; directories: DirectoryView[]; portalLink?: string; portalIntent?: string; done: string | null; domainId?: string | null }): string {
  const o = p.org;
  const domains = table('Domains', ['Domain', 'State', 'Verification'], o.domains.map((d) => [h(d.domain), d.state === 'verified' ? '<span class="ok">verified</span>' : h(d.state), d.verification_token ? `TXT ${code(d.verification_token)}` : h(d.verification_strategy ?? '—')]), 'No domain.');
  const addDomain = form(ctx, envPath(ctx, `organizations/${o.id}/domains`), `${input({ name: 'domain', label: 'Add a domain', placeholder: 'acme.com' })}${button('Add domain', 'secondary')}`, { label: 'Add a domain' });
  const portal = form(ctx, envPath(ctx, `organizations/${o.id}/portal-link`), `${select({ name: 'intent', label: 'Admin Portal for', options: [['sso', 'Single sign-on'], ['dsync', 'Directory Sync'], ['domain_verification', 'Domain verification'], ['audit_logs', 'Audit logs'], ['log_streams', 'Log streams']] })}${button('Admin Portal link')}`, { label: 'Generate an Admin Portal link' });
  const link_ = p.portalLink ? `<p class="notice" role="status">Single-use link (expires in minutes): <a href="${h(p.portalLink)}">${h(p.portalLink)}</a></p>` : '';
  const conns = table('SSO connections', ['Name', 'Type', 'State'], p.connections.map((c) => [link(envPath(ctx, `sso/${c.id}`), c.name), h(c.connection_type), h(c.state)]), 'No connection.');
  const dirs = table('Directories', ['Name', 'Type', 'State'], p.directories.map((d) => [link(envPath(ctx, `directories/${d.id}`), d.name), h(d.type), h(d.state)]), 'No directory.');
  const saml = form(
    ctx,
    envPath(ctx, `organizations/${o.id}/connections`),
    `${input({ name: 'name', label: 'Connection name', placeholder: 'Okta' })}${select({ name: 'connection_type', label: 'Identity provider', options: SAML_TYPES })}<div class="field" style="flex-basis:100%"><label for="f-metadata">IdP metadata XML</label><textarea id="f-metadata" name="idp_metadata_xml" required></textarea></div>${button('Create SAML connection')}`,
    { label: 'Create a SAML connection' },
  );
  const intent = p.portalIntent ?? 'sso';
  const scripts: Script[] = [{ what: 'Get this organization', cli: `npx wos organizations get ${o.id}`, curl: curl(p.base, 'GET', `/organizations/${o.id}`) }];
  if (p.done === 'created') {
    const d = o.domains[0];
    scripts.push({
      what: `Create the organization ${o.name}`,
      cli: `npx wos organizations create --name ${shell(o.name)}${d ? ` --domain ${d.domain} --domain-state ${d.state === 'verified' ? 'verified' : 'pending'}` : ''}`,
      curl: curl(p.base, 'POST', '/organizations', { name: o.name, ...(d ? { domain_data: [{ domain: d.domain, state: d.state === 'verified' ? 'verified' : 'pending' }] } : {}) }),
    });
  }
  const added = p.done === 'domain' ? o.domains.find((d) => d.id === p.domainId) : undefined;
  const domain = added?.domain ?? 'acme.com';
  scripts.push(
    { what: added ? `Add the domain ${domain}` : 'Add a domain', cli: `npx wos organizations add-domain ${o.id} --domain ${shell(domain)}`, curl: curl(p.base, 'POST', '/organization_domains', { organization_id: o.id, domain }) },
    { what: p.portalLink ? `Generate an Admin Portal link (${intent})` : 'Generate an Admin Portal link', cli: `npx wos portal link ${o.id} --intent ${intent}`, curl: curl(p.base, 'POST', '/portal/generate_link', { organization: o.id, intent }) },
    samlScript(p.base, { name: 'Okta', connection_type: 'OktaSAML', organization_id: o.id }),
  );
  return consolePage(ctx, {
    title: o.name,
    section: 'organizations',
    flash: p.done && DONE[p.done] ? { text: DONE[p.done]! } : null,
    body: `${facts([['ID', code(o.id)], ['Created', h(o.created_at)]])}<h2>Domains</h2>${domains}${addDomain}<h2>Admin Portal</h2>${link_}${portal}<h2>SSO connections</h2>${conns}<h3>Add a SAML connection</h3>${saml}<h2>Directories</h2>${dirs}`,
    scripts,
  });
}

export function connectionsPage(ctx: ConsoleContext, p: { base: string; connections: ConnectionView[] }): string {
  const rows = p.connections.map((c) => [link(envPath(ctx, `sso/${c.id}`), c.name), h(c.connection_type), h(c.state), c.organization_id ? link(envPath(ctx, `organizations/${c.organization_id}`), c.organization_id) : '—']);
  return consolePage(ctx, { title: 'SSO connections', section: 'sso', body: `${table('SSO connections', ['Name', 'Type', 'State', 'Organization'], rows, 'No connection. Create one from an organization.')}`, scripts: [{ what: 'List connections', cli: 'npx wos connections list', curl: curl(p.base, 'GET', '/connections?limit=100') }] });
}

/** One SSO sign-in of a connection, from its `authentication.sso_succeeded` / `_failed` event. */
export interface SsoSignInView {
  created_at: string;
  status: 'succeeded' | 'failed';
  email: string | null;
  ip_address: string | null;
  error: { code: string; message: string } | null;
}

function signInsSection(signIns: SsoSignInView[]): string {
  const rows = signIns.map((x) => [
    h(x.created_at.replace('T', ' ').slice(0, 19)),
    x.status === 'succeeded' ? 'Succeeded' : '<strong class="error">Failed</strong>',
    h(x.email ?? '—'),
    h(x.ip_address ?? '—'),
    x.error ? `${code(x.error.code)} ${h(x.error.message)}` : '',
  ]);
  return `<h2>Last sign-ins</h2>${table('Last sign-ins through this connection, newest first', ['Time (UTC)', 'Outcome', 'Email', 'IP address', 'Error'], rows, 'No sign-in through this connection among the environment\'s recent SSO sign-ins.')}`;
}

export function connectionPage(ctx: ConsoleContext, p: { base: string; c: ConnectionView & Record<string, unknown>; spMetadata: string | null; signIns: SsoSignInView[]; done: string | null }): string {
  const c = p.c;
  const toggle = form(ctx, envPath(ctx, `sso/${c.id}/${c.state === 'active' ? 'deactivate' : 'activate'}`), button(c.state === 'active' ? 'Deactivate' : 'Activate', 'secondary'), { label: c.state === 'active' ? 'Deactivate the connection' : 'Activate the connection' });
  return consolePage(ctx, {
    title: c.name,
    section: 'sso',
    flash: p.done ? { text: `Connection ${p.done}.` } : null,
    body: `${facts([['ID', code(c.id)], ['Type', h(c.connection_type)], ['State', h(c.state)], ['Organization', c.organization_id ? link(envPath(ctx, `organizations/${c.organization_id}`), c.organization_id) : '—']])}${toggle}<h2>Service provider metadata</h2>${p.spMetadata ? `<pre tabindex="0"><code>${h(p.spMetadata)}</code></pre>` : '<p class="empty">Not available for this connection type.</p>'}${signInsSection(p.signIns)}`,
    scripts: [
      ...(p.done === 'created' ? [samlScript(p.base, { name: c.name, connection_type: c.connection_type, organization_id: c.organization_id })] : []),
      ...(p.done === 'activated' || p.done === 'deactivated' ? [{ what: `${p.done === 'activated' ? 'Activate' : 'Deactivate'} this connection`, cli: `npx wos connections ${p.done.slice(0, -1)} ${c.id}`, curl: curl(p.base, 'POST', `/connections/${c.id}/${p.done.slice(0, -1)}`) }] : []),
      { what: 'Get this connection', cli: `npx wos connections get ${c.id}`, curl: curl(p.base, 'GET', `/connections/${c.id}`) },
      { what: 'SP metadata', cli: `npx wos connections sp-metadata ${c.id}`, curl: curl(p.base, 'GET', `/connections/${c.id}/sp_metadata`) },
      { what: 'Recent SSO sign-ins (filter by data.sso.connection_id)', cli: 'npx wos events list --events authentication.sso_succeeded,authentication.sso_failed --limit 100', curl: curl(p.base, 'GET', '/events?events=authentication.sso_succeeded,authentication.sso_failed&order=desc&limit=100') },
      ...(p.done === 'activated' || p.done === 'deactivated' ? [] : [{ what: c.state === 'active' ? 'Deactivate' : 'Activate', cli: `npx wos connections ${c.state === 'active' ? 'deactivate' : 'activate'} ${c.id}`, curl: curl(p.base, 'POST', `/connections/${c.id}/${c.state === 'active' ? 'deactivate' : 'activate'}`) }]),
    ],
  });
}

export function directoriesPage(ctx: ConsoleContext, p: { base: string; directories: DirectoryView[] }): string {
  const rows = p.directories.map((d) => [link(envPath(ctx, `directories/${d.id}`), d.name), h(d.type), h(d.state), d.organization_id ? link(envPath(ctx, `organizations/${d.organization_id}`), d.organization_id) : '—']);
  return consolePage(ctx, { title: 'Directories', section: 'directories', body: table('Directories', ['Name', 'Type', 'State', 'Organization'], rows, 'No directory.'), scripts: [{ what: 'List directories', cli: 'npx wos directories list', curl: curl(p.base, 'GET', '/directories?limit=100') }] });
}

export interface ScimRequestView { method: string; path: string; status: number; error: string | null; created_at: string; quirks: string[] }
export function directoryPage(ctx: ConsoleContext, p: { base: string; d: DirectoryView; requests: ScimRequestView[]; users: Array<{ id: string; emails?: Array<{ value: string }>; email?: string; first_name?: string; last_name?: string; state: string }>; groups: Array<{ id: string; name: string }> }): string {
  const d = p.d;
  const reqs = table('Last SCIM requests', ['When', 'Request', 'Status', 'Error or quirk'], p.requests.map((r) => [h(r.created_at), code(`${r.method} ${r.path}`), h(r.status), h([r.error, ...(r.quirks ?? [])].filter(Boolean).join('; '))]), 'No SCIM request yet.');
  const users = table('Users', ['Name', 'Email', 'State'], p.users.map((u) => [h([u.first_name, u.last_name].filter(Boolean).join(' ')), h(u.email ?? u.emails?.[0]?.value ?? ''), h(u.state)]), 'No user.');
  const groups = table('Groups', ['Name', 'ID'], p.groups.map((g) => [h(g.name), code(g.id)]), 'No group.');
  return consolePage(ctx, {
    title: d.name,
    section: 'directories',
    body: `${facts([['ID', code(d.id)], ['Type', h(d.type)], ['State', h(d.state)], ['SCIM base URL', code(`${p.base}/scim/v2/${d.id}`)]])}<h2>Last SCIM requests</h2>${reqs}<h2>Users</h2>${users}<h2>Groups</h2>${groups}`,
    scripts: [
      { what: 'Get this directory', cli: `npx wos directories get ${d.id}`, curl: curl(p.base, 'GET', `/directories/${d.id}`) },
      { what: 'Directory users', curl: curl(p.base, 'GET', `/directory_users?directory=${d.id}`) },
      { what: 'Last SCIM requests', curl: curl(p.base, 'GET', `/directories/${d.id}/scim_requests`) },
    ],
  });
}

/** The SAML connection the organization page creates: the metadata XML is the one pasted (a file here). */
function samlScript(base: string, c: { name: string; connection_type: string; organization_id: string | null }): Script {
  return {
    what: `Create the SAML connection ${c.name}`,
    cli: `npx wos connections create-saml --name ${shell(c.name)} --type ${shell(c.connection_type)}${c.organization_id ? ` --org ${c.organization_id}` : ''} --metadata-file idp-metadata.xml`,
    curl: curl(base, 'POST', '/connections', { name: c.name, connection_type: c.connection_type, organization_id: c.organization_id, saml: { idp_metadata_xml: '<EntityDescriptor …> (the IdP metadata XML)' } }),
  };
}

export { shell };
