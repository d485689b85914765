import type { CognitoAdapter, CognitoUser } from '../cognito/types.ts';
import {
  decideExternalSignUp,
  googleEmailOf,
  googleSubOf,
  linkTargetOf,
  PRE_SIGN_UP_MARKERS,
  pendingLinkId,
} from '../oauth/linking.ts';
import type { Store } from '../store/types.ts';
import type { PreSignUpEvent } from './types.ts';

/** What the PreSignUp trigger needs to decide account linking for Google sign-ups. */
export interface PreSignUpDeps {
  /** ListUsers by email (the Cognito adapter's `findUsersByEmail`). */
  findUsersByEmail(email: string): Promise<CognitoUser[]>;
  /** AdminLinkProviderForUser (the Cognito adapter's `linkGoogle`). */
  linkGoogle(username: string, googleSub: string): Promise<void>;
  /**
   * Consumes a pending explicit link (`intent=link`) the API stored for this
   * user, if one exists and has not expired; true when there was one.
   */
  consumePendingLink(username: string): Promise<boolean>;
  /** Whether this Google identity was unlinked from `username` (never linked back automatically). */
  wasUnlinked(username: string, googleSub: string): Promise<boolean>;
  /**
   * Claims a Google-verified email for the federated user about to be created
   * (the store's `claimEmail`), so passkey sign-up finds it taken: Cognito
   * cannot search Google's email, which lives in a custom attribute. False
   * when another account holds it.
   */
  claimGoogleEmail(username: string, email: string): Promise<boolean>;
}

/**
 * The trigger's dependencies from the shared adapters: Cognito for lookups and
 * links, the store for the pending explicit links the API records.
 */
export function preSignUpDepsFrom(input: {
  cognito: Pick<CognitoAdapter, 'findUsersByEmail' | 'linkGoogle'>;
  store: Pick<Store, 'consumeChallenge' | 'isGoogleUnlinked' | 'claimEmail'>;
}): PreSignUpDeps {
  const { cognito, store } = input;
  return {
    findUsersByEmail: (email) => cognito.findUsersByEmail(email),
    linkGoogle: (username, googleSub) => cognito.linkGoogle(username, googleSub),
    async consumePendingLink(username) {
      const record = await store.consumeChallenge(pendingLinkId(username));
      return record?.purpose === 'google-link' && record.userId === username;
    },
    wasUnlinked: (username, googleSub) => store.isGoogleUnlinked(username, googleSub),
    claimGoogleEmail: (username, email) => store.claimEmail({ userId: username, email }),
  };
}

const CONFIRM = { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false } as const;

/**
 * PreSignUp (DG: user-pool-lambda-pre-sign-up). Accounts are created only by
 * the API (AdminCreateUser, after a verified passkey registration): public
 * self-service SignUp is refused.
 *
 * `PreSignUp_ExternalProvider` (a Google identity's first sign-in) reads
 * Google's email and verified flag from `custom:google_email` and
 * `custom:google_verified` (the IdP's attribute mapping) and applies
 * `decideExternalSignUp` against native accounts whose (standard) email
 * matches: with no account that verified that email the federated user is
 * created (an unverified account's email never blocks the verified owner,
 * whose new claim takes over the unverified one); a verified-email account is
 * linked — Cognito cannot finish the
 * sign-in that triggered a link ("Already found an entry for username",
 * amplify-flutter#1716), so the trigger links and then refuses with a marker
 * the API recognises and restarts the flow once, landing on the linked user;
 * an email Google did not verify is never linked nor let past an account that
 * holds it: the trigger refuses with a marker the API maps to
 * `account_exists_sign_in_with_passkey`, unless that account's owner has
 * started an explicit link, which the API completes after the round trip.
 * An unverified account is never merged into.
 */
export function createPreSignUpHandler(deps: PreSignUpDeps) {
  return async function preSignUpHandler(event: PreSignUpEvent): Promise<PreSignUpEvent> {
    if (event.triggerSource === 'PreSignUp_SignUp') {
      throw new Error('Self-service sign-up is disabled; create an account with a passkey');
    }
    if (event.triggerSource === 'PreSignUp_ExternalProvider') {
      const googleSub = googleSubOf(event.userName);
      // Google's email and verified flag arrive in custom attributes (src/cognito/google-attributes.ts).
      const google = googleEmailOf(event.request.userAttributes);
      const email = google.email;
      if (googleSub && email) {
        const candidates = (await deps.findUsersByEmail(email)).filter(
          (user) => user.username.toLowerCase() !== event.userName.toLowerCase(),
        );
        const candidateViews = candidates.map((user) => ({
          username: user.username,
          status: user.status,
          emailVerified: user.attributes.email_verified === 'true',
        }));
        const target = linkTargetOf(candidateViews);
        const decision = decideExternalSignUp({
          googleEmailVerified: google.emailVerified,
          candidates: candidateViews,
          pendingLink: target ? await deps.consumePendingLink(target.username) : false,
        });
        // An identity its owner unlinked is linked again only on purpose (POST /auth/google/link).
        if (decision.action === 'link' && (await deps.wasUnlinked(decision.username, googleSub))) {
          throw new Error(PRE_SIGN_UP_MARKERS.accountExists);
        }
        if (decision.action === 'link') {
          await deps.linkGoogle(decision.username, googleSub);
          throw new Error(PRE_SIGN_UP_MARKERS.linked);
        }
        if (decision.action === 'refuse') throw new Error(PRE_SIGN_UP_MARKERS.accountExists);
        // A new Google-only account: its Google-verified email is taken from now on. The claim is
        // keyed to the federated username (google_<sub>, fixed by the Google identity), so a retry
        // or a later re-creation of the same identity finds it its own. Best effort: a claim held
        // by another account changes nothing here.
        if (google.emailVerified) await deps.claimGoogleEmail(event.userName, email);
      }
    }
    return { ...event, response: { ...CONFIRM } };
  };
}

/**
 * The trigger without linking dependencies: refuses self-service sign-up and
 * lets external-provider sign-ups create their own user (never merging them
 * into anything). Deployments wire `createPreSignUpHandler` instead.
 */
export async function preSignUp(event: PreSignUpEvent): Promise<PreSignUpEvent> {
  if (event.triggerSource === 'PreSignUp_SignUp') {
    throw new Error('Self-service sign-up is disabled; create an account with a passkey');
  }
  return { ...event, response: { ...CONFIRM } };
}
