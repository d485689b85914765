import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Errors of the store, and the translation of DynamoDB SDK errors into them.
 * Only conditional-check failures are translated; every other SDK error is
 * rethrown unchanged by the callers.
 */

/** The email is already claimed by an account (createAccount wrote nothing). */
export class EmailClaimedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The email is already claimed by another account.', options);
    this.name = this.constructor.name;
  }
}

/** The credential id is already registered (to this or another user); nothing was written. */
export class CredentialExistsError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The credential id is already registered.', options);
    this.name = this.constructor.name;
  }
}

/** The counter compare-and-set failed: the credential was used concurrently, or is gone. */
export class CredentialConflictError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The credential changed since it was read (counter compare-and-set failed).', options);
    this.name = this.constructor.name;
  }
}

/** True if a single-item write failed its ConditionExpression. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Runs a conditional write: true when it was applied, false when its condition failed; other errors rethrown. */
export async function conditionalWrite(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Runs a conditional write that returns the item's attributes (`ReturnValues`):
 * them, or null when there are none or its condition failed; other errors rethrown.
 */
export async function conditionalAttributes(
  write: () => Promise<{ Attributes?: Record<string, AttributeValue> }>,
): Promise<Record<string, AttributeValue> | null> {
  try {
    const { Attributes } = await write();
    return Attributes ?? null;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return null;
    throw error;
  }
}

/**
 * For a cancelled TransactWriteItems, the cancellation code of each item in
 * request order (`'None'` for items that did not fail); null for any other error.
 */
export function cancellationCodes(error: unknown): (string | undefined)[] | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return Array.isArray(reasons) ? reasons.map((reason) => reason?.Code) : null;
}

/**
 * Translates the failure of createAccount's transaction (item 0: email claim,
 * item 1: credential). The email wins when both conditions failed: the caller
 * answers "email taken" rather than leaking that a credential id exists.
 * Returns the error unchanged when it is not a condition failure of ours
 * (e.g. TransactionConflict, throttling), so it is rethrown as is.
 */
export function translateCreateAccountError(error: unknown): unknown {
  const codes = cancellationCodes(error);
  if (!codes) return error;
  if (codes[0] === 'ConditionalCheckFailed') return new EmailClaimedError({ cause: error });
  if (codes[1] === 'ConditionalCheckFailed') return new CredentialExistsError({ cause: error });
  return error;
}
