import { randomUUID } from 'node:crypto';
import { UserExistsError } from '../cognito/errors.ts';
import type { GoogleProfile } from '../cognito/google-attributes.ts';
import type { Clock } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import { describeError } from '../logging/logger.ts';
import { GoogleSignInError } from './errors.ts';
import {
  type GoogleIdentityDeps,
  type LinkOutcome,
  linkGoogleIdentity,
  removeFederatedUser,
} from './google-identity.ts';
import { decideFirstSignIn, type LinkCandidate } from './linking.ts';

/** How long a first sign-in's account reservation lasts: retries within it build the same account. */
export const RESERVATION_TTL_MS = 10 * 60 * 1000;

export interface AdoptGoogleIdentityDeps extends GoogleIdentityDeps {
  clock: Clock;
  log: Logger;
}

export interface AdoptedGoogleIdentity {
  /** The native user the identity now signs in as. */
  userId: string;
  /**
   * `created`: a new account of its own; `resumed`: the account an earlier or
   * concurrent first sign-in of this identity created; `linked-by-email`: an
   * existing account with the same verified email (its owner is told).
   */
  via: 'created' | 'resumed' | 'linked-by-email';
  /** Whether this call made the Cognito link (false when an earlier or concurrent attempt had). */
  linked: boolean;
}

type Target = { kind: 'own'; userId: string; replacing?: string } | { kind: 'existing'; userId: string };

const refuse = () =>
  new GoogleSignInError('account_exists_sign_in_with_passkey', 'The account must link Google itself.');

/**
 * Native users that have `email`, and the holder of its verified claim:
 * ListUsers is eventually consistent, the claim is read strongly, so an owner
 * who verified the address a moment ago is found too. `exclude` is left out
 * (the account a cut-off attempt of this very sign-in reserved).
 */
async function candidatesFor(
  deps: GoogleIdentityDeps,
  email: string,
  exclude: string | null,
): Promise<LinkCandidate[]> {
  if (!email) return [];
  const candidates = new Map<string, LinkCandidate>();
  for (const user of await deps.cognito.findUsersByEmail(email)) {
    candidates.set(user.username, {
      username: user.username,
      status: user.status,
      emailVerified: user.attributes.email_verified === 'true',
    });
  }
  const claim = await deps.store.findEmailClaim(email);
  // A claim whose user is gone (an account deletion cut short) names nobody to link to.
  if (claim?.verified && !candidates.has(claim.userId) && (await deps.cognito.getUser(claim.userId))) {
    candidates.set(claim.userId, { username: claim.userId, status: '', emailVerified: true });
  }
  if (exclude !== null) candidates.delete(exclude);
  return [...candidates.values()];
}

/**
 * Which native account a Google identity's first sign-in signs in to. An
 * account a retry (or a concurrent twin) of this sign-in reserved and created
 * is taken up again; otherwise the linking rules decide (`decideFirstSignIn`):
 * an existing account with the same verified email — unless its owner
 * unlinked this identity before, which only `POST /auth/google/link` undoes —
 * or a new account of its own.
 */
async function chooseAccount(
  deps: AdoptGoogleIdentityDeps,
  googleSub: string,
  profile: GoogleProfile,
): Promise<Target> {
  const { store, cognito } = deps;
  const reserved = await store.findGoogleAccountReservation(googleSub);
  const pending = reserved === null ? null : await cognito.getUser(reserved);
  // An account that has since unlinked this identity is not this sign-in's to take up.
  const disowned =
    reserved !== null && pending !== null && (await store.isGoogleUnlinked(reserved, googleSub));
  if (reserved !== null && pending !== null && !disowned) return { kind: 'own', userId: reserved };

  const decision = decideFirstSignIn({
    googleEmailVerified: profile.emailVerified,
    candidates: await candidatesFor(deps, profile.email, disowned ? null : reserved),
  });
  if (decision.action === 'refuse') throw refuse();
  if (decision.action === 'link') {
    if (await store.isGoogleUnlinked(decision.username, googleSub)) throw refuse();
    return { kind: 'existing', userId: decision.username };
  }
  return {
    kind: 'own',
    userId: randomUUID(),
    ...(disowned && reserved !== null ? { replacing: reserved } : {}),
  };
}

/**
 * Creates the identity's own account, or finds it created by a retry or a
 * concurrent twin: the reservation decides which id. A Google-verified email
 * is claimed first (conditional), so nobody else can verify it in between;
 * the Cognito user has the email verified as Google says, and Google's values
 * in their custom attributes. Returns whether this call created the user.
 */
