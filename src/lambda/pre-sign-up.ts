import { createPreSignUpHandler, type PreSignUpDeps } from '../triggers/pre-sign-up.ts';
import type { PreSignUpEvent } from '../triggers/types.ts';

/** The pool that invoked the function; a function serves one pool, and handles one event at a time. */
let pool = { userPoolId: '', clientId: '' };
let deps: Promise<PreSignUpDeps> | undefined;

/**
 * Cognito and the table are needed only for a Google first sign-in
 * (`PreSignUp_ExternalProvider`), so they are loaded on the first such event
 * (a separate chunk of this bundle) and kept for the execution environment.
 * Passkey sign-ups (`PreSignUp_AdminCreateUser`) never load them.
 */
function linkingDeps(): Promise<PreSignUpDeps> {
  deps ??= import('./pre-sign-up-deps.ts')
    .then(({ createPreSignUpDeps }) => createPreSignUpDeps(process.env, pool))
    .catch((error: unknown) => {
      deps = undefined;
      throw error;
    });
  return deps;
}

const preSignUp = createPreSignUpHandler({
  findUsersByEmail: async (email) => (await linkingDeps()).findUsersByEmail(email),
  linkGoogle: async (username, googleSub) => (await linkingDeps()).linkGoogle(username, googleSub),
  consumePendingLink: async (username) => (await linkingDeps()).consumePendingLink(username),
  wasUnlinked: async (username, googleSub) => (await linkingDeps()).wasUnlinked(username, googleSub),
  claimGoogleEmail: async (username, email) => (await linkingDeps()).claimGoogleEmail(username, email),
});

/** Lambda entry point of the PreSignUp trigger (the same handler the local stack wires). */
export async function handler(event: PreSignUpEvent): Promise<PreSignUpEvent> {
  pool = { userPoolId: event.userPoolId, clientId: event.callerContext.clientId };
  return preSignUp(event);
}
