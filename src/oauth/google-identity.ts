import { LinkRejectedError } from '../cognito/errors.ts';
import { linkedGoogleSubs } from '../cognito/google-identities.ts';
import type { CognitoAdapter, CognitoUser } from '../cognito/types.ts';
import type { Store } from '../store/types.ts';
import { GoogleSignInError } from './errors.ts';

/** What the Google building blocks act on. */
export interface GoogleIdentityDeps {
  store: Store;
  cognito: CognitoAdapter;
}

/** Whether the user's `identities` attribute lists this Google identity. */
export function listsGoogleIdentity(user: CognitoUser | null, googleSub: string): boolean {
  return user !== null && linkedGoogleSubs(user.attributes.identities).includes(googleSub);
}

/**
 * Deletes the federated user (`Google_<sub>`) Cognito created at a Google
 * identity's sign-in through the hosted UI. AdminLinkProviderForUser takes
 * only a source identity that does not exist in the pool yet ("An external
 * IdP account for a user who doesn't exist yet in the user pool", API:
 * AdminLinkProviderForUser), so the federated user goes before its identity
 * is linked to a native user. Such a user holds nothing of the service: its
 * sessions start only once a native user has replaced it. One that holds
 * passkeys (made before every account was native) is never destroyed: false,
 * and nothing is changed. Deleting a user already gone is quiet.
 */
export async function removeFederatedUser(deps: GoogleIdentityDeps, username: string): Promise<boolean> {
  if ((await deps.store.listCredentials(username)).length > 0) return false;
  await deps.cognito.deleteUser(username);
  return true;
}

export type LinkOutcome = 'linked' | 'already-linked';

/**
 * Links the Google identity `googleSub` to the native user `userId`
 * (AdminLinkProviderForUser): from now on its sign-ins through the hosted UI
 * land on that user (API: AdminLinkProviderForUser: "When the user signs in
 * with a federated user identity, they sign in as the existing user
 * account"). The sign-in methods record says "Google linked" before Cognito
 * is asked and is put back if Cognito fails, so it never claims less than
 * Cognito has. 'already-linked' when the user lists the identity already — a
 * retry, or a concurrent first sign-in that made the link — also when
 * Cognito refused the call because of that. `google_account_in_use` when
 * Cognito refuses for another reason (the identity has a user of its own, or
 * is linked to someone else, or the user has five links).
 */
export async function linkGoogleIdentity(
  deps: GoogleIdentityDeps,
  input: { userId: string; googleSub: string },
): Promise<LinkOutcome> {
  const { store, cognito } = deps;
  const { userId, googleSub } = input;
  const user = await cognito.getUser(userId);
  if (!user) throw new GoogleSignInError('google_failed', 'The account to link Google to is gone.');
  if (listsGoogleIdentity(user, googleSub)) return 'already-linked';
  const methods = await store.ensureSignInMethods(
    userId,
    linkedGoogleSubs(user.attributes.identities).length > 0,
  );
  const wasLinked = methods.google;
  if (!wasLinked) await store.setGoogleLinked(userId, true);
  try {
    await cognito.linkGoogle(userId, googleSub);
    return 'linked';
  } catch (error) {
    if (error instanceof LinkRejectedError && listsGoogleIdentity(await cognito.getUser(userId), googleSub)) {
      return 'already-linked';
    }
    if (!wasLinked) await store.setGoogleLinked(userId, false).catch(() => undefined);
    if (error instanceof LinkRejectedError) {
      throw new GoogleSignInError('google_account_in_use', 'Cognito refused the link.', { cause: error });
    }
    throw error;
  }
}