async function ensureOwnAccount(
  deps: AdoptGoogleIdentityDeps,
  input: { googleSub: string; userId: string; replacing?: string; profile: GoogleProfile },
): Promise<{ userId: string; created: boolean }> {
  const { store, cognito, clock } = deps;
  const { googleSub, profile } = input;
  const userId = await store.reserveGoogleAccount({
    googleSub,
    userId: input.userId,
    expiresAt: clock() + RESERVATION_TTL_MS,
    ...(input.replacing ? { replacing: input.replacing } : {}),
  });
  const claimed = profile.emailVerified && profile.email !== '';
  if (claimed && !(await store.claimEmail({ userId, email: profile.email }))) {
    // Verified by another account since the rules were applied: the next attempt links to it.
    throw new GoogleSignInError('google_failed', 'Another account verified the email meanwhile.');
  }
  try {
    await cognito.createUser({
      username: userId,
      email: profile.email,
      emailVerified: profile.emailVerified,
      google: profile,
    });
    return { userId, created: true };
  } catch (error) {
    if (error instanceof UserExistsError) return { userId, created: false };
    // Nothing half-created: the claim goes unless a concurrent twin created the user after all.
    if (claimed && !(await cognito.getUser(userId).catch(() => null))) {
      await store.releaseEmailClaim({ userId, email: profile.email }).catch(() => undefined);
    }
    throw error;
  }
}

/**
 * A Google identity's first sign-in, after the hosted UI signed it in as its
 * new federated user `federatedUsername`: that user is deleted (a source that
 * has signed in cannot be linked: API: AdminLinkProviderForUser), the native
 * account is found or created, and the identity is linked to it. Every later
 * sign-in through the hosted UI lands on that native user (API:
 * AdminLinkProviderForUser), and the caller signs it in now with a one-time
 * grant. Nothing is left half-made: an account created here whose link fails
 * is deleted again with its records; a failure after the federated user went
 * leaves the identity as if it never signed in, so the next attempt starts
 * over (Cognito creates the federated user again). Throws
 * `account_exists_sign_in_with_passkey` when the rules refuse, `google_failed`
 * for anything else.
 */
export async function adoptGoogleIdentity(
  deps: AdoptGoogleIdentityDeps,
  input: { federatedUsername: string; googleSub: string; profile: GoogleProfile },
): Promise<AdoptedGoogleIdentity> {
  const { store, cognito, log } = deps;
  const { googleSub, profile } = input;
  if (!(await removeFederatedUser(deps, input.federatedUsername))) {
    throw new GoogleSignInError('google_failed', 'The federated user holds passkeys; it is not replaced.');
  }
  const target = await chooseAccount(deps, googleSub, profile);

  if (target.kind === 'existing') {
    const outcome = await link(deps, { userId: target.userId, googleSub });
    await cognito.setGoogleAttributes(target.userId, profile);
    return { userId: target.userId, via: 'linked-by-email', linked: outcome === 'linked' };
  }

  const { userId, created } = await ensureOwnAccount(deps, { googleSub, ...target, profile });
  let outcome: LinkOutcome;
  try {
    outcome = await link(deps, { userId, googleSub });
  } catch (error) {
    if (created) {
      await cognito.deleteUser(userId).catch((cleanup: unknown) => {
        log.error('could not remove the account of a failed Google sign-up', describeError(cleanup));
      });
      await store.deleteAccount({ userId, email: profile.email }).catch((cleanup: unknown) => {
        log.error('could not remove the records of a failed Google sign-up', describeError(cleanup));
      });
      await store.releaseGoogleAccountReservation({ googleSub, userId }).catch(() => undefined);
    }
    throw error;
  }
  // The reservation has done its work: Cognito now sends this identity to the account.
  await store.releaseGoogleAccountReservation({ googleSub, userId }).catch((error: unknown) => {
    log.warn('could not release a Google account reservation', describeError(error));
  });
  return { userId, via: created ? 'created' : 'resumed', linked: outcome === 'linked' };
}

/** `linkGoogleIdentity` for a sign-in: a refused link is a failed sign-in, not an explicit link's `google_account_in_use`. */
async function link(deps: GoogleIdentityDeps, input: { userId: string; googleSub: string }) {
  try {
    return await linkGoogleIdentity(deps, input);
  } catch (error) {
    if (error instanceof GoogleSignInError && error.redirectCode === 'google_account_in_use') {
      throw new GoogleSignInError('google_failed', 'Cognito refused the link.', { cause: error.cause });
    }
    throw error;
  }
}
