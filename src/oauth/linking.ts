/**
 * Account-linking rules for a Google identity's first sign-in, as plain
 * functions over plain data. Identities are keyed by provider + `sub`; an
 * email match only ever links when both sides have a verified email
 * (docs/security.md "OAuth / OIDC": no silent merge into an unverified
 * account — pre-account hijacking).
 */

import { googleIdentityOf } from '../cognito/google-identities.ts';
import type { IdTokenClaims } from '../cognito/id-token.ts';

/** `Google_<sub>` / `google_<sub>` (docs/cognito.md "Hosted UI") → the Google `sub`; null for other usernames. */
export function googleSubOf(username: string): string | null {
  const match = /^google_(.+)$/i.exec(username);
  return match?.[1] ?? null;
}

/**
 * The Google `sub` when these claims are of the identity's own federated
 * user — the `Google_<sub>` user Cognito creates at an identity's first
 * sign-in through the hosted UI — and null when they are of a native user
 * (one the identity is linked to, which Cognito signs in instead: API:
 * AdminLinkProviderForUser). The username is compared without case: a
 * case-insensitive pool reports it lower-cased.
 */
export function federatedGoogleSub(claims: Pick<IdTokenClaims, 'username' | 'identities'>): string | null {
  const sub = googleSubOf(claims.username);
  return sub !== null && googleIdentityOf(claims) === sub ? sub : null;
}

/** An existing user with the same email, as the callback sees it. */
export interface LinkCandidate {
  username: string;
  /** Cognito user status; `EXTERNAL_PROVIDER` for federated users. */
  status: string;
  emailVerified: boolean;
}

export type FirstSignInDecision =
  /** A native account of its own for the Google identity. */
  | { action: 'create' }
  /** The Google identity belongs to this existing account: link it. */
  | { action: 'link'; username: string }
  /** Refuse: the matching account's owner must sign in with a passkey and link explicitly. */
  | { action: 'refuse' };

function isFederated(candidate: LinkCandidate): boolean {
  return candidate.status === 'EXTERNAL_PROVIDER' || googleSubOf(candidate.username) !== null;
}

/**
 * Decides what a Google identity's first sign-in does. An address belongs to
 * the account that proved it (docs/security.md "Email codes"): a native
 * account whose email is unverified (from before verified sign-up) never
 * blocks a Google identity whose email Google verified, and is never merged
 * into.
 * - No native (non-federated) account has the email → create.
 * - Google verified the email and no native account verified it → create (the
 *   new account's verified claim takes over the unverified one).
 * - Google verified the email and exactly one native account verified it → link.
 * - Otherwise (Google did not verify the email, or ambiguous) → refuse.
 */
export function decideFirstSignIn(input: {
  googleEmailVerified: boolean;
  candidates: LinkCandidate[];
}): FirstSignInDecision {
  const natives = input.candidates.filter((candidate) => !isFederated(candidate));
  if (natives.length === 0) return { action: 'create' };
  if (!input.googleEmailVerified) return { action: 'refuse' };
  const owners = natives.filter((candidate) => candidate.emailVerified);
  const [only] = owners;
  if (owners.length === 0) return { action: 'create' };
  if (owners.length === 1 && only) return { action: 'link', username: only.username };
  return { action: 'refuse' };
}
