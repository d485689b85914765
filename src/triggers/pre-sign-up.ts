import type { PreSignUpEvent } from './types.ts';

/**
 * PreSignUp (DG: user-pool-lambda-pre-sign-up). Accounts are created only by the
 * API (AdminCreateUser, after a verified passkey registration): public
 * self-service SignUp is refused. External-provider sign-ups pass through.
 */
export async function preSignUp(event: PreSignUpEvent): Promise<PreSignUpEvent> {
  if (event.triggerSource === 'PreSignUp_SignUp') {
    throw new Error('Self-service sign-up is disabled; create an account with a passkey');
  }
  return { ...event, response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false } };
}
