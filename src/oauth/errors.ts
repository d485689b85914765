import { AuthError, type AuthErrorCode } from '../errors.ts';

/**
 * Codes the Google callback puts in `FRONTEND_URL/login?error=<code>`
 * (README "Google sign-in"). They name what the user can do, never which
 * internal check failed.
 */
export type GoogleErrorCode =
  /** The user cancelled at Google or the hosted UI (`error=access_denied`). */
  | 'google_cancelled'
  /** The callback did not belong to a transaction begun in this browser (missing, forged, replayed or expired state). */
  | 'google_state_invalid'
  /** Anything else went wrong (code exchange, ID-token verification, Cognito); start again. */
  | 'google_failed'
  /** An account with this email exists and its email is not verified: sign in with the passkey, then link Google from the account page. */
  | 'account_exists_sign_in_with_passkey'
  /** Linking needs a sign-in within the last 5 minutes. */
  | 'reauth_required'
  /** The Google account already belongs to another expenser account and cannot be linked. */
  | 'google_account_in_use';

/**
 * The `AuthError` each redirect code is: the nearest code of docs/api.md and
 * its status. The Google routes never answer with them (the browser is
 * navigating, so a failure is a 302 carrying the redirect code), but whatever
 * handles an `AuthError` sees a code the contract already has: none is added
 * for Google.
 */
const AUTH_ERROR_OF: Record<GoogleErrorCode, { code: AuthErrorCode; status: number }> = {
  // Google did not sign anyone in.
  google_cancelled: { code: 'unauthenticated', status: 401 },
  google_failed: { code: 'unauthenticated', status: 401 },
  account_exists_sign_in_with_passkey: { code: 'unauthenticated', status: 401 },
  // `state` is the Google flow's CSRF protection (RFC 6749 §10.12).
  google_state_invalid: { code: 'csrf_failed', status: 403 },
  reauth_required: { code: 'reauth_required', status: 401 },
  // A link the service cannot make: this Google identity already has its own account.
  google_account_in_use: { code: 'invalid_request', status: 400 },
};

/**
 * A failure in the Google flow. The route turns it into a redirect to the
 * login or account page with `redirectCode`; `code` and `status` are those of
 * the `AuthError` it is (see `AUTH_ERROR_OF`).
 */
export class GoogleSignInError extends AuthError {
  /** What `/login?error=` or `/account?error=` carries. */
  readonly redirectCode: GoogleErrorCode;
  constructor(redirectCode: GoogleErrorCode, message: string, options?: { cause?: unknown }) {
    const { code, status } = AUTH_ERROR_OF[redirectCode];
    super(code, status, message, options);
    this.redirectCode = redirectCode;
  }
}
