import { shell } from './credentials.page';
import { button, code, consolePage, curl, envPath, facts, form, h, input, link, table, type ConsoleContext } from './layout';

export interface UserView { id: string; email: string; first_name: string | null; last_name: string | null; email_verified: boolean; created_at: string }
export interface SessionView { id: string; status?: string; ip_address?: string | null; user_agent?: string | null; auth_method?: string; created_at: string; expires_at?: string }

const name = (u: UserView) => [u.first_name, u.last_name].filter(Boolean).join(' ') || '—';

export function usersPage(ctx: ConsoleContext, p: { base: string; users: UserView[]; search: string }): string {
  const search = `<form method="get" action="${h(envPath(ctx, 'users'))}" aria-label="Search users">${input({ name: 'search', label: 'Email starts with', value: p.search, required: false, hint: 'Case-insensitive; up to 100 characters.' })}<button type="submit" class="secondary">Search</button></form>`;
  const rows = p.users.map((u) => [link(envPath(ctx, `users/${u.id}`), u.email), h(name(u)), u.email_verified ? 'Verified' : 'Unverified', h(u.created_at)]);
  return consolePage(ctx, {
    title: 'Users',
    section: 'users',
    body: `${search}${table('Users', ['Email', 'Name', 'Email state', 'Created'], rows, 'No user matches.')}`,
    scripts: [{ what: p.search ? `Users whose email starts with "${p.search}"` : 'List users', cli: `npx wos users list${p.search ? ` --search ${shell(p.search)}` : ''}`, curl: curl(p.base, 'GET', `/user_management/users?limit=100${p.search ? `&search=${encodeURIComponent(p.search)}` : ''}`) }],
  });
}

export function userPage(ctx: ConsoleContext, p: { base: string; user: UserView; sessions: SessionView[]; memberships: Array<{ id: string; organization_id: string; status: string; role?: { slug: string } }>; factors: Array<{ id: string; type: string; created_at: string }>; identities: Array<{ idp_id: string; type: string; provider: string }>; revoked: string | null }): string {
  const u = p.user;
  const sessions = table('Sessions', ['Session', 'Method', 'IP', 'Status', 'Started', ''], p.sessions.map((s) => [
    code(s.id), h(s.auth_method ?? ''), h(s.ip_address ?? ''), h(s.status ?? 'active'), h(s.created_at),
    s.status && s.status !== 'active' ? '' : form(ctx, envPath(ctx, `users/${u.id}/sessions/${encodeURIComponent(s.id)}/revoke`), button('Revoke', 'danger'), { label: `Revoke session ${s.id}`, inline: true }),
  ]), 'No session.');
  const memberships = table('Memberships', ['Organization', 'Role', 'Status'], p.memberships.map((m) => [link(envPath(ctx, `organizations/${m.organization_id}`), m.organization_id), h(m.role?.slug ?? ''), h(m.status)]), 'No membership.');
  const factors = table('MFA factors', ['Factor', 'Type', 'Created'], p.factors.map((f) => [code(f.id), h(f.type), h(f.created_at)]), 'No factor.');
  const identities = table('Identities', ['Provider', 'Type', 'ID at the provider'], p.identities.map((i) => [h(i.provider), h(i.type), code(i.idp_id)]), 'No linked identity.');
  return consolePage(ctx, {
    title: u.email,
    section: 'users',
    flash: p.revoked ? { text: 'Session revoked.' } : null,
    body: `${facts([['ID', code(u.id)], ['Name', h(name(u))], ['Email', `${h(u.email)} (${u.email_verified ? 'verified' : 'unverified'})`], ['Created', h(u.created_at)]])}<h2>Sessions</h2>${sessions}<h2>Memberships</h2>${memberships}<h2>MFA factors</h2>${factors}<h2>Identities</h2>${identities}`,
    scripts: [
      ...(p.revoked ? [{ what: `Revoke the session ${p.revoked}`, cli: `npx wos users revoke-session ${p.revoked}`, curl: curl(p.base, 'POST', '/user_management/sessions/revoke', { session_id: p.revoked }) }] : []),
      { what: 'Get this user', cli: `npx wos users get ${u.id}`, curl: curl(p.base, 'GET', `/user_management/users/${u.id}`) },
      { what: "List the user's sessions", cli: `npx wos users sessions ${u.id}`, curl: curl(p.base, 'GET', `/user_management/users/${u.id}/sessions`) },
      ...(p.revoked ? [] : [{ what: 'Revoke a session', cli: `npx wos users revoke-session ${p.sessions[0]?.id ?? 'SESSION_ID'}`, curl: curl(p.base, 'POST', '/user_management/sessions/revoke', { session_id: p.sessions[0]?.id ?? 'SESSION_ID' }) }]),
    ],
  });
}
