import { csrfInput, h } from '@wos/platform/pages';
import type { Role } from '../console/console.repository';
import { CONSOLE_STYLES } from './styles';

export { h };

export interface EnvironmentRef { id: string; name: string; kind: string }

/** What every console page needs: who is signed in, their CSRF token, the environments and the selected one. */
export interface ConsoleContext {
  member: { id: string; email: string; role: Role };
  csrf: string;
  environments: EnvironmentRef[];
  environment: EnvironmentRef | null;
}

/** The console's sections, in navigation order; each lives under `/dashboard/e/<environment>/<slug>`. */
export const SECTIONS = [
  ['api-keys', 'API keys'],
  ['configuration', 'Configuration'],
  ['organizations', 'Organizations'],
  ['sso', 'SSO connections'],
  ['directories', 'Directories'],
  ['users', 'Users'],
  ['events', 'Events'],
  ['webhooks', 'Webhooks'],
  ['settings', 'Settings'],
  ['usage', 'Usage'],
] as const;
export type Section = (typeof SECTIONS)[number][0] | 'environments' | 'members';

export const envPath = (ctx: ConsoleContext, rest: string) => `/dashboard/e/${encodeURIComponent(ctx.environment!.id)}/${rest}`;

export const canWrite = (ctx: ConsoleContext) => ctx.member.role !== 'read_only';

/** A POST form with the session's CSRF token. Read-only members see no mutating form (the server refuses them anyway). */
export function form(ctx: ConsoleContext, action: string, body: string, opts: { label: string; always?: boolean; inline?: boolean }): string {
  if (!opts.always && !canWrite(ctx)) return '';
  return `<form method="post" action="${h(action)}" aria-label="${h(opts.label)}"${opts.inline ? ' class="inline"' : ''}>${csrfInput(ctx.csrf)}${body}</form>`;
}

export const button = (text: string, kind: 'primary' | 'secondary' | 'danger' = 'primary') => `<button type="submit" class="${kind}">${h(text)}</button>`;

export function input(p: { name: string; label: string; type?: string; value?: string; required?: boolean; placeholder?: string; hint?: string }): string {
  const id = `f-${p.name}`;
  return `<div class="field"><label for="${id}">${h(p.label)}</label><input id="${id}" name="${h(p.name)}" type="${p.type ?? 'text'}"${p.value ? ` value="${h(p.value)}"` : ''}${p.placeholder ? ` placeholder="${h(p.placeholder)}"` : ''}${p.required === false ? '' : ' required'}${p.hint ? ` aria-describedby="${id}-hint"` : ''}>${p.hint ? `<p class="hint" id="${id}-hint">${h(p.hint)}</p>` : ''}</div>`;
}

export function select(p: { name: string; label: string; options: Array<[string, string]>; value?: string }): string {
  const id = `f-${p.name}`;
  return `<div class="field"><label for="${id}">${h(p.label)}</label><select id="${id}" name="${h(p.name)}">${p.options.map(([v, t]) => `<option value="${h(v)}"${v === p.value ? ' selected' : ''}>${h(t)}</option>`).join('')}</select></div>`;
}

