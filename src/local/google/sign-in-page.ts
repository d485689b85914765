const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The stand-in's only interaction page. It says plainly that it is not Google,
 * so nobody mistakes a local run for the real thing.
 */
export function signInPage({
  action,
  clientId,
  error,
}: {
  action: string;
  clientId: string;
  error?: string;
}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LOCAL STAND-IN for Google sign-in</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }
.banner { background: #fff3cd; border: 2px solid #b58100; padding: .75rem; font-weight: bold; }
label, input, button { display: block; width: 100%; margin-top: .75rem; font-size: 1rem; }
input, button { padding: .5rem; box-sizing: border-box; }
.error { color: #b00020; }
</style>
</head>
<body>
<p class="banner" role="note">LOCAL STAND-IN for Google — this is not Google. Any email signs in as that Google user, with no password.</p>
<h1>Sign in with "Google" (local)</h1>
<p>Requested by client <code>${escapeHtml(clientId)}</code>.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus>
<button type="submit">Continue</button>
</form>
</body>
</html>`;
}

export function errorPage(title: string, detail: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LOCAL STAND-IN for Google: ${escapeHtml(title)}</title></head>
<body><p><strong>LOCAL STAND-IN for Google</strong></p><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`;
}
