import type { DefineAuthChallengeEvent } from './types.ts';

/**
 * DefineAuthChallenge (DG: user-pool-lambda-define-auth-challenge): one custom
 * challenge, one attempt. Tokens are issued only when the single answer so far
 * was judged correct by VerifyAuthChallengeResponse; anything else fails.
 */
export async function defineAuthChallenge(
  event: DefineAuthChallengeEvent,
): Promise<DefineAuthChallengeEvent> {
  const { session, userNotFound } = event.request;
  const response: DefineAuthChallengeEvent['response'] = { issueTokens: false, failAuthentication: false };
  if (userNotFound) {
    response.failAuthentication = true;
  } else if (session.length === 0) {
    response.challengeName = 'CUSTOM_CHALLENGE';
  } else if (
    session.length === 1 &&
    session[0]?.challengeName === 'CUSTOM_CHALLENGE' &&
    session[0].challengeResult === true
  ) {
    response.issueTokens = true;
  } else {
    response.failAuthentication = true;
  }
  return { ...event, response };
}
