/*
 * The console's one stylesheet, inline (the CSP allows no other source; nothing is fetched from a
 * CDN). Colours meet WCAG AA contrast in light and dark mode; focus rings are visible.
 */
export const CONSOLE_STYLES = `:root{--brand:#4338ca;--bg:#f4f5f7;--card:#fff;--text:#16181d;--muted:#4b5260;--border:#c9ced6;--error:#b3261e;--ok:#1b6b35;--link:#3730a3;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--card:#1a1d24;--text:#eceef2;--muted:#b0b6c2;--border:#4a505c;--error:#ffb4ab;--ok:#8fd6a3;--link:#c7d2fe;--brand:#6366f1}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text)}
a{color:var(--link)}:focus-visible{outline:3px solid var(--brand);outline-offset:2px}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:16px;padding:10px 20px;background:var(--card);border-bottom:1px solid var(--border)}
.brand{font-weight:700;text-decoration:none;color:var(--text);margin-right:auto}
.switcher{display:flex;align-items:center;gap:6px}.switcher label{font-weight:600;font-size:.9rem}
.who{display:flex;align-items:center;gap:10px;font-size:.9rem;color:var(--muted)}
.frame{display:flex;align-items:flex-start;gap:20px;padding:20px;max-width:1280px;margin:0 auto}
nav[aria-label=Sections]{flex:0 0 190px}nav ul{list-style:none;margin:0;padding:0;display:grid;gap:2px}
nav a{display:block;padding:6px 10px;border-radius:6px;text-decoration:none;color:var(--text)}nav a[aria-current=page]{background:var(--brand);color:#fff;font-weight:600}
main{flex:1;min-width:0;background:var(--card);border:1px solid var(--border);border-radius:10px;padding:20px 24px}
body.bare main{max-width:520px;margin:10vh auto}
h1{font-size:1.4rem;margin:0 0 6px}h2{font-size:1.1rem;margin:24px 0 8px}h3{font-size:.95rem;margin:14px 0 4px}
.env{color:var(--muted);margin:0 0 12px;font-size:.9rem}
form{display:flex;flex-wrap:wrap;align-items:flex-end;gap:10px;margin:10px 0}form.inline{display:inline-flex;margin:0}
.field{display:flex;flex-direction:column;gap:3px;min-width:220px;flex:1}.field label{font-weight:600;font-size:.88rem}
input,select,textarea{font:inherit;padding:7px 9px;color:var(--text);background:var(--card);border:1px solid var(--border);border-radius:6px}
textarea{width:100%;min-height:7em;font-family:ui-monospace,monospace;font-size:.85rem}
button{font:inherit;font-weight:600;padding:7px 14px;border-radius:6px;border:1px solid transparent;cursor:pointer}
.primary{background:var(--brand);color:#fff}.secondary{background:transparent;color:var(--text);border-color:var(--border)}.danger{background:transparent;color:var(--error);border-color:var(--error)}
.hint{color:var(--muted);font-size:.82rem;margin:0}
.table{overflow-x:auto}table{width:100%;border-collapse:collapse;font-size:.88rem}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--border);vertical-align:top}code{font-family:ui-monospace,monospace;font-size:.85em;word-break:break-all}
.notice{border:1px solid var(--border);border-left:4px solid var(--ok);border-radius:6px;padding:8px 12px;margin:10px 0}.notice.warn{border-left-color:var(--error)}
.error{color:var(--error);font-weight:600}.ok{color:var(--ok);font-weight:600}.empty{color:var(--muted)}
.secret{font-family:ui-monospace,monospace;font-size:1rem;padding:10px;border:1px dashed var(--brand);border-radius:6px;word-break:break-all}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
.scripts{margin-top:28px;border-top:1px solid var(--border)}.scripts .label{margin:6px 0 2px;font-size:.8rem;font-weight:600;color:var(--muted)}
pre{background:var(--bg);border:1px solid var(--border);border-radius:6px;padding:8px 10px;overflow-x:auto;font-size:.82rem;margin:0}
details{margin:4px 0}summary{cursor:pointer}
.stats{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}.stats>div{border:1px solid var(--border);border-radius:8px;padding:10px 14px;min-width:190px}.stats dt{font-size:.85rem;color:var(--muted)}.stats dd{margin:0;font-size:1.6rem;font-weight:700}
figure.usage-chart{margin:8px 0 12px}figure.usage-chart figcaption{font-size:13px;color:var(--muted)}.chart{max-width:100%;height:auto}.chart text{fill:var(--text);font-size:11px}.chart .bar{fill:var(--brand)}.chart .axis{stroke:var(--muted)}
@media (max-width:760px){.frame{flex-direction:column}nav[aria-label=Sections]{flex:none;width:100%}nav ul{grid-template-columns:repeat(auto-fill,minmax(140px,1fr))}}`;
