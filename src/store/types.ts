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
  | 'oauth';

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

/** What an emailed code is for (docs/api.md "Email, recovery and the account"). */
export type EmailCodePurpose = 'signup' | 'recovery' | 'stepup' | 'email-change' | 'email-verify';

/**
 * One emailed code, waiting to be entered. The code itself is never stored:
 * only a keyed hash. When the mail carried no code (the address already had
 * an account, or has none to recover), the record holds the hash of a code
 * nobody was sent, so both paths store and answer alike.
 */
export interface EmailCodeRecord {
  /** The flow id: random and held by the browser's code cookie, or derived from the session for signed-in flows. */
  id: string;
  purpose: EmailCodePurpose;
  /** The normalised address the code was mailed to. */
  email: string;
  /** The account the code acts on (recovery, signed-in flows). */
  userId?: string;
  /** Sign-up: the display name given at start. */
  displayName?: string;
  /** base64url HMAC-SHA256 of the code under the email-code key. */
  codeHash: string;
  /** Wrong tries so far. */
  attempts: number;
  expiresAt: number;
}

/** Who holds an address, and whether they proved they receive its mail (by code or by Google). */
export interface EmailClaim {
  userId: string;
  /** False for claims made before sign-up verified emails: they never block a verified owner. */
  verified: boolean;
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

/** How a session was signed in (shared contract: `authMethod`). */
export type SessionAuthMethod = 'passkey' | 'google' | 'recovery';

/**
 * The server-side record of one sign-in. Every authenticated request reads it;
 * a session whose record is gone has ended, whatever its cookies say.
 */
export interface SessionRecord {
  /** Random id (base64url, 16 bytes); the session and refresh cookies and the CSRF token name it. */
  id: string;
  userId: string;
  createdAt: number;
  /** Updated at renewal only. */
  lastSeenAt: number;
  authMethod: SessionAuthMethod;
  /** Short label from the User-Agent, e.g. "Chrome on macOS". Never the IP. */
  device: string;
  /** Epoch seconds of the sign-in that created the session (Cognito `auth_time`). */
  authTime: number;
  /** Epoch ms of the last user-verified passkey ceremony in this session; null when none (Google sessions). */
  stepUpAt: number | null;
  /** Refresh generation: the refresh cookie of this generation is the only one that renews normally. */
  generation: number;
  /** The sealed refresh cookie of the current generation, handed again to the previous one within the grace period. */
  refreshCookie: string;
  /** Until when (epoch ms) the previous generation's cookie is answered with `refreshCookie` instead of being treated as theft. */
  graceUntil: number;
  /** When the Cognito tokens behind the session expire; renewal asks Cognito only near this time. */
  tokensExpireAt: number;
  /** The user as last seen from Cognito and the service's own records (the `User` of the API, as JSON). */
  user: string;
  /** Absolute end (sign-in + 30 days); the idle end is `lastSeenAt` + 7 days. */
  expiresAt: number;
}

/** What changes on a renewal: written only if the stored generation is still `expectedGeneration`. */
export interface SessionRenewal {
  expectedGeneration: number;
  refreshCookie: string;
  graceUntil: number;
  lastSeenAt: number;
  tokensExpireAt: number;
  user: string;
  /** The session's new end (idle or absolute, whichever is first), for the table's TTL. */
  endsAt: number;
}

/** What changes when a recovery session becomes a passkey session. */
export interface SessionPromotion {
  /** The new absolute end (sign-in + 30 days). */
  expiresAt: number;
  /** The refresh cookie resealed to live as long as the session. */
  refreshCookie: string;
  /** The session's new end (idle or absolute, whichever is first), for the table's TTL. */
  endsAt: number;
}

/** How a user can sign in; kept in the table so that "one way in at least" is a conditional write. */
export interface SignInMethods {
  passkeys: number;
  google: boolean;
}

export type DeleteCredentialOutcome = 'deleted' | 'not-found' | 'last-sign-in-method';

export interface Store {
  putChallenge(record: ChallengeRecord): Promise<void>;
  /** Deletes and returns the challenge if it exists and has not expired (single use: a conditional delete); null otherwise. */
  consumeChallenge(id: string): Promise<ChallengeRecord | null>;

  putGrant(record: GrantRecord): Promise<void>;
  /** Deletes and returns the grant if it exists and has not expired; null otherwise. */
  consumeGrant(id: string): Promise<GrantRecord | null>;

  /** The user id that holds this (normalised) email, or null. */
  findUserIdByEmail(email: string): Promise<string | null>;
  /** Who holds this (normalised) email, or null. */
  findEmailClaim(email: string): Promise<EmailClaim | null>;
  /**
   * Atomically (one transaction) claims the verified email for the user and
   * stores the first credential. An unverified claim (from before verified
   * sign-up) is taken over: the verified owner wins. Throws
   * `EmailClaimedError` if a verified claim holds the email,
   * `CredentialExistsError` if the credential id is already registered; on
   * either, nothing is written.
   */
  createAccount(input: { userId: string; email: string; credential: CredentialRecord }): Promise<void>;
  /**
   * Claims a verified (normalised) email for a user that has no credential: a
   * Google-only account, whose Google-verified email Cognito cannot search
   * (it lives in a custom attribute). Conditional put: true when the email is
   * now, or already was, held by `userId` (or held unverified by someone
   * else, which it takes over); false when another user holds it verified
   * (nothing written). `deleteAccount` releases it like any claim.
   */
  claimEmail(input: { userId: string; email: string }): Promise<boolean>;

