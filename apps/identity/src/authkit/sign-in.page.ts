/** The hosted AuthKit sign-in page: one self-contained HTML document, no scripts. */
export interface SignInPage {
  /** Where the form posts (relative to the gateway, which the browser is talking to). */
  action: string;
  authorizationRequest: string;
  email?: string;
  error?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function renderSignInPage(page: SignInPage): string {
  const error = page.error ? `<p class="error" role="alert">${escapeHtml(page.error)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<style>
body{font-family:system-ui,sans-serif;background:#f6f7f9;display:flex;justify-content:center;padding-top:10vh}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:20rem;display:grid;gap:.75rem}
input{padding:.5rem;font-size:1rem}button{padding:.6rem;font-size:1rem;cursor:pointer}.error{color:#b00020;margin:0}
</style>
</head>
<body>
<form method="post" action="${escapeHtml(page.action)}">
<h1>Sign in</h1>
${error}
<label>Email <input type="email" name="email" autocomplete="username" required value="${escapeHtml(page.email ?? '')}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<input type="hidden" name="authorization_request" value="${escapeHtml(page.authorizationRequest)}">
<button type="submit">Continue</button>
</form>
</body>
</html>
`;
}
