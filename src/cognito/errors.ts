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
