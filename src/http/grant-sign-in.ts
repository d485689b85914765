import type { CognitoTokens } from '../cognito/types.ts';
import { randomId } from '../sessions/csrf.ts';
import type { Runtime } from './deps.ts';

/** A grant lets its user sign in once, within this time. */
const GRANT_TTL_MS = 60 * 1000;

/**
 * Signs `userId` in through Cognito CUSTOM_AUTH with a one-time grant: the
 * API issues the grant only after it checked the proof itself (a registration
 * ceremony, an emailed code), and Cognito issues tokens only after the
 * VerifyAuthChallengeResponse trigger consumed that grant. Throws
 * `CustomAuthRejectedError` when Cognito refuses (user deleted or disabled).
 */
export async function signInWithGrant(rt: Runtime, userId: string): Promise<CognitoTokens> {
  const grantId = randomId(32);
  await rt.store.putGrant({ id: grantId, userId, expiresAt: rt.clock() + GRANT_TTL_MS });
  return rt.cognito.signInWithCustomChallenge({
    username: userId,
    answer: JSON.stringify({ kind: 'grant', grantId }),
  });
}
