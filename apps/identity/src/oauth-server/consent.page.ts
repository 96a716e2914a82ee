const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ConsentPage {
  applicationName: string;
  scopes: string[];
  resources: string[];
  confirmAction: string;
  abortAction: string;
}

/** The consent screen of a third-party application. No scripts; every value is escaped. */
export function renderConsentPage(p: ConsentPage): string {
  const items = p.scopes.map((s) => `<li><code>${escape(s)}</code></li>`).join('');
  const resources = p.resources.length ? `<p>for ${p.resources.map((r) => `<code>${escape(r)}</code>`).join(', ')}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize ${escape(p.applicationName)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}button{padding:.5rem 1rem;margin-right:.5rem}</style></head>
<body><main>
<h1>Authorize ${escape(p.applicationName)}</h1>
<p><strong>${escape(p.applicationName)}</strong> asks for access to your account:</p>
<ul id="scopes">${items || '<li>your identity</li>'}</ul>${resources}
<form method="post" action="${escape(p.confirmAction)}" style="display:inline"><button type="submit" id="allow">Allow</button></form>
<form method="post" action="${escape(p.abortAction)}" style="display:inline"><button type="submit" id="deny">Deny</button></form>
</main></body></html>`;
}
