// Server-rendered pages of the demo "Expenser" app. Everything dynamic goes
// through `escapeHtml`; the script (`/app.js`) adds behaviour, but every page
// reads and every link works without it.
import { DEMO_EXPENSES, formatAmount } from './expenses.ts';
import { messageFor } from './messages.ts';

export interface PageUser {
  id: string;
  email: string;
  /** False for accounts from before sign-up verified the email: the account page offers to verify it. */
  emailVerified: boolean;
  name?: string;
  providers: string[];
  google?: { email: string };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(input: { title: string; page: string; user: PageUser | null; main: string }): string {
  const { title, page, user, main } = input;
  // A recovery session opens no page but the one that adds a passkey: no links to the others.
  const links =
    page === 'recovery'
      ? ''
      : `<a href="/expenses"${page === 'expenses' ? ' aria-current="page"' : ''}>Expenses</a>
        <a href="/account"${page === 'account' ? ' aria-current="page"' : ''}>Account</a>`;
  const nav = user
    ? `<nav aria-label="Main">
        ${links}
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

/**
 * The step after a code was mailed: one field for the code, a submit button,
 * "send a new code". Hidden until the script has sent the code; ids start
 * with `prefix` (`${prefix}-code-form`, `${prefix}-code`, `${prefix}-code-to`,
 * `${prefix}-verify`, `${prefix}-resend`).
 */
function codeStep(input: { prefix: string; submit: string; hint: string; extra?: string }): string {
  const { prefix, submit, hint } = input;
  return `<form id="${prefix}-code-form" class="code-step" hidden>
        <p id="${prefix}-code-sent" class="sent">We sent a 6-digit code to <strong id="${prefix}-code-to"></strong>.</p>
        <label for="${prefix}-code">Code from the email</label>
        <input id="${prefix}-code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric"
          pattern="[0-9]{6}" title="The 6 digits from the email" required autocapitalize="off" spellcheck="false"
          aria-describedby="${prefix}-code-sent ${prefix}-code-hint" class="code">
        <p id="${prefix}-code-hint" class="hint">${hint}</p>
        <button id="${prefix}-verify" type="submit" class="primary">${submit}</button>
        <button id="${prefix}-resend" type="button">Send a new code</button>${input.extra ?? ''}
      </form>`;
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
      <details id="recover" class="recover">
        <summary>Lost your passkey?</summary>
        <p class="hint">We email a code to your account's address. It signs you in for 10 minutes, only to add a new passkey.</p>
        <form id="recover-form">
          <label for="recover-email">Your account's email</label>
          <input id="recover-email" name="email" type="email" autocomplete="email" required
            inputmode="email" autocapitalize="off" spellcheck="false">
          <button id="recover-send" type="submit">Email me a code</button>
        </form>
        ${codeStep({
          prefix: 'recover',
          submit: 'Continue',
          hint: 'It works for 10 minutes. No code? Only the verified address of an account gets one: check the spelling and your spam folder.',
          extra:
            '\n          <button id="recover-back" type="button" class="link">Use another email</button>',
        })}
      </details>
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
        <p class="hint">No password to remember: we email you a code, then your device creates a passkey.</p>
      </form>
      ${codeStep({
        prefix: 'signup',
        submit: 'Create my passkey',
        hint: 'It works for 10 minutes. If this email already has an account, the email says so instead: sign in above.',
        extra: '\n        <button id="signup-back" type="button" class="link">Use another email</button>',
      })}
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

/** "Verify your email", for an account from before sign-up verified it. */
function verifyEmailBanner(user: PageUser): string {
  if (user.emailVerified) return '';
  return `<section id="verify-email" class="card warn" aria-labelledby="verify-email-heading">
      <h2 id="verify-email-heading">Verify your email</h2>
      <p>Confirm that <strong>${escapeHtml(user.email)}</strong> is yours. Until you do, you cannot get back into
        your account by email if you lose your passkeys, and someone who verifies this address can claim it.</p>
      <button id="verify-email-send" type="button" class="primary">Email me a code</button>
      ${codeStep({ prefix: 'verify-email', submit: 'Verify my email', hint: 'It works for 10 minutes.' })}
    </section>`;
}

/** The step-up box: a passkey prompt, or (for an account with no passkey) an emailed code. */
function reauthBox(user: PageUser): string {
  return `<div id="reauth-box" class="card warn" hidden>
      <p id="reauth-text">For your security, confirm it is you with your passkey. Your change then goes ahead by itself.</p>
      <button id="reauth" type="button" class="primary">Confirm with your passkey</button>
      <div id="reauth-email" hidden data-email="${escapeHtml(user.email)}">
        <button id="reauth-send" type="button" class="primary">Email me a code</button>
        ${codeStep({ prefix: 'reauth', submit: 'Confirm', hint: 'It works for 10 minutes.' })}
      </div>
      <button id="reauth-cancel" type="button">Cancel</button>
    </div>`;
}

/** Change the account's email: a code to the new address (after a step-up). */
function emailSection(user: PageUser): string {
  return `<section class="card" aria-labelledby="email-heading">
      <h2 id="email-heading">Email</h2>
      <p>Your email is <strong id="current-email">${escapeHtml(user.email)}</strong>.</p>
      <button id="change-email" type="button">Change email</button>
      <form id="change-email-form" hidden>
        <label for="change-email-input">New email</label>
        <input id="change-email-input" name="email" type="email" autocomplete="email" required
          inputmode="email" autocapitalize="off" spellcheck="false" aria-describedby="change-email-hint">
        <p id="change-email-hint" class="hint">We email a code to the new address and tell the old one. Your other devices are signed out.</p>
        <button id="change-email-send" type="submit" class="primary">Email a code to the new address</button>
        <button id="change-email-cancel" type="button">Cancel</button>
      </form>
      ${codeStep({ prefix: 'change-email', submit: 'Change my email', hint: 'It works for 10 minutes.' })}
    </section>`;
}

/** Delete the account, after typing its email (and a step-up). */
function deleteSection(user: PageUser): string {
  return `<section class="card" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete your account</h2>
      <p id="delete-account-what">This deletes your Expenser account for good: every passkey, the link to Google,
        and your sign-in on every device. Your email address is freed, so it can sign up again. This cannot be undone.</p>
      <button id="delete-account" type="button" class="danger">Delete account…</button>
      <form id="delete-account-form" hidden aria-describedby="delete-account-what">
        <label for="delete-account-email">To confirm, type your email: <strong>${escapeHtml(user.email)}</strong></label>
        <input id="delete-account-email" name="email" type="email" autocomplete="off" required
          inputmode="email" autocapitalize="off" spellcheck="false" data-expected="${escapeHtml(user.email)}">
        <button id="delete-account-confirm" type="submit" class="danger">Delete my account</button>
        <button id="delete-account-cancel" type="button">Cancel</button>
      </form>
    </section>`;
}

/** `/account`: the name given at sign-up, email, passkeys (list, add, rename, delete), Google linking, sessions, deletion. */
export function accountPage(input: { user: PageUser; error: string | null; status?: string | null }): string {
  const { user } = input;
  const googleLinked = user.providers.includes('google');
  const google = googleLinked
    ? `<p id="google-linked">Linked to <strong>${escapeHtml(user.google?.email ?? 'your Google account')}</strong>. You can sign in with it.</p>
       <button id="unlink-google" type="button">Unlink Google</button>`
    : `<p>Sign in with Google as well as with your passkeys.</p>
       <button id="link-google" type="button" class="google">Link your Google account</button>`;
  const main = `
    <h1>Your account</h1>
    ${user.name && user.name !== user.email ? `<p id="me-name" class="account-name">${escapeHtml(user.name)}</p>` : ''}
    <p id="me">Signed in as <strong>${escapeHtml(user.email)}</strong></p>
    ${messages({ error: input.error, status: input.status ?? null })}
    ${verifyEmailBanner(user)}
    ${reauthBox(user)}
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
    </section>
    ${emailSection(user)}
    ${deleteSection(user)}`;
  return layout({ title: 'Account', page: 'account', user, main });
}

/**
 * What a recovery session sees instead of `/expenses` or `/account`: it may
 * only add a passkey (docs/api.md "Passkey management"), so the page asks for
 * one at once and says why nothing else opens yet.
 */
export function recoveryPage(input: { user: PageUser }): string {
  const { user } = input;
  const main = `
    <h1>Add a new passkey</h1>
    <p id="me">Recovering <strong>${escapeHtml(user.email)}</strong></p>
    ${messages({})}
    <section id="recovery-box" class="card warn" aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">Your account is open to add a passkey, and nothing else</h2>
      <p>You signed in with a code from your email. This session lasts 10 minutes and can only add a passkey.
        Once you have one, your expenses and your account page open as usual.</p>
      <form id="recovery-add-form">
        <label for="recovery-nickname">Name for the new passkey <span class="optional">(optional)</span></label>
        <input id="recovery-nickname" name="nickname" type="text" maxlength="64" autocomplete="off">
        <button id="recovery-add-passkey" type="submit" class="primary">Add a new passkey</button>
      </form>
      <p class="hint">Then delete the passkey you lost from your account page, so nobody can use it.</p>
    </section>`;
  return layout({ title: 'Add a new passkey', page: 'recovery', user, main });
}
