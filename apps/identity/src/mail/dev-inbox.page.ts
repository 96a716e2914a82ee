import type { InboxEmail } from './dev-inbox.service';

const esc = (v: string) => v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The inbox as one page. Every value is escaped and the HTML body is shown in a sandboxed iframe
 * (no scripts, no same-origin), so a crafted email cannot act on this origin.
 */
export function renderInboxPage(emails: InboxEmail[], to?: string): string {
  const items = emails
    .map(
      (m) => `<article>
<h2>${esc(m.subject)}</h2>
<p class="meta">#${esc(m.id)} · ${esc(m.template)} · to <a href="?to=${encodeURIComponent(m.to)}">${esc(m.to)}</a> · from ${esc(m.from)}${m.reply_to ? ` · reply to ${esc(m.reply_to)}` : ''} · ${esc(m.environment_id)} · ${esc(m.sent_at ?? '')}</p>
<pre>${esc(m.text)}</pre>
<details><summary>HTML</summary><iframe sandbox srcdoc="${esc(m.html)}"></iframe></details>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Development inbox</title>
<style>body{font:15px system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}article{border-top:1px solid #ccc;padding:.5rem 0}.meta{color:#555;font-size:13px}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}iframe{width:100%;height:12rem;border:1px solid #ddd}</style>
</head><body>
<h1>Development inbox${to ? ` for ${esc(to)}` : ''}</h1>
<p>Emails this identity service would have sent (no SMTP_HOST). Newest first, at most 50. Development only. <a href="/dev/mail">All</a></p>
${items || '<p>No email yet.</p>'}
</body></html>`;
}
