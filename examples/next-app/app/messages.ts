import { ExpenserAuthError } from 'expenser-auth/client';

// What a person reads for each error code of the API, the client and the Google callback.
const MESSAGES: Readonly<Record<string, string>> = {
  invalid_request: 'Something in the form is not right. Check it and try again.',
  csrf_failed: 'Your page was open too long or in another window. Reload the page and try again.',
  code_invalid: 'That code is wrong or has expired. Check the newest email from us, or ask for a new code.',
  recovery_session: 'You signed in to recover your account, so for now you can only add a new passkey.',
  passkey_rejected: 'That passkey was not accepted. Try again, or use another passkey for this account.',
  unauthenticated: 'You are not signed in, or your session has ended. Sign in to continue.',
  reauth_required: 'For your security, confirm it is you, then try again.',
  last_sign_in_method:
    'You cannot delete your only way to sign in. Add another passkey or link Google first.',
  not_found: 'That item no longer exists. The list has been refreshed.',
  rate_limited: 'Too many attempts or too many emails. Wait a few minutes and try again.',
  network_error: 'The server could not be reached. Check your connection and try again.',
  passkey_cancelled: 'The passkey prompt was closed before it finished. Try again when you are ready.',
  passkey_not_found:
    'No passkey for this account was found on this device. Check the email, use the device that has your passkey, or choose “Lost your passkey?” below.',
  passkey_exists: 'This device already has a passkey for your account. Use another device or security key.',
  passkey_unsupported:
    'This browser cannot use passkeys. Try an up-to-date browser, or continue with Google.',
  google_cancelled: 'Google sign-in was cancelled. You can try again or use a passkey.',
  google_state_invalid:
    'That Google sign-in link expired or was opened in another browser. Start again here.',
  google_failed: 'Google sign-in did not complete. Try again in a moment.',
  account_exists_sign_in_with_passkey:
    'An account with this email already exists. Sign in with your passkey, then link Google from your account page.',
  google_account_in_use: 'That Google account is already linked to another Expenser account.',
};

export function messageFor(code: string | null | undefined): string {
  return (
    (code && Object.hasOwn(MESSAGES, code) ? MESSAGES[code] : undefined) ?? 'Something went wrong. Try again.'
  );
}

export function codeOf(error: unknown): string {
  return error instanceof ExpenserAuthError ? error.code : 'unexpected_response';
}

/** A short snake_case code from `?error=`; anything else reads as unknown (never echoed). */
export function errorParam(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  return /^[a-z][a-z0-9_]{0,63}$/.test(text) ? text : 'unknown';
}

/** Only same-origin relative paths (`/x`, not `//x` or `/\x`). */
export function safePath(value: string | string[] | undefined | null, fallback: string): string {
  const text = Array.isArray(value) ? value[0] : value;
  return text && /^\/(?![/\\])[^\s\\]*$/.test(text) ? text : fallback;
}
