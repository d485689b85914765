/**
 * Account-linking rules for a Google identity's first sign-in
 * (PreSignUp_ExternalProvider), as plain functions over plain data.
 * Identities are keyed by provider + `sub`; an email match only ever links
 * when both sides have a verified email (docs/security.md "OAuth / OIDC":
 * no silent merge into an unverified account — pre-account hijacking).
 */

import { GOOGLE_EMAIL_ATTRIBUTE, GOOGLE_EMAIL_VERIFIED_ATTRIBUTE } from '../cognito/google-attributes.ts';

/**
 * Google's email and whether Google verified it, from the attributes of a
 * `PreSignUp_ExternalProvider` event: Cognito has just copied them there from
 * Google's ID token through the IdP's attribute mapping, into
 * `custom:google_email` and `custom:google_verified`
 * (src/cognito/google-attributes.ts). The standard `email` is never Google's
 * and is not read. The email comes back trimmed and lower-cased.
 */
export function googleEmailOf(attributes: Readonly<Record<string, string | undefined>>): {
  email: string;
  emailVerified: boolean;
} {
  return {
    email: (attributes[GOOGLE_EMAIL_ATTRIBUTE] ?? '').trim().toLowerCase(),
    emailVerified: attributes[GOOGLE_EMAIL_VERIFIED_ATTRIBUTE] === 'true',
  };
}

/** An existing user with the same email, as the trigger sees it. */
export interface LinkCandidate {
  username: string;
  /** Cognito user status; `EXTERNAL_PROVIDER` for federated users. */
  status: string;
  emailVerified: boolean;
}

export type ExternalSignUpDecision =
  /** Let Cognito create the federated user. */
  | { action: 'create' }
  /** Link the Google identity to this existing user, then send the browser round again. */
  | { action: 'link'; username: string }
  /** Refuse: the matching account's owner must sign in with a passkey and link explicitly. */
  | { action: 'refuse' };

/**
 * Marker texts the trigger throws. Cognito turns a throw into
 * `error=invalid_request&error_description=PreSignUp failed with error <message>.`
 * on the callback; the callback recognises the bracketed code.
 */
export const PRE_SIGN_UP_MARKERS = {
  linked: '[google_linked] Google was linked to the existing account; sign in again.',
  accountExists:
    '[account_exists_sign_in_with_passkey] An account with this email exists; sign in with your passkey and link Google from your account.',
} as const;

export type PreSignUpRefusal = 'linked' | 'account_exists';

/** Which of our markers an authorization error's description carries, if any. */
export function parsePreSignUpRefusal(description: string | undefined | null): PreSignUpRefusal | null {
  if (!description) return null;
  if (description.includes('[google_linked]')) return 'linked';
  if (description.includes('[account_exists_sign_in_with_passkey]')) return 'account_exists';
  return null;
}

/** `Google_<sub>` / `google_<sub>` (docs/cognito.md "Hosted UI") → the Google `sub`; null for other usernames. */
export function googleSubOf(username: string): string | null {
  const match = /^google_(.+)$/i.exec(username);
  return match?.[1] ?? null;
}

function isFederated(candidate: LinkCandidate): boolean {
  return candidate.status === 'EXTERNAL_PROVIDER' || googleSubOf(candidate.username) !== null;
}

/**
 * Decides what a Google identity's first sign-in does. An address belongs to
 * the account that proved it (docs/security.md "Email codes"): a native
 * account whose email is unverified (from before verified sign-up) never
 * blocks a Google identity whose email Google verified.
 * - No native (non-federated) account has the email → create.
 * - The owner of the matching account started an explicit link (`intent=link`) → create;
 *   the API callback links it to the signed-in user.
 * - Google verified the email and no native account verified it → create (the
 *   new account's verified claim takes over the unverified one).
 * - Google verified the email and exactly one native account verified it → link.
 * - Otherwise (Google did not verify the email, or ambiguous) → refuse.
 */
export function decideExternalSignUp(input: {
  googleEmailVerified: boolean;
  candidates: LinkCandidate[];
  /** Whether the matching account has a pending explicit link. */
  pendingLink: boolean;
}): ExternalSignUpDecision {
  const natives = input.candidates.filter((candidate) => !isFederated(candidate));
  if (natives.length === 0) return { action: 'create' };
  if (input.pendingLink) return { action: 'create' };
  if (!input.googleEmailVerified) return { action: 'refuse' };
  const owners = natives.filter((candidate) => candidate.emailVerified);
  const [only] = owners;
  if (owners.length === 0) return { action: 'create' };
  if (owners.length === 1 && only) return { action: 'link', username: only.username };
  return { action: 'refuse' };
}

/** The native account a pending explicit link may belong to: the one that proved the email, else the only one. */
export function linkTargetOf(candidates: LinkCandidate[]): LinkCandidate | undefined {
  const natives = candidates.filter((candidate) => !isFederated(candidate));
  const owners = natives.filter((candidate) => candidate.emailVerified);
  if (owners.length === 1) return owners[0];
  return owners.length === 0 && natives.length === 1 ? natives[0] : undefined;
}

/** Result of an explicit link (`intent=link`) once the callback holds verified tokens. */
export type ExplicitLinkDecision =
  /** The Google identity already signs in as the current user. */
  | { action: 'already-linked' }
  /** The round trip just created `federatedUsername` for this Google identity: remove it, then link. */
  | { action: 'replace-and-link'; federatedUsername: string; googleSub: string }
  /** The Google identity has an account of its own: merging is not supported. */
  | { action: 'in-use' };

/**
 * Decides an explicit link. The federated user may be deleted only when this
 * very transaction created it (created after the transaction began) and it
 * holds nothing (no passkeys): an older Google account is never destroyed.
 */
export function decideExplicitLink(input: {
  currentUsername: string;
  tokenUsername: string;
  googleSub: string | null;
  federatedUserCreatedAt: number | null;
  transactionCreatedAt: number;
  federatedUserHasPasskeys: boolean;
}): ExplicitLinkDecision {
  if (input.tokenUsername === input.currentUsername) return { action: 'already-linked' };
  if (
    input.googleSub &&
    googleSubOf(input.tokenUsername) !== null &&
    input.federatedUserCreatedAt !== null &&
    input.federatedUserCreatedAt >= input.transactionCreatedAt - 1000 &&
    !input.federatedUserHasPasskeys
  ) {
    return { action: 'replace-and-link', federatedUsername: input.tokenUsername, googleSub: input.googleSub };
  }
  return { action: 'in-use' };
}

/** Store id of the pending explicit link of `username` (one at a time per user). */
export function pendingLinkId(username: string): string {
  return `google-link:${username}`;
}
