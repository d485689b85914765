import type { Clock } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { RelyingParty } from '../passkeys/ceremony-options.ts';
import { CeremonyRejectedError } from '../passkeys/ceremony-rejected-error.ts';
import { type ChallengeAnswer, challengeAnswerSchema } from '../passkeys/schemas.ts';
import { verifyPasskeyAssertion } from '../passkeys/verify-assertion.ts';
import { CredentialConflictError } from '../store/errors.ts';
import type { Store } from '../store/types.ts';
import type { TriggerHandler, VerifyAuthChallengeResponseEvent } from './types.ts';

export interface VerifyAuthChallengeOptions {
  store: Store;
  rp: RelyingParty;
  clock: Clock;
  logger: Logger;
}

/**
 * VerifyAuthChallengeResponse (DG: user-pool-lambda-verify-auth-challenge-response):
 * the only place that decides whether Cognito may issue tokens. The answer is
 * either a passkey assertion for a challenge the API stored, or a one-time
 * grant the API issued after checking the proof itself (a sign-up's
 * registration, a recovery's emailed code). Either is consumed (single use)
 * before anything else, so a failed or replayed attempt can never succeed later.
 */
export function createVerifyAuthChallengeHandler(
  options: VerifyAuthChallengeOptions,
): TriggerHandler<VerifyAuthChallengeResponseEvent> {
  const { store, rp, clock, logger } = options;

  async function judge(event: VerifyAuthChallengeResponseEvent): Promise<boolean> {
    if (event.request.userNotFound) return false;
    let answer: ChallengeAnswer;
    try {
      answer = challengeAnswerSchema.parse(JSON.parse(event.request.challengeAnswer));
    } catch {
      return false;
    }
    const userId = event.userName;
    if (answer.kind === 'grant') {
      const grant = await store.consumeGrant(answer.grantId);
      return grant !== null && grant.userId === userId;
    }
    const challenge = await store.consumeChallenge(answer.ceremonyId);
    if (!challenge) return false;
    const credential = await store.getCredential(answer.credential.id);
    if (!credential) return false;
    const update = await verifyPasskeyAssertion({
      response: answer.credential,
      challenge,
      credential,
      userId,
      rp,
      now: clock(),
    });
    await store.recordCredentialUse(credential.id, update);
    return true;
  }

  return async function verifyAuthChallengeResponse(event) {
    let answerCorrect = false;
    try {
      answerCorrect = await judge(event);
    } catch (error) {
      // A refused ceremony or a lost counter race is a wrong answer; anything
      // else (the table unreachable) fails the call so Cognito reports it.
      if (!(error instanceof CeremonyRejectedError || error instanceof CredentialConflictError)) throw error;
      logger.info('passkey challenge answer rejected', {
        trigger: 'VerifyAuthChallengeResponse',
        reason: error.message,
      });
    }
    if (!answerCorrect) logger.info('custom challenge failed', { trigger: 'VerifyAuthChallengeResponse' });
    return { ...event, response: { answerCorrect } };
  };
}
