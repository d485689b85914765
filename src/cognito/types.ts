import type { GoogleProfile } from './google-attributes.ts';

/** Tokens as Cognito returns them. */
export interface CognitoTokens {
  accessToken: string;
  idToken: string;
  /** Absent on a refresh that did not rotate the refresh token. */
  refreshToken?: string;
  expiresInSeconds: number;
}

export interface CognitoUser {
  username: string;
  sub: string;
  enabled: boolean;
  status: string;
  /** All attributes as Cognito returns them (strings). */
  attributes: Record<string, string>;
  /** Epoch ms of `UserCreateDate`; null when Cognito did not say. */
  createdAt: number | null;
}

/**
 * The Cognito adapter: the only place that talks to Cognito's API. Errors from
 * the SDK are translated at this edge into the error classes of
 * `src/cognito/errors.ts`; anything unexpected is rethrown.
 */
export interface CognitoAdapter {
  /**
   * AdminCreateUser (MessageAction SUPPRESS, no temporary password). `UserExistsError` on
   * duplicate username. An empty `email` leaves the email out; `google` writes Google's values
   * into their custom attributes (src/cognito/google-attributes.ts).
   */
  createUser(input: {
    username: string;
    email: string;
    emailVerified: boolean;
    name?: string;
    google?: GoogleProfile;
  }): Promise<CognitoUser>;
  /** AdminDeleteUser; no error if the user is already gone. */
  deleteUser(username: string): Promise<void>;
  /** AdminGetUser; null when the user does not exist. */
  getUser(username: string): Promise<CognitoUser | null>;
  /** AdminInitiateAuth CUSTOM_AUTH then one AdminRespondToAuthChallenge with `answer`. `CustomAuthRejectedError` when Cognito refuses. */
  signInWithCustomChallenge(input: { username: string; answer: string }): Promise<CognitoTokens>;
  /** GetTokensFromRefreshToken (works with refresh-token rotation). `RefreshRejectedError` when revoked, reused or invalid. */
  refresh(refreshToken: string): Promise<CognitoTokens>;
  /**
   * RevokeToken: revokes the refresh token and the access tokens issued from it.
   * `RevokeRejectedError` when Cognito refuses the token or the client; other errors are faults.
   */
  revoke(refreshToken: string): Promise<void>;
  /** AdminUserGlobalSignOut; no error if the user is already gone. */
  globalSignOut(username: string): Promise<void>;
  /**
   * AdminUpdateUserAttributes: sets the standard `email` and `email_verified`
   * true in one call, once the service has checked a code mailed to `email`.
   * Only the service writes these (no app client may).
   */
  setVerifiedEmail(username: string, email: string): Promise<void>;
  /**
   * AdminUpdateUserAttributes: writes Google's values into their custom
   * attributes, as the next Google sign-in would (a user the service has
   * just linked shows them at once).
   */
  setGoogleAttributes(username: string, google: GoogleProfile): Promise<void>;
  /**
   * ListUsers with `email = "<email>"` (exact; docs/cognito.md: treat as
   * case-insensitive, eventually consistent). Every page, at most 60 users.
   */
  findUsersByEmail(email: string): Promise<CognitoUser[]>;
  /**
   * AdminLinkProviderForUser: the Google identity `googleSub` signs in as
   * `username` from now on. `LinkRejectedError` when Cognito refuses (the
   * identity already has its own user — merging is not supported — or the
   * user has too many links).
   */
  linkGoogle(username: string, googleSub: string): Promise<void>;
  /**
   * AdminDisableProviderForUser: removes the link of the Google identity
   * `googleSub` from `username`; that identity's next sign-in makes a new
   * federated user instead (API: AdminDisableProviderForUser). Only a link the
   * user actually holds is removed: when `username` does not exist or does not
   * list the identity (already unlinked), nothing is sent. `UnlinkRejectedError`
   * when `username` is the identity's own federated user (there is no link to
   * remove: that account is the Google sign-in) or Cognito refuses. Google's
   * mapped `custom:google_*` attributes stay on the user; the `identities`
   * attribute is what says whether Google is linked.
   */
  unlinkGoogle(username: string, googleSub: string): Promise<void>;
}
