import type { Locale, MessageKey, Translate } from '../i18n/messages';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every value that reaches a page goes through here (text and attributes alike). */
export const h = (s: string | number | null | undefined) => String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** What every page needs: the language, the environment's branding, the flow's CSRF token. */
export interface PageContext {
  t: Translate;
  locale: Locale;
  brand: { name: string; logo: string | null; color: string };
  /** The client the pages were opened for; every page URL carries it (the gateway resolves the environment from it). */
  clientId: string;
  /** The flow's CSRF token, put in every form; null on pages without a flow (error pages). */
  csrf: string | null;
  /** This response's CSP nonce for the one inline script (the password meter). */
  nonce: string;
}

export const DEFAULT_BRAND_COLOR = '#4f46e5';

/** A hosted page URL (relative: the browser talks to the gateway or the environment's own domain). */
export function pageUrl(ctx: Pick<PageContext, 'clientId'>, step: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: ctx.clientId, ...extra });
  return `/user_management/authorize${step ? `/${step}` : ''}?${q}`;
}

export function csrfField(ctx: PageContext): string {
  return ctx.csrf ? `<input type="hidden" name="csrf_token" value="${h(ctx.csrf)}">` : '';
}

/** An inline error, announced to screen readers, tied to the form with aria-describedby by id `form-error`. */
export function errorBox(ctx: PageContext, error: MessageKey | null | undefined, vars?: Record<string, string>): string {
  return error ? `<p class="error" id="form-error" role="alert">${h(ctx.t(error, vars))}</p>` : '';
}

/*
 * One stylesheet, inline (the CSP allows no other source): labels above full-width inputs, a card
 * that shrinks to the viewport (no horizontal scroll at 360 px), dark mode from the OS setting,
 * visible focus rings for keyboard use. The brand colour is a validated #rrggbb.
 */
function styles(color: string): string {
  return `:root{--brand:${color};--bg:#f4f5f7;--card:#fff;--text:#16181d;--muted:#535a66;--border:#c9ced6;--error:#b3261e;--link:#3730a3;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--card:#1a1d24;--text:#eceef2;--muted:#b0b6c2;--border:#4a505c;--error:#ffb4ab;--link:#c7d2fe}}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text);display:flex;flex-direction:column;align-items:center;padding:5vh 12px}
main{width:100%;max-width:400px;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:28px 24px;box-shadow:0 2px 10px #0000000f}
.logo{display:block;max-height:40px;max-width:160px;margin:0 auto 12px}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 8px;text-align:center}
p{margin:0 0 12px}.lead{color:var(--muted);text-align:center}
form{display:grid;gap:14px;margin:16px 0 0}
label{display:block;font-weight:600;font-size:.92rem;margin-bottom:4px}
input[type=email],input[type=password],input[type=text]{display:block;width:100%;padding:10px 12px;font:inherit;color:var(--text);background:var(--card);border:1px solid var(--border);border-radius:8px}
input[aria-invalid=true]{border-color:var(--error)}
button,.button{display:block;width:100%;padding:10px 14px;font:inherit;font-weight:600;border-radius:8px;border:1px solid transparent;cursor:pointer;text-align:center;text-decoration:none}
.primary{background:var(--brand);color:#fff}
.secondary{background:transparent;color:var(--text);border-color:var(--border)}
.provider{display:flex;align-items:center;justify-content:center;gap:10px;background:transparent;color:var(--text);border-color:var(--border)}
.provider svg{width:20px;height:20px;flex:none}
:focus-visible{outline:3px solid var(--brand);outline-offset:2px}
a{color:var(--link);text-decoration:underline}
.links{display:grid;gap:6px;margin-top:18px;text-align:center;font-size:.95rem}
.divider{display:flex;align-items:center;gap:10px;color:var(--muted);font-size:.85rem;margin:18px 0 0}.divider::before,.divider::after{content:"";flex:1;border-top:1px solid var(--border)}
.error{color:var(--error);font-weight:600;margin:8px 0 0}
.hint{color:var(--muted);font-size:.85rem;margin:4px 0 0}
.meter{display:flex;align-items:center;gap:8px;margin-top:6px}.meter meter{flex:1;height:8px}
.qr{display:block;margin:8px auto;width:200px;max-width:100%;height:auto;background:#fff;padding:8px;border-radius:8px}
.secret{font-family:ui-monospace,monospace;word-break:break-all;text-align:center}
fieldset{border:0;padding:0;margin:0;display:grid;gap:8px}legend{font-weight:600;margin-bottom:4px}
.option{display:flex;align-items:center;gap:10px;border:1px solid var(--border);border-radius:8px;padding:10px 12px}.option label{margin:0;font-weight:500}
.code{letter-spacing:.3em;font-family:ui-monospace,monospace;text-align:center}
footer{margin-top:16px;color:var(--muted);font-size:.8rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
}

export function layout(ctx: PageContext, p: { title: MessageKey; titleVars?: Record<string, string>; body: string; script?: string }): string {
  const title = ctx.t(p.title, p.titleVars);
  const logo = ctx.brand.logo ? `<img class="logo" src="${h(ctx.brand.logo)}" alt="${h(ctx.brand.name)}">` : '';
  const script = p.script ? `<script nonce="${h(ctx.nonce)}">${p.script}</script>` : '';
  return `<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(title)} · ${h(ctx.brand.name)}</title>
<style>${styles(ctx.brand.color)}</style>
</head>
<body>
<main>
${logo}<h1>${h(title)}</h1>
${p.body}
</main>
<footer>${h(ctx.t('footer.secured', { brand: ctx.brand.name }))}</footer>
${script}
</body>
</html>
`;
}

/** A labelled full-width input; an error on the form marks it invalid and points to the message. */
export function field(p: { name: string; label: string; type?: string; value?: string; autocomplete?: string; required?: boolean; invalid?: boolean; readonly?: boolean; hint?: string; extra?: string }): string {
  const id = `f-${p.name}`;
  const described = [p.hint ? `${id}-hint` : '', p.invalid ? 'form-error' : ''].filter(Boolean).join(' ');
  return `<div><label for="${id}">${h(p.label)}</label><input id="${id}" name="${h(p.name)}" type="${p.type ?? 'text'}"${p.value ? ` value="${h(p.value)}"` : ''}${p.autocomplete ? ` autocomplete="${p.autocomplete}"` : ''}${p.required === false ? '' : ' required'}${p.readonly ? ' readonly' : ''}${p.invalid ? ' aria-invalid="true"' : ''}${described ? ` aria-describedby="${described}"` : ''}${p.extra ? ` ${p.extra}` : ''}>${p.hint ? `<p class="hint" id="${id}-hint">${h(p.hint)}</p>` : ''}</div>`;
}

export function codeField(ctx: PageContext, invalid: boolean): string {
  return field({ name: 'code', label: ctx.t('common.code'), autocomplete: 'one-time-code', invalid, hint: ctx.t('common.code_hint'), extra: 'inputmode="numeric" pattern="[0-9]{6}" maxlength="6" class="code"' });
}

export function links(items: Array<[string, string]>): string {
  return `<nav class="links" aria-label="More">${items.map(([href, text]) => `<a href="${h(href)}">${h(text)}</a>`).join('')}</nav>`;
}
