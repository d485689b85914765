// Server-rendered pages of the demo "Expenser" app. Everything dynamic goes
// through `escapeHtml`; the script (`/app.js`) adds behaviour, but every page
// reads and every link works without it.
import { DEMO_EXPENSES, formatAmount } from './expenses.ts';
import { messageFor } from './messages.ts';

export interface PageUser {
  id: string;
  email: string;
  name?: string;
  providers: string[];
  google?: { email: string };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(input: { title: string; page: string; user: PageUser | null; main: string }): string {
  const { title, page, user, main } = input;
  const nav = user
    ? `<nav aria-label="Main">
        <a href="/expenses"${page === 'expenses' ? ' aria-current="page"' : ''}>Expenses</a>
        <a href="/account"${page === 'account' ? ' aria-current="page"' : ''}>Account</a>
        <button id="signout" type="button" class="link">Sign out</button>
      </nav>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · Expenser</title>
  <link rel="stylesheet" href="/app.css">
  <link rel="icon" href="data:,">
</head>
<body data-signed-in="${user ? 'true' : 'false'}" data-page="${page}">
  <a class="skip" href="#main">Skip to content</a>
  <header class="bar">
    <a class="brand" href="/">Expenser</a>
    ${nav}
  </header>
  <main id="main" tabindex="-1">
${main}
  </main>
  <script type="module" src="/app.js"></script>
</body>
</html>
`;
}

function messages(input: { error?: string | null; status?: string | null }): string {
  const error = input.error ? messageFor(input.error) : '';
  return `<p id="error" class="error" role="alert"${error ? '' : ' hidden'}>${escapeHtml(error)}</p>
    <p id="status" class="status" role="status" aria-live="polite">${escapeHtml(input.status ?? '')}</p>`;
}

/** `/login`: passkey sign-in (with autofill), sign-up, Google. */
export function loginPage(input: {
  user: PageUser | null;
  error: string | null;
  status: string | null;
  returnTo: string;
}): string {
  const { user, returnTo } = input;
  const signedIn = user
    ? `<p class="card note" id="already">You are signed in as <strong>${escapeHtml(user.email)}</strong>.
        <a href="/expenses">Go to your expenses</a>.</p>`
    : '';
  const main = `
    <h1>Sign in to Expenser</h1>
    ${messages(input)}
    ${signedIn}
    <section class="card" aria-labelledby="signin-heading">
      <h2 id="signin-heading">Sign in</h2>
      <form id="signin-form" data-return-to="${escapeHtml(returnTo)}">
        <label for="signin-email">Email</label>
        <input id="signin-email" name="username" type="email" autocomplete="username webauthn"
          inputmode="email" autocapitalize="off" spellcheck="false" aria-describedby="signin-hint">
        <p id="signin-hint" class="hint">Pick your passkey from the suggestions, or type your email.</p>
        <button id="signin" type="submit" class="primary">Sign in with a passkey</button>
      </form>
      <button id="signin-usernameless" type="button">Use a passkey without typing your email</button>
      <p class="divider"><span>or</span></p>
      <a id="google-signin" class="button google" href="/auth/google?returnTo=${escapeHtml(encodeURIComponent(returnTo).replace(/%2F/g, '/'))}">Continue with Google</a>
    </section>
    <section class="card" aria-labelledby="signup-heading">
      <h2 id="signup-heading">New to Expenser?</h2>
      <form id="signup-form">
        <label for="signup-email">Email</label>
        <input id="signup-email" name="email" type="email" autocomplete="email" required
          inputmode="email" autocapitalize="off" spellcheck="false">
        <label for="signup-name">Your name <span class="optional">(optional)</span></label>
        <input id="signup-name" name="name" type="text" autocomplete="name" maxlength="64">
        <button id="signup" type="submit">Create account</button>
        <p class="hint">No password to remember: your device creates a passkey.</p>
      </form>
    </section>`;
  return layout({ title: 'Sign in', page: 'login', user, main });
}

/** `/expenses`: the protected page (checked on the server). */
export function expensesPage(user: PageUser): string {
  const total = DEMO_EXPENSES.reduce((sum, e) => sum + e.amountCents, 0);
  const rows = DEMO_EXPENSES.map(
    (e) => `<tr><td class="date">${escapeHtml(e.date)}</td><td>${escapeHtml(e.merchant)}</td>
      <td class="category">${escapeHtml(e.category)}</td><td class="num">${escapeHtml(formatAmount(e.amountCents))}</td></tr>`,
  ).join('\n');
  const main = `
    <h1>Expenses</h1>
    <p id="me">Signed in as <strong>${escapeHtml(user.email)}</strong></p>
    ${messages({})}
    <div class="card table-wrap">
      <table>
        <caption>November 2026 (sample data)</caption>
        <thead><tr><th scope="col">Date</th><th scope="col">Merchant</th><th scope="col" class="category">Category</th><th scope="col" class="num">Amount</th></tr></thead>
        <tbody>${rows}</tbody>
        <tfoot><tr><th scope="row" colspan="2">Total</th><td class="category"></td><td class="num">${escapeHtml(formatAmount(total))}</td></tr></tfoot>
      </table>
    </div>`;
  return layout({ title: 'Expenses', page: 'expenses', user, main });
}

/** `/account`: the name given at sign-up, passkeys (list, add, rename, delete), Google linking. */
export function accountPage(input: { user: PageUser; error: string | null }): string {
  const { user } = input;
  const googleLinked = user.providers.includes('google');
  const google = googleLinked
    ? `<p id="google-linked">Linked to <strong>${escapeHtml(user.google?.email ?? 'your Google account')}</strong>. You can sign in with it.</p>
       <button id="unlink-google" type="button">Unlink Google</button>`
    : `<p>Sign in with Google as well as with your passkeys.</p>
       <button id="link-google" type="button" class="google">Link your Google account</button>`;
  const main = `
    <h1>Your account</h1>
    ${user.name ? `<p id="me-name" class="account-name">${escapeHtml(user.name)}</p>` : ''}
    <p id="me">Signed in as <strong>${escapeHtml(user.email)}</strong></p>
    ${messages({ error: input.error })}
    <div id="reauth-box" class="card warn" hidden>
      <p id="reauth-text">For your security, confirm it is you with your passkey. Your change then goes ahead by itself.</p>
      <button id="reauth" type="button" class="primary">Confirm with your passkey</button>
      <button id="reauth-cancel" type="button">Cancel</button>
    </div>
    <section class="card" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p class="hint">Passkeys let you sign in with your fingerprint, face or screen lock. Keep at least two.</p>
      <ul id="passkey-list" class="passkeys" aria-busy="true" data-google-linked="${googleLinked}"><li class="hint">Loading…</li></ul>
      <form id="add-form">
        <label for="add-nickname">Name for the new passkey <span class="optional">(optional)</span></label>
        <input id="add-nickname" name="nickname" type="text" maxlength="64" autocomplete="off">
        <button id="add-passkey" type="submit" class="primary">Add a passkey</button>
      </form>
    </section>
    <section class="card" aria-labelledby="google-heading">
      <h2 id="google-heading">Google</h2>
      ${google}
    </section>
    <section class="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      <ul id="session-list" class="sessions" aria-busy="true"><li class="hint">Loading…</li></ul>
      <button id="signout-everywhere" type="button" class="danger">Sign out everywhere</button>
    </section>`;
  return layout({ title: 'Account', page: 'account', user, main });
}
