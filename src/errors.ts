/** Error codes of the HTTP contract (docs/api.md). */
export type AuthErrorCode =
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'csrf_failed'
  | 'code_invalid'
  | 'recovery_session'
  | 'passkey_rejected'
  | 'unauthenticated'
  | 'reauth_required'
  | 'last_sign_in_method'
  | 'not_found'
  | 'rate_limited'
  | 'internal_error';

/** Base class of every error that maps to an HTTP answer with a code from docs/api.md. */
export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly status: number;
  /** Extra response headers, e.g. `Retry-After` for `rate_limited`. */
  readonly headers: Record<string, string>;

  constructor(
    code: AuthErrorCode,
    status: number,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = this.constructor.name;
    this.code = code;
    this.status = status;
    this.headers = options.headers ?? {};
  }
}

/** A client-supplied value failed validation. */
export class InvalidRequestError extends AuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_request', 400, message, options);
  }
}

/**
 * A WebAuthn ceremony failed. Sign-in failures are deliberately uniform: the
 * message never says which check failed (docs/security.md, "unknown credential"
 * and "bad signature" indistinguishable).
 */
export class PasskeyRejectedError extends AuthError {
  constructor(status: 400 | 401, options?: { cause?: unknown }) {
    super('passkey_rejected', status, 'The passkey could not be verified.', options);
  }
}

export class UnauthenticatedError extends AuthError {
  constructor(message = 'You are not signed in.') {
    super('unauthenticated', 401, message);
  }
}

export class CsrfError extends AuthError {
  constructor(message = 'The request failed the CSRF check.') {
    super('csrf_failed', 403, message);
  }
}

/** An emailed code was wrong, used, expired, for another address or another browser: one answer for all. */
export class CodeInvalidError extends AuthError {
  constructor() {
    super(
      'code_invalid',
      400,
      'The code is wrong or has expired. Check the latest email, or ask for a new code.',
    );
  }
}

/** A recovery session may only read the user, add a passkey and sign out (docs/api.md "Passkey management"). */
export class RecoverySessionError extends AuthError {
  constructor() {
    super('recovery_session', 403, 'Add a passkey first: a recovery session can do nothing else.');
  }
}

/** A sensitive change needs a sign-in within the last few minutes (docs/api.md "Passkey management"). */
export class ReauthRequiredError extends AuthError {
  constructor() {
    super('reauth_required', 401, 'Sign in again to confirm it is you, then retry.');
  }
}

/** Deleting this would leave the account with no way to sign in. */
export class LastSignInMethodError extends AuthError {
  constructor() {
    super(
      'last_sign_in_method',
      409,
      'This is your only way to sign in. Add another passkey or link Google first.',
    );
  }
}

/** No such resource for this user (also when it belongs to someone else: existence is never revealed). */
export class NotFoundError extends AuthError {
  constructor(message = 'Not found.') {
    super('not_found', 404, message);
  }
}

export class RateLimitedError extends AuthError {
  constructor(retryAfterSeconds: number) {
    super('rate_limited', 429, 'Too many failed attempts. Try again later.', {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}

/** Time source, injected so tests control it. Milliseconds since the epoch. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
