// Human messages for every error code the demo can meet: the API's codes
// (docs/api.md), the browser client's own codes, and the codes the Google
// callback puts in `/login?error=<code>`. Used on the server (the login page's
// `?error=`) and in the browser. An unknown code gets a generic message; the
// code itself is never shown or echoed into the page.

const MESSAGES: Readonly<Record<string, string>> = {
  // API (docs/api.md)
  invalid_request: 'Something in the form is not right. Check it and try again.',
  unsupported_media_type: 'The app sent a request the server could not read. Reload the page and try again.',
  payload_too_large: 'That was too much data to send. Try again with less.',
  csrf_failed: 'Your page was open too long or in another window. Reload the page and try again.',
  code_invalid: 'That code is wrong or has expired. Check the newest email from us, or ask for a new code.',
  recovery_session:
    'You signed in to recover your account, so for now you can only add a new passkey. Add one to continue.',
  passkey_rejected: 'That passkey was not accepted. Try again, or use another passkey for this account.',
  unauthenticated: 'You are not signed in, or your session has ended. Sign in to continue.',
  reauth_required: 'For your security, confirm it is you, then try again.',
  last_sign_in_method:
    'You cannot delete your only way to sign in. Add another passkey or link Google first.',
  not_found: 'That item no longer exists (it was removed or ended elsewhere). The list has been refreshed.',
  rate_limited: 'Too many attempts or too many emails. Wait a few minutes and try again.',
  internal_error: 'Something went wrong on our side. Try again in a moment.',
  // Browser client
  network_error: 'The server could not be reached. Check your connection and try again.',
  passkey_cancelled: 'The passkey prompt was closed before it finished. Try again when you are ready.',
  passkey_not_found:
    'No passkey for this account was found on this device. Check the email, use the device that has your passkey, or choose “Lost your passkey?” below.',
  passkey_exists: 'This device already has a passkey for your account. Use another device or security key.',
  passkey_unsupported:
    'This browser cannot use passkeys. Try an up-to-date browser, or continue with Google.',
  unexpected_response: 'The server sent an unexpected answer. Reload the page and try again.',
  // Google sign-in (the callback's `?error=` codes)
  access_denied: 'Google sign-in was cancelled. You can try again or use a passkey.',
  google_cancelled: 'Google sign-in was cancelled. You can try again or use a passkey.',
  state_mismatch: 'That Google sign-in link expired or was opened in another browser. Start again here.',
  google_state_invalid:
    'That Google sign-in link expired or was opened in another browser. Start again here.',
  google_failed: 'Google sign-in did not complete. Try again in a moment.',
  account_exists_sign_in_with_passkey:
    'An account with this email already exists. Sign in with your passkey, then link Google from your account page.',
  google_account_in_use: 'That Google account is already linked to another Expenser account.',
  server_error: 'Google sign-in did not complete. Try again in a moment.',
  temporarily_unavailable: 'Google sign-in is unavailable right now. Try again in a moment or use a passkey.',
};

const FALLBACK = 'Something went wrong. Try again.';

/** The message for an error code; a generic one for anything unknown. */
export function messageFor(code: string | null | undefined): string {
  return (code && Object.hasOwn(MESSAGES, code) ? MESSAGES[code] : undefined) ?? FALLBACK;
}

/** Every code with its own message (for tests). */
export const KNOWN_ERROR_CODES: readonly string[] = Object.keys(MESSAGES);

/** What the form calls each field the API names in `Invalid field "<field>": …`. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  email: 'The email',
  displayName: 'Your name',
  nickname: 'The passkey name',
  code: 'The code',
};

/** The API's reason (zod's English or the schema's own words) as plain words. */
function reasonFor(reason: string): string | null {
  const tooShort = /^Too small: expected string to have >=?(\d+) characters?/.exec(reason);
  if (tooShort) return tooShort[1] === '1' ? 'cannot be empty or only spaces' : `is too short`;
  const tooLong = /^Too big: expected string to have <=?(\d+) characters?/.exec(reason);
  if (tooLong) return `can be at most ${tooLong[1]} characters`;
  if (/^must be an email address/.test(reason))
    return 'must be a complete email address, like name@example.com';
  if (/^must not contain control characters/.test(reason)) return 'must not contain control characters';
  if (/^must be the 6-digit code/.test(reason)) return 'must be the 6 digits from the email';
  return null;
}

/**
 * The message for an error the API or client raised: for `invalid_request`
 * whose server message names a field the form has (`Invalid field "email": …`),
 * which field and why; otherwise `messageFor(code)`. Only known fields and
 * known reasons are shown, so nothing the server says is echoed verbatim.
 */
export function messageForError(code: string | null | undefined, serverMessage?: string): string {
  if (code === 'invalid_request' && serverMessage) {
    const match = /^Invalid field "([A-Za-z.]+)": (.*)$/.exec(serverMessage);
    const label = match?.[1] && Object.hasOwn(FIELD_LABELS, match[1]) ? FIELD_LABELS[match[1]] : undefined;
    const reason = match?.[2] ? reasonFor(match[2]) : null;
    if (label && reason) return `${label} ${reason}.`;
    if (label) return `${label} is not valid. Check it and try again.`;
  }
  return messageFor(code);
}