/** A table with a caption; cells are already-escaped HTML. */
export function table(caption: string, head: string[], rows: string[][], empty = 'None yet.'): string {
  if (!rows.length) return `<p class="empty">${h(empty)}</p>`;
  return `<div class="table" role="region" aria-label="${h(caption)}" tabindex="0"><table><caption>${h(caption)}</caption><thead><tr>${head.map((c) => `<th scope="col">${h(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`;
}

export const code = (s: string | null | undefined) => `<code>${h(s ?? '')}</code>`;
export const link = (href: string, text: string) => `<a href="${h(href)}">${h(text)}</a>`;

/** Facts to copy (monospace values). */
export const facts = (rows: Array<[string, string]>) => `<dl class="facts">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;

/**
 * Part 4 of the console (beyond WorkOS): the `wos` CLI command and the `curl` call that do what
 * the page shows or just did, so anything clicked can be scripted.
 */
export interface Script { what: string; cli?: string; curl?: string }
export function scripts(items: Script[]): string {
  if (!items.length) return '';
  return `<section class="scripts" aria-labelledby="scripts-h"><h2 id="scripts-h">Script it</h2>${items
    .map((s) => `<h3>${h(s.what)}</h3>${s.cli ? `<p class="label">wos CLI</p><pre tabindex="0"><code>${h(s.cli)}</code></pre>` : ''}${s.curl ? `<p class="label">curl</p><pre tabindex="0"><code>${h(s.curl)}</code></pre>` : ''}`)
    .join('')}</section>`;
}

/** A curl call against the public API with the environment's API key from $WORKOS_API_KEY. */
export function curl(base: string, method: string, path: string, body?: Record<string, unknown>): string {
  const parts = [`curl${method === 'GET' ? '' : ` -X ${method}`} "${base}${path}"`, '  -H "Authorization: Bearer $WORKOS_API_KEY"'];
  if (body) parts.push('  -H "Content-Type: application/json"', `  -d '${JSON.stringify(body).replace(/'/g, "'\\''")}'`);
  return parts.join(' \\\n');
}

export interface PageSpec {
  title: string;
  section: Section;
  body: string;
  /** A notice at the top (an action's result). */
  flash?: { text: string; kind?: 'ok' | 'warn' } | null;
  scripts?: Script[];
}

/** The whole document: header with the environment switcher, navigation, the page, and its scripts. */
export function consolePage(ctx: ConsoleContext, p: PageSpec): string {
  const env = ctx.environment;
  const switcher = `<form method="get" action="/dashboard/switch" class="switcher" aria-label="Switch environment"><label for="env-switch">Environment</label><select id="env-switch" name="environment">${ctx.environments
    .map((e) => `<option value="${h(e.id)}"${e.id === env?.id ? ' selected' : ''}>${h(e.name)} (${h(e.kind)})</option>`)
    .join('')}</select><button type="submit" class="secondary">Switch</button></form>`;
  const nav = `<nav aria-label="Sections"><ul>${[
    `<li>${navLink('/dashboard/environments', 'Environments', p.section === 'environments')}</li>`,
    ...(env ? SECTIONS.map(([slug, name]) => `<li>${navLink(envPath(ctx, slug), name, p.section === slug)}</li>`) : []),
    `<li>${navLink('/dashboard/members', 'Members', p.section === 'members')}</li>`,
  ].join('')}</ul></nav>`;
  const flash = p.flash ? `<p class="notice${p.flash.kind === 'warn' ? ' warn' : ''}" role="status">${h(p.flash.text)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(p.title)} · WOS Dashboard</title>
<style>${CONSOLE_STYLES}</style>
</head>
<body>
<header class="top"><a class="brand" href="/dashboard">WOS Dashboard</a>${ctx.environments.length ? switcher : ''}<div class="who"><span>${h(ctx.member.email)} · ${h(roleName(ctx.member.role))}</span>${form(ctx, '/dashboard/sign-out', button('Sign out', 'secondary'), { label: 'Sign out', always: true, inline: true })}</div></header>
<div class="frame">
${nav}
<main>
<h1>${h(p.title)}</h1>
${env ? `<p class="env">Environment ${code(env.id)}</p>` : ''}
${flash}
${p.body}
${scripts(p.scripts ?? [])}
</main>
</div>
</body>
</html>
`;
}

export const roleName = (r: Role) => ({ owner: 'Owner', admin: 'Admin', read_only: 'Read-only' })[r];

function navLink(href: string, text: string, current: boolean): string {
  return `<a href="${h(href)}"${current ? ' aria-current="page"' : ''}>${h(text)}</a>`;
}

/** A page outside the signed-in frame (sign-in problems, refusals). */
export function barePage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(title)} · WOS Dashboard</title>
<style>${CONSOLE_STYLES}</style>
</head>
<body class="bare">
<main>
<h1>${h(title)}</h1>
${body}
</main>
</body>
</html>
`;
}
