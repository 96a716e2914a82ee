import type { Member, Role } from '../console/console.repository';
import { button, code, consolePage, form, h, input, roleName, select, table, type ConsoleContext } from './layout';

const ROLE_OPTIONS: Array<[Role, string]> = [['read_only', 'Read-only'], ['admin', 'Admin'], ['owner', 'Owner']];
const DONE: Record<string, string> = { added: 'Member added; they were invited by email if they had no account.', role: 'Role changed; their sessions ended.', removed: 'Member removed.' };

export function membersPage(ctx: ConsoleContext, p: { members: Member[]; done: string | null }): string {
  const owner = ctx.member.role === 'owner';
  const rows = p.members.map((m) => [
    h(m.email),
    owner
      ? form(ctx, `/dashboard/members/${encodeURIComponent(m.id)}/role`, `${select({ name: 'role', label: `Role of ${m.email}`, options: ROLE_OPTIONS, value: m.role })}${button('Change role', 'secondary')}`, { label: `Change the role of ${m.email}`, inline: true })
      : h(roleName(m.role as Role)),
    m.userId ? 'Signed in before' : 'Invited',
    owner && m.id !== ctx.member.id ? form(ctx, `/dashboard/members/${encodeURIComponent(m.id)}/delete`, button('Remove', 'danger'), { label: `Remove ${m.email}`, inline: true }) : '',
  ]);
  const add = owner
    ? `<h2>Add a member</h2>${form(ctx, '/dashboard/members', `${input({ name: 'email', label: 'Email', type: 'email' })}${select({ name: 'role', label: 'Role', options: ROLE_OPTIONS })}${button('Add member')}`, { label: 'Add a member' })}`
    : '<p>Only owners add members or change roles.</p>';
  return consolePage(ctx, {
    title: 'Members',
    section: 'members',
    flash: p.done && DONE[p.done] ? { text: DONE[p.done]! } : null,
    body: `<p>Owners manage members; admins change environments; read-only members look. Your member ID: ${code(ctx.member.id)}</p>${table('Members', ['Email', 'Role', 'State', ''], rows)}${add}`,
    scripts: [{ what: 'Set the console up (built-in environment, owner)', cli: 'npx wos dashboard bootstrap --email owner@example.com' }],
  });
}
