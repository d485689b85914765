import { preSignUp } from '../triggers/pre-sign-up.ts';
import type { PreSignUpEvent } from '../triggers/types.ts';

/** Lambda entry point of the PreSignUp trigger (the same handler the local stack wires). */
export async function handler(event: PreSignUpEvent): Promise<PreSignUpEvent> {
  return preSignUp(event);
}