  /**
   * An email change, in one transaction: claims `to` for the user (verified
   * unless `verified` is false; claimable as for `claimEmail`) and releases
   * `from` if it is still the user's own claim (`from` null: the user holds no
   * claim to release). False, and nothing written, when `to` is held verified
   * by another account or `from` changed hands meanwhile.
   */
  moveEmailClaim(input: {
    userId: string;
    from: string | null;
    to: string;
    verified?: boolean;
  }): Promise<boolean>;
  /** Deletes the claim of `email` if it is the user's; false when it is absent or another account's. */
  releaseEmailClaim(input: { userId: string; email: string }): Promise<boolean>;

  /** Stores (or replaces: same id) an emailed code. */
  putEmailCode(record: EmailCodeRecord): Promise<void>;
  /** The live code record, or null (absent, or expired). */
  getEmailCode(id: string): Promise<EmailCodeRecord | null>;
  /** Counts one wrong try; returns the tries so far, or null when the record is gone. */
  recordWrongCode(id: string): Promise<number | null>;
  /** Deletes the record if it still holds `codeHash` (single use); false when another request used or replaced it. */
  consumeEmailCode(id: string, codeHash: string): Promise<boolean>;
  deleteEmailCode(id: string): Promise<void>;
  /**
   * Removes every record of the user: the email claim (only if it is the
   * user's own), every credential, and the user's partition (sign-in methods,
   * unlinked identities, and sessions last, so a failure part-way leaves the
   * caller's session alive to retry). Used to undo a failed sign-up and to
   * delete an account; running it again finishes what a failed run left.
   */
  deleteAccount(input: { userId: string; email: string }): Promise<void>;

  /** Stores one more credential for an existing user; `CredentialExistsError` if the id is taken. */
  addCredential(credential: CredentialRecord): Promise<void>;
  getCredential(id: string): Promise<CredentialRecord | null>;
  listCredentials(userId: string): Promise<CredentialRecord[]>;
  /** Compare-and-set on the counter; throws `CredentialConflictError` if the stored counter is no longer `expectedCounter` or the credential is gone. */
  recordCredentialUse(id: string, update: CredentialUseUpdate): Promise<void>;
  renameCredential(input: { id: string; userId: string; nickname: string }): Promise<CredentialRecord | null>;
  /**
   * Deletes the credential if owned by userId and it is not the user's last
   * way to sign in, in one transaction with the sign-in methods record, so no
   * interleaving of deletes and unlinks can leave the account with none.
   */
  deleteCredential(input: { id: string; userId: string }): Promise<DeleteCredentialOutcome>;

  /** The user's sign-in methods; created from the credentials and `googleLinked` when the record is missing (older accounts). */
  ensureSignInMethods(userId: string, googleLinked: boolean): Promise<SignInMethods>;
  /**
   * Marks Google linked or unlinked. Unlinking is conditional on Google being
   * linked and a passkey remaining; returns false when that condition fails.
   */
  setGoogleLinked(userId: string, linked: boolean): Promise<boolean>;
  /** Remembers that this Google identity was unlinked from the user: it is never linked back automatically. */
  rememberUnlinkedGoogle(userId: string, googleSub: string): Promise<void>;
  isGoogleUnlinked(userId: string, googleSub: string): Promise<boolean>;

  /**
   * Reserves `userId` as the account a Google identity's first sign-in
   * creates, unless a live reservation of `googleSub` already names another
   * (conditional put). Returns the id now reserved — this one or the earlier
   * one — so a retried and a concurrent first sign-in of one identity build
   * the same account. `replacing` names a live reservation that may be taken
   * over anyway (its account no longer takes this identity).
   */
  reserveGoogleAccount(input: {
    googleSub: string;
    userId: string;
    expiresAt: number;
    replacing?: string;
  }): Promise<string>;
  /** The account a live reservation of `googleSub` names, or null. */
  findGoogleAccountReservation(googleSub: string): Promise<string | null>;
  /** Ends the reservation of `googleSub` if it still names `userId`. */
  releaseGoogleAccountReservation(input: { googleSub: string; userId: string }): Promise<void>;

  /** Stores a new session record (its id must be new). */
  putSession(record: SessionRecord): Promise<void>;
  /** Strongly consistent read of one session of the user; null when it has ended. */
  getSession(userId: string, id: string): Promise<SessionRecord | null>;
  /** Every session record of the user (strongly consistent). */
  listSessions(userId: string): Promise<SessionRecord[]>;
  /** Applies a renewal if the generation is unchanged and the session still exists; false otherwise. */
  renewSession(userId: string, id: string, renewal: SessionRenewal): Promise<boolean>;
  /** Sets the step-up time and the user of a live session; false if it has ended. */
  updateSession(userId: string, id: string, change: { stepUpAt?: number; user?: string }): Promise<boolean>;
  /**
   * Turns a live recovery session into a normal passkey session (after it
   * added a passkey): its method, absolute end and refresh cookie change;
   * false if it has ended.
   */
  promoteRecoverySession(userId: string, id: string, change: SessionPromotion): Promise<boolean>;
  /** Ends one session; returns its record, or null if it had already ended. */
  deleteSession(userId: string, id: string): Promise<SessionRecord | null>;

  /**
   * Atomically adds 1 to the failure counter of `key` in the current fixed
   * window of `windowSeconds` and returns the new count and the seconds left in
   * the window. Counters expire through the table's TTL.
   */
  recordFailure(key: string, windowSeconds: number): Promise<{ count: number; retryAfterSeconds: number }>;
  /** Current failure count of `key` in the current window (0 if none). */
  countFailures(key: string, windowSeconds: number): Promise<{ count: number; retryAfterSeconds: number }>;
}
