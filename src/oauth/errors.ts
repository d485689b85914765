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

/** A failure in the Google flow; the route turns it into a redirect to the login page. */
export class GoogleSignInError extends Error {
  readonly code: GoogleErrorCode;
  constructor(code: GoogleErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.code = code;
  }
}
