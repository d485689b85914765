/**
 * The contract of the DynamoDB store (one table). All times are epoch
 * milliseconds unless named `...Seconds`. Binary values are base64url strings
 * at this boundary; the adapter decides how they are stored.
 */

/** Purpose a stored WebAuthn challenge was issued for. */
export type CeremonyPurpose =
  | 'registration'
  | 'authentication'
  | 'add-passkey'
  /** A Google sign-in transaction (`challenge` holds its `state`), single use. */
  | 'oauth'
  /** A pending explicit Google link (`intent=link`) for `userId`, read by the PreSignUp trigger. */
  | 'google-link';

export interface ChallengeRecord {
  /** Random id (base64url, ≥ 16 bytes); the ceremony cookie carries it. */
  id: string;
  /** The WebAuthn challenge (base64url, ≥ 32 random bytes). */
  challenge: string;
  purpose: CeremonyPurpose;
  /** Registration: the user id (also the WebAuthn user handle) chosen at options time. Sign-in with email: the expected owner. */
  userId?: string;
  /** Registration: the normalised email and display name chosen at options time. */
  email?: string;
  displayName?: string;
  /** Absolute expiry; a record read after it is treated as absent. */
  expiresAt: number;
}

export interface GrantRecord {
  /** Random id (base64url, ≥ 32 bytes). */
  id: string;
  /** The Cognito username the grant lets sign in, once. */
  userId: string;
  expiresAt: number;
}

export interface CredentialRecord {
  /** Credential id, base64url (≤ 1023 bytes decoded). */
  id: string;
  /** Owner: the Cognito username (= WebAuthn user handle, as UTF-8 of this string). */
  userId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  aaguid: string;
  nickname: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What changes on a credential after a successful assertion. */
export interface CredentialUseUpdate {
  /** The counter read before verification: the update only applies if it is still this value (compare-and-set). */
  expectedCounter: number;
  newCounter: number;
  backedUp: boolean;
  lastUsedAt: number;
}

export interface Store {
  putChallenge(record: ChallengeRecord): Promise<void>;
  /** Deletes and returns the challenge if it exists and has not expired (single use: a conditional delete); null otherwise. */
  consumeChallenge(id: string): Promise<ChallengeRecord | null>;

  putGrant(record: GrantRecord): Promise<void>;
  /** Deletes and returns the grant if it exists and has not expired; null otherwise. */
  consumeGrant(id: string): Promise<GrantRecord | null>;

  /** The user id that holds this (normalised) email, or null. */
  findUserIdByEmail(email: string): Promise<string | null>;
  /**
   * Atomically (one transaction) claims the email for the user and stores the
   * first credential. Throws `EmailClaimedError` if the email is held,
   * `CredentialExistsError` if the credential id is already registered; on
   * either, nothing is written.
   */
  createAccount(input: { userId: string; email: string; credential: CredentialRecord }): Promise<void>;
  /**
   * Claims the (normalised) email for a user that has no credential: a
   * Google-only account, whose Google-verified email Cognito cannot search
   * (it lives in a custom attribute). Conditional put: true when the email is
   * now, or already was, held by `userId`; false when another user holds it
   * (nothing written). `deleteAccount` releases it like any claim.
   */
  claimEmail(input: { userId: string; email: string }): Promise<boolean>;
  /** Removes the email claim and every credential of the user (used to undo a failed sign-up, and account deletion). */
  deleteAccount(input: { userId: string; email: string }): Promise<void>;

  /** Stores one more credential for an existing user; `CredentialExistsError` if the id is taken. */
  addCredential(credential: CredentialRecord): Promise<void>;
  getCredential(id: string): Promise<CredentialRecord | null>;
  listCredentials(userId: string): Promise<CredentialRecord[]>;
  /** Compare-and-set on the counter; throws `CredentialConflictError` if the stored counter is no longer `expectedCounter` or the credential is gone. */
  recordCredentialUse(id: string, update: CredentialUseUpdate): Promise<void>;
  renameCredential(input: { id: string; userId: string; nickname: string }): Promise<CredentialRecord | null>;
  /** Deletes only if owned by userId; returns whether something was deleted. */
  deleteCredential(input: { id: string; userId: string }): Promise<boolean>;

  /**
   * Atomically adds 1 to the failure counter of `key` in the current fixed
   * window of `windowSeconds` and returns the new count and the seconds left in
   * the window. Counters expire through the table's TTL.
   */
  recordFailure(key: string, windowSeconds: number): Promise<{ count: number; retryAfterSeconds: number }>;
  /** Current failure count of `key` in the current window (0 if none). */
  countFailures(key: string, windowSeconds: number): Promise<{ count: number; retryAfterSeconds: number }>;
}
