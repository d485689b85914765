import type { IdTokenClaims } from '../cognito/id-token.ts';
import { GoogleSignInError } from './errors.ts';
import {
  type GoogleIdentityDeps,
  type LinkOutcome,
  linkGoogleIdentity,
  removeFederatedUser,
} from './google-identity.ts';
import { federatedGoogleSub } from './linking.ts';

export type GoogleLinkDeps = GoogleIdentityDeps;

/**
 * Completes `POST /auth/google/link` once the callback holds verified tokens of
 * the Google round trip: attaches that Google identity to `userId`, with the
 * same building blocks as a first sign-in. Tokens of `userId` itself: the
 * identity is linked already. Tokens of the identity's own federated user
 * (this round trip was its first sign-in): that user is deleted and the
 * identity linked to `userId`. Tokens of any other user: the identity belongs
 * to another account, which is never merged (`google_account_in_use`).
 * Returns whether this call made the link.
 */
export async function linkGoogleToUser(
  deps: GoogleLinkDeps,
  input: { userId: string; claims: IdTokenClaims },
): Promise<LinkOutcome> {
  const { userId, claims } = input;
  if (claims.username === userId) return 'already-linked';
  const googleSub = federatedGoogleSub(claims);
  if (googleSub === null || !(await removeFederatedUser(deps, claims.username))) {
    throw new GoogleSignInError('google_account_in_use', 'This Google account has its own account.');
  }
  return linkGoogleIdentity(deps, { userId, googleSub });
}

export type UnlinkOutcome = 'unlinked' | 'not-linked' | 'last-sign-in-method';

/**
 * `DELETE /auth/google`: the conditional write on the sign-in methods record
 * comes first (Google linked and a passkey left, under any interleaving with
 * passkey deletes), then Cognito (AdminDisableProviderForUser); if Cognito
 * fails the record is put back. The identity is remembered as unlinked, so the
 * email rule never links it to this account again by itself.
 */
export async function unlinkGoogleFromUser(
  deps: GoogleLinkDeps,
  input: { userId: string; googleSub: string | null },
): Promise<UnlinkOutcome> {
  const { store, cognito } = deps;
  const { userId, googleSub } = input;
  const methods = await store.ensureSignInMethods(userId, googleSub !== null);
  if (!googleSub || !methods.google) return 'not-linked';
  if (!(await store.setGoogleLinked(userId, false))) {
    const latest = await store.ensureSignInMethods(userId, true);
    return latest.google ? 'last-sign-in-method' : 'not-linked';
  }
  try {
    await store.rememberUnlinkedGoogle(userId, googleSub);
    await cognito.unlinkGoogle(userId, googleSub);
  } catch (error) {
    await store.setGoogleLinked(userId, true).catch(() => undefined);
    throw error;
  }
  return 'unlinked';
}
