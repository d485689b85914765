/**
 * A Cognito service error as the JSON 1.1 protocol carries it: `__type` names
 * the exception (the SDK builds its exception class from it), `message` the text.
 */
export class CognitoServiceError extends Error {
  readonly type: string;
  readonly status: number;

  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = this.constructor.name;
    this.type = type;
    this.status = status;
  }
}

export const invalidParameter = (message: string) =>
  new CognitoServiceError('InvalidParameterException', message);
export const notAuthorized = (message: string) => new CognitoServiceError('NotAuthorizedException', message);
export const userNotFound = () => new CognitoServiceError('UserNotFoundException', 'User does not exist.');

/** Messages Cognito uses verbatim (API: AdminInitiateAuth, AdminRespondToAuthChallenge). */
export const MESSAGES = {
  invalidSession: 'Invalid session for the user.',
  badCredentials: 'Incorrect username or password.',
  userDisabled: 'User is disabled.',
  refreshRevoked: 'Refresh Token has been revoked',
  refreshExpired: 'Refresh Token has expired',
  refreshInvalid: 'Invalid Refresh Token',
} as const;

/**
 * The message AWS's request validation produces for a missing or mistyped
 * member, e.g. "1 validation error detected: Value null at 'username' failed
 * to satisfy constraint: Member must not be null".
 */
export function missingMember(member: string): CognitoServiceError {
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  return invalidParameter(
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}
