import { googleSubFor } from './google-account.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The stand-in's only interaction page. It says plainly that it is not Google,
 * so nobody mistakes a local run for the real thing.
 */
export function signInPage({
  action,
  clientId,
  email,
  error,
}: {
  action: string;
  clientId: string;
  /** What was typed, kept after a refusal. */
  email?: string;
  error?: string;
}): string {
  return page(`<h1>Sign in with "Google" (local)</h1>
<p>Requested by client <code>${escapeHtml(clientId)}</code>.</p>
${error ? `<p class="error" role="alert" id="email-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus${email ? ` value="${escapeHtml(email)}"` : ''}${error ? ' aria-invalid="true" aria-describedby="email-error"' : ''}>
<button type="submit">Continue</button>
</form>`);
}

/** `prompt=select_account` with an account signed in: pick it, or use another one. */
export function accountChooserPage({
  action,
  clientId,
  email,
  anotherHref,
}: {
  action: string;
  clientId: string;
  email: string;
  anotherHref: string;
}): string {
  return page(`<h1>Choose an account</h1>
<p>to continue to client <code>${escapeHtml(clientId)}</code>.</p>
<form method="post" action="${escapeHtml(action)}">
<button type="submit" name="account" value="${escapeHtml(googleSubFor(email))}" id="choose-account">${escapeHtml(email)}</button>
</form>
<p><a id="use-another-account" href="${escapeHtml(anotherHref)}">Use another account</a></p>`);
}

function page(body: string): string {
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
${body}
</body>
</html>`;
}

export function errorPage(title: string, detail: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LOCAL STAND-IN for Google: ${escapeHtml(title)}</title></head>
<body><p><strong>LOCAL STAND-IN for Google</strong></p><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`;
}
