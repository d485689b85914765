import type { AuthErrorCode } from '../../src/errors.ts';

/** Error codes of the HTTP contract (docs/api.md), as the server sends them: the server's own list (a type only; nothing of the server is bundled). */
export type ApiErrorCode = AuthErrorCode;

/** Codes the client itself raises: the network failed, or the browser's passkey prompt did not complete. */
export type ClientErrorCode =
  | 'network_error'
  | 'passkey_cancelled'
  | 'passkey_not_found'
  | 'passkey_exists'
  | 'passkey_unsupported'
  | 'unexpected_response';

/** Any code an `ExpenserAuthError` can carry; unknown server codes pass through as strings. */
export type ExpenserAuthErrorCode = ApiErrorCode | ClientErrorCode | (string & {});

/** Every failure of the client, typed by the API's error `code` (or a client code). */
export class ExpenserAuthError extends Error {
  readonly code: ExpenserAuthErrorCode;
  /** HTTP status; 0 when no response was received. */
  readonly status: number;
  /** Seconds from `Retry-After` on `rate_limited`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ExpenserAuthErrorCode,
    message: string,
    options: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ExpenserAuthError';
    this.code = code;
    this.status = options.status ?? 0;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * The error a failed WebAuthn call becomes (the browser's own message is kept as `cause`).
 * `allowCredentials`: the request named the account's passkeys (username-first sign-in).
 * Chromium then ends in `NotAllowedError` when the authenticator holds none of them, the
 * same error as a closed prompt, so that case reads as "not found on this device".
 */
export function fromWebAuthnError(
  error: unknown,
  context: { allowCredentials?: boolean } = {},
): ExpenserAuthError {
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: string } | null)?.code;
  if (name === 'InvalidStateError' || code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
    return new ExpenserAuthError(
      'passkey_exists',
      'This authenticator already holds a passkey for this account.',
      {
        cause: error,
      },
    );
  }
  if (
    name === 'NotSupportedError' ||
    (error instanceof Error && /does not support WebAuthn|WebAuthn is not supported/i.test(error.message))
  ) {
    return new ExpenserAuthError('passkey_unsupported', 'This browser cannot use passkeys.', {
      cause: error,
    });
  }
  if (context.allowCredentials && name === 'NotAllowedError') {
    return new ExpenserAuthError(
      'passkey_not_found',
      'No passkey for this account was found on this device, or the prompt was closed.',
      { cause: error },
    );
  }
  return new ExpenserAuthError('passkey_cancelled', 'The passkey prompt was closed or timed out.', {
    cause: error,
  });
}
