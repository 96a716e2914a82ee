/*
 * The server-rendered page shell shared by the hosted AuthKit pages (identity) and the Admin
 * Portal (admin-portal): escaping, one inline stylesheet, the document, labelled fields. No
 * framework and no script of its own: every page works without JavaScript.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every value that reaches a page goes through here (text and attributes alike). */
export const h = (s: string | number | null | undefined) => String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** An environment's branding: name, logo (a data: URL) and a validated #rrggbb colour. */
export interface PageBrand {
  name: string;
  logo: string | null;
  color: string;
}

export const DEFAULT_BRAND_COLOR = '#4f46e5';

/*
 * One stylesheet, inline (the CSP allows no other source): labels above full-width inputs, a card
 * that shrinks to the viewport (no horizontal scroll at 360 px), dark mode from the OS setting,
 * visible focus rings for keyboard use. The brand colour is a validated #rrggbb.
 */
function styles(color: string, width: number): string {
  return `:root{--brand:${color};--bg:#f4f5f7;--card:#fff;--text:#16181d;--muted:#535a66;--border:#c9ced6;--error:#b3261e;--ok:#1b6b35;--link:#3730a3;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--card:#1a1d24;--text:#eceef2;--muted:#b0b6c2;--border:#4a505c;--error:#ffb4ab;--ok:#8fd6a3;--link:#c7d2fe}}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text);display:flex;flex-direction:column;align-items:center;padding:5vh 12px}
main{width:100%;max-width:${width}px;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:28px 24px;box-shadow:0 2px 10px #0000000f}
.logo{display:block;max-height:40px;max-width:160px;margin:0 auto 12px}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 8px;text-align:center}
h2{font-size:1.1rem;margin:22px 0 8px}
p{margin:0 0 12px}.lead{color:var(--muted);text-align:center}
form{display:grid;gap:14px;margin:16px 0 0}
label{display:block;font-weight:600;font-size:.92rem;margin-bottom:4px}
input[type=email],input[type=password],input[type=text],input[type=url],select,textarea{display:block;width:100%;padding:10px 12px;font:inherit;color:var(--text);background:var(--card);border:1px solid var(--border);border-radius:8px}
textarea{min-height:8em;font-family:ui-monospace,monospace;font-size:.85rem}
input[aria-invalid=true],textarea[aria-invalid=true]{border-color:var(--error)}
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
.ok{color:var(--ok);font-weight:600}
.hint{color:var(--muted);font-size:.85rem;margin:4px 0 0}
.meter{display:flex;align-items:center;gap:8px;margin-top:6px}.meter meter{flex:1;height:8px}
.qr{display:block;margin:8px auto;width:200px;max-width:100%;height:auto;background:#fff;padding:8px;border-radius:8px}
.secret{font-family:ui-monospace,monospace;word-break:break-all;text-align:center}
fieldset{border:0;padding:0;margin:0;display:grid;gap:8px}legend{font-weight:600;margin-bottom:4px}
.option{display:flex;align-items:center;gap:10px;border:1px solid var(--border);border-radius:8px;padding:10px 12px}.option label{margin:0;font-weight:500}
.code{letter-spacing:.3em;font-family:ui-monospace,monospace;text-align:center}
dl.facts{display:grid;grid-template-columns:minmax(0,1fr);gap:2px 12px;margin:0 0 12px}dl.facts dt{font-weight:600;font-size:.9rem;margin-top:8px}dl.facts dd{margin:0;font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
.table{width:100%;overflow-x:auto}table{width:100%;border-collapse:collapse;font-size:.88rem}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--border);vertical-align:top}td code,dd code{word-break:break-all}
.notice{border:1px solid var(--border);border-left:4px solid var(--brand);border-radius:8px;padding:10px 12px;margin:12px 0}
.notice.warn{border-left-color:var(--error)}
nav.tabs{display:flex;flex-wrap:wrap;gap:8px;justify-content:center;margin:0 0 12px;font-size:.92rem}
footer{margin-top:16px;color:var(--muted);font-size:.8rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
}

/** A whole HTML document: the page's title (already translated), body, footer text, and at most one nonce'd script. */
export function pageDocument(p: { locale: string; brand: PageBrand; title: string; body: string; footer: string; nonce?: string; script?: string; width?: number }): string {
  const logo = p.brand.logo ? `<img class="logo" src="${h(p.brand.logo)}" alt="${h(p.brand.name)}">` : '';
  const script = p.script && p.nonce ? `<script nonce="${h(p.nonce)}">${p.script}</script>` : '';
  return `<!doctype html>
<html lang="${h(p.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(p.title)} · ${h(p.brand.name)}</title>
<style>${styles(p.brand.color, p.width ?? 400)}</style>
</head>
<body>
<main>
${logo}<h1>${h(p.title)}</h1>
${p.body}
</main>
<footer>${h(p.footer)}</footer>
${script}
</body>
</html>
`;
}

/** The CSRF token as a hidden field of a form (empty without one). */
export function csrfInput(token: string | null): string {
  return token ? `<input type="hidden" name="csrf_token" value="${h(token)}">` : '';
}

/** An inline error, announced to screen readers; fields point to it with aria-describedby `form-error`. */
export function alertBox(text: string | null | undefined): string {
  return text ? `<p class="error" id="form-error" role="alert">${h(text)}</p>` : '';
}

/** A labelled full-width input; an error on the form marks it invalid and points to the message. */
export function field(p: { name: string; label: string; type?: string; value?: string; autocomplete?: string; required?: boolean; invalid?: boolean; readonly?: boolean; hint?: string; extra?: string }): string {
  const id = `f-${p.name}`;
  const described = [p.hint ? `${id}-hint` : '', p.invalid ? 'form-error' : ''].filter(Boolean).join(' ');
  return `<div><label for="${id}">${h(p.label)}</label><input id="${id}" name="${h(p.name)}" type="${p.type ?? 'text'}"${p.value ? ` value="${h(p.value)}"` : ''}${p.autocomplete ? ` autocomplete="${p.autocomplete}"` : ''}${p.required === false ? '' : ' required'}${p.readonly ? ' readonly' : ''}${p.invalid ? ' aria-invalid="true"' : ''}${described ? ` aria-describedby="${described}"` : ''}${p.extra ? ` ${p.extra}` : ''}>${p.hint ? `<p class="hint" id="${id}-hint">${h(p.hint)}</p>` : ''}</div>`;
}

export function links(items: Array<[string, string]>, label = 'More'): string {
  return `<nav class="links" aria-label="${h(label)}">${items.map(([href, text]) => `<a href="${h(href)}">${h(text)}</a>`).join('')}</nav>`;
}
