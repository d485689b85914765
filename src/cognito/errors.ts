/**
 * Errors raised at the Cognito adapter edge. The SDK's exception (or whatever
 * Cognito answered) is kept as `cause` so logs can name it; messages never
 * carry tokens or challenge answers.
 */
export class CognitoAdapterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

/** AdminCreateUser refused the username: `UsernameExistsException`. */
export class UserExistsError extends CognitoAdapterError {
  constructor(options?: { cause?: unknown }) {
    super('A user with this username already exists.', options);
  }
}

/** Cognito refused the custom-auth sign-in (failed challenge, disabled or unknown user, bad session). */
export class CustomAuthRejectedError extends CognitoAdapterError {
  constructor(options?: { cause?: unknown }) {
    super('Cognito rejected the custom authentication.', options);
  }
}

/** Cognito refused the refresh token (revoked, reused after rotation, expired or invalid). */
export class RefreshRejectedError extends CognitoAdapterError {
  constructor(options?: { cause?: unknown }) {
    super('Cognito rejected the refresh token.', options);
  }
}

/** RevokeToken refused the token or the client's credentials (invalid, not this client's, bad secret). */
export class RevokeRejectedError extends CognitoAdapterError {
  constructor(options?: { cause?: unknown }) {
    // The exception's name (never its message, which may echo input) says which refusal it was.
    const name = options?.cause instanceof Error ? ` (${options.cause.name})` : '';
    super(`Cognito refused to revoke the refresh token${name}.`, options);
  }
}

/** AdminLinkProviderForUser refused the link (the source identity already has its own user, or too many links). */
export class LinkRejectedError extends CognitoAdapterError {
  constructor(options?: { cause?: unknown }) {
    super('Cognito refused to link the identity to the user.', options);
  }
}

/** AdminDisableProviderForUser refused, or the identity is the user's own federated sign-in rather than a link. */
export class UnlinkRejectedError extends CognitoAdapterError {
  constructor(options?: { cause?: unknown }) {
    super('Cognito refused to unlink the identity from the user.', options);
  }
}
