import type { PreSignUpEvent } from './types.ts';

const CONFIRM = { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false } as const;

/**
 * PreSignUp (DG: user-pool-lambda-pre-sign-up). It refuses only what must be
 * refused: public self-service SignUp (`PreSignUp_SignUp`), since accounts are
 * created by the API alone. `PreSignUp_AdminCreateUser` (the API's own
 * AdminCreateUser) and `PreSignUp_ExternalProvider` (a Google identity's first
 * sign-in through the hosted UI) pass: the Google callback replaces the
 * federated user Cognito creates with a native account and applies the
 * account-linking rules itself (src/oauth/adopt-google-identity.ts), so no
 * trigger ever links a user nor refuses with a message anybody parses.
 * Nothing is looked up: the trigger answers at once, well inside Cognito's
 * 5-second limit, and needs no access to the pool or the table.
 */
export async function preSignUp(event: PreSignUpEvent): Promise<PreSignUpEvent> {
  if (event.triggerSource === 'PreSignUp_SignUp') {
    throw new Error('Self-service sign-up is disabled; create an account with a passkey');
  }
  return { ...event, response: { ...CONFIRM } };
}
