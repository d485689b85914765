import { LinkRejectedError } from '../cognito/errors.ts';
import { googleIdentityOf } from '../cognito/google-identities.ts';
import type { IdTokenClaims } from '../cognito/id-token.ts';
import type { CognitoAdapter } from '../cognito/types.ts';
import type { Store } from '../store/types.ts';
import { GoogleSignInError } from './errors.ts';
import { decideExplicitLink, googleSubOf } from './linking.ts';

export interface GoogleLinkDeps {
  store: Store;
  cognito: CognitoAdapter;
}

/**
 * Completes `POST /auth/google/link` once the callback holds verified tokens of
 * the Google round trip: attaches that Google identity to `userId`. The user's
 * sign-in methods record says "Google linked" before Cognito is asked, and is
 * put back if Cognito refuses, so the record never claims less than Cognito
 * has. Returns Google's `sub`.
 */
export async function linkGoogleToUser(
  deps: GoogleLinkDeps,
  input: { userId: string; claims: IdTokenClaims; transactionCreatedAt: number },
): Promise<{ googleSub: string }> {
  const { store, cognito } = deps;
  const { userId, claims } = input;
  const googleSub = googleIdentityOf(claims) ?? googleSubOf(claims.username);
  const federated = claims.username === userId ? null : await cognito.getUser(claims.username);
  const decision = decideExplicitLink({
    currentUsername: userId,
    tokenUsername: claims.username,
    googleSub,
    federatedUserCreatedAt: federated?.createdAt ?? null,
    transactionCreatedAt: input.transactionCreatedAt,
    federatedUserHasPasskeys: federated ? (await store.listCredentials(claims.username)).length > 0 : false,
  });
  if (decision.action === 'in-use') {
    throw new GoogleSignInError('google_account_in_use', 'This Google account has its own account.');
  }
  const methods = await store.ensureSignInMethods(userId, decision.action === 'already-linked');
  if (decision.action === 'already-linked') return { googleSub: googleSub ?? '' };
  const wasLinked = methods.google;
  if (!wasLinked) await store.setGoogleLinked(userId, true);
  try {
    // Cognito cannot merge a federated user into another: the user this round trip
    // created goes, then the identity is linked to the signed-in user.
    await cognito.deleteUser(decision.federatedUsername);
    await cognito.linkGoogle(userId, decision.googleSub);
  } catch (error) {
    if (!wasLinked) await store.setGoogleLinked(userId, false).catch(() => undefined);
    if (error instanceof LinkRejectedError)
      throw new GoogleSignInError('google_account_in_use', 'Cognito refused the link.', { cause: error });
    throw error;
  }
  return { googleSub: decision.googleSub };
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
